"""Words for the stored codes (statuses, kinds, fields), translated when shown."""

import datetime as dt

from flask_babel import format_date, format_datetime
from flask_babel import lazy_gettext as _l

from ... import vocabulary
from ...storage.clock import parse_time
from . import bp

# Derived from the vocabulary (pwa/vocabulary.py): one word for each code, everywhere.
STATUS_LABELS = {status.code: status.label for status in vocabulary.FLOW}
KIND_LABELS = {choice.value: choice.name for choice in vocabulary.KINDS}
# The concern's fields in the order the form asks them.
FIELD_LABELS = {name: vocabulary.WORKSPACE_LABELS[name] for name in vocabulary.FIELD_ORDER}
FLOW_ERRORS = {
    "not_next_step": _l("This concern is no longer at that step; reload the page."),
    "not_this_step": _l("This concern is no longer at that step; reload the page."),
    "expert_team_first": _l("Record the discussion in the expert team before moving on."),
    "agreement_first": _l("Write the follow-up agreement before closing the concern."),
    "empty_note": _l("A note cannot be empty."),
    "link_self": _l("A concern cannot be linked to itself."),
}


@bp.app_template_filter("field_value")
def field_value(value, field: str):
    """A stored value as staff read it: yes/no, a translated code, or the text itself."""
    if isinstance(value, bool):
        return _l("Yes") if value else _l("No")
    if value is None or value == "":
        return "—"
    return vocabulary.choice_name(field, value)


@bp.app_template_filter("staff_time")
def staff_time(value) -> str:
    """A stored UTC timestamp in Brussels time, as the reader's language writes it."""
    moment = parse_time(value) if isinstance(value, str) else value
    return format_datetime(moment, "short") if moment else "—"


@bp.app_template_filter("staff_date")
def staff_date(value) -> str:
    return format_date(dt.date.fromisoformat(value), "medium") if value else "—"


@bp.context_processor
def label_tables():
    return {
        "STATUS_LABELS": STATUS_LABELS,
        "KIND_LABELS": KIND_LABELS,
        "FIELD_LABELS": FIELD_LABELS,
    }
