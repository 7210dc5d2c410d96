"""Every store's writer lock at once, for a consistent snapshot (backup) or a migration.

The same (folder, name) pairs the stores take (see each store's `locked(...)` call), always in
this one order, so two holders of several locks never wait on each other. Not taken: "rotation"
and "purge", held for a whole key rotation or purge; both are resumable by design, so a snapshot
between two of their steps is a state a crash could leave, which a rerun completes.
"""

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from .atomic import locked

# (folder inside the data folder, lock name), in the order they are taken.
STORE_LOCKS = (
    ("concerns", "concerns"),
    (".", "links"),
    ("staff", "staff"),
    ("staff", "throttle"),
    ("keys", "keys"),
    ("guidance", "guidance"),
    ("audit", "audit"),
)


@contextmanager
def all_store_locks(data_dir) -> Iterator[None]:
    """Hold every store's lock (Busy when one is held too long elsewhere); release in reverse."""
    with ExitStack() as stack:
        for folder, name in STORE_LOCKS:
            stack.enter_context(locked(Path(data_dir) / folder, name))
        yield
