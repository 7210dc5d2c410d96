"""Where the app's files outside pwa/ are, in a checkout and in an installed wheel alike."""

from importlib import resources
from pathlib import Path

# The package folder itself (a plain folder: the app is never run from a zip).
PACKAGE_DIR = Path(str(resources.files("pwa")))


def shipped(name: str) -> Path:
    """A top-level folder of the repository (translations, service_worker) wherever it is.

    The wheel carries it inside the package (see pyproject.toml's [tool.hatch] sources);
    a checkout and the editable install have it at the repository root, beside pwa/.
    The package's own copy comes first: beside an installed package is site-packages,
    where another distribution may have left a folder of the same name.
    """
    for path in (PACKAGE_DIR / name, PACKAGE_DIR.parent / name):
        if path.exists():
            return path
    raise FileNotFoundError(f"{name}/ is neither in {PACKAGE_DIR} nor beside it")


def translations_dir() -> Path:
    """The Babel catalogs (messages.pot and <locale>/LC_MESSAGES/messages.po)."""
    return shipped("translations")


def service_worker_file() -> Path:
    """The service worker's source; /sw.js serves it with the deploy's version filled in."""
    return shipped("service_worker") / "sw.js"
