"""Words for the stored codes (statuses, kinds, fields), translated when shown."""

import datetime as dt

from flask_babel import format_date, format_datetime
from flask_babel import lazy_gettext as _l

from ...storage.inbox import parse_time
from . import bp

STATUS_LABELS = {
    "received": _l("Received"),
    "clarification": _l("Question clarification and file analysis"),
    "case_discussion": _l("Case discussion and trajectory advice"),
    "follow_up": _l("Follow-up and referral agreements"),
    "closed": _l("Closed"),
}
KIND_LABELS = {"consult": _l("Information consult"), "registration": _l("Registration")}
ROLE_LABELS = {
    "teacher": _l("Teacher"),
    "clb": _l("CLB"),
    "school_leader": _l("School leader"),
    "other": _l("Other"),
}
ASSESSMENT_LABELS = {
    "radicalisation": _l("Radicalisation"),
    "polarisation": _l("Polarisation"),
    "broader": _l("A broader problem"),
    "unsure": _l("Not sure yet"),
}
# The concern's fields in the order the form asks them.
FIELD_LABELS = {
    "kind": _l("Kind"),
    "school": _l("School"),
    "reporter_name": _l("Reporter"),
    "reporter_role": _l("Reporter's role"),
    "reporter_phone": _l("Reporter's phone"),
    "reporter_email": _l("Reporter's e-mail"),
    "clb_informed": _l("CLB informed"),
    "pupil_ref": _l("Pupil (initials or pseudonym)"),
    "pupil_grade": _l("Pupil's grade"),
    "need": _l("Why contact is sought now"),
    "assessment": _l("First assessment"),
    "steps_taken": _l("Steps already taken"),
    "talked_with_pupil": _l("Talked with the pupil"),
    "talked_with_parents": _l("Talked with the parents"),
    "missing_info": _l("Missing information"),
    "urgent": _l("Urgent"),
}
VALUE_LABELS = {
    "kind": KIND_LABELS,
    "reporter_role": ROLE_LABELS,
    "assessment": ASSESSMENT_LABELS,
}
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
    return VALUE_LABELS.get(field, {}).get(value, value)


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
