"""Preview the draft as a teacher, publish it, see the history and roll back, export/import.

(Issue #9.)
"""

from . import bp  # noqa: F401
