"""A concern's vocabulary, defined once: its fields, choices and the CMP's status flow.

The form (forms.py), the storage's flow checks (storage/inbox.py), the workspace, the phone's
receipt labels and the tests all derive from these tables. Adding a field means a line here
and a field on ConcernForm; a start-up check (forms.check_vocabulary) refuses any mismatch.
"""

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Choice:
    """One option of a choice field: its stored code, how the form offers it, its short name."""

    value: str
    label: object  # a lazy translated string
    short: object = None  # lists and the workspace; the label when None

    @property
    def name(self):
        return self.short or self.label


KINDS = (
    Choice("consult", _l("Ask a question (information consult)"), _l("Information consult")),
    Choice(
        "registration",
        _l("Refer a pupil to the CMP for coaching or advice (referral)"),
        _l("Referral"),
    ),
)
ROLES = (
    Choice("teacher", _l("Teacher")),
    Choice("clb", _l("CLB (anchor)")),
    Choice("school_leader", _l("School leadership")),
    Choice("other", _l("Other")),
)
ASSESSMENTS = (
    Choice("radicalisation", _l("Radicalisation")),
    Choice("polarisation", _l("Polarisation")),
    Choice("broader", _l("A broader problem")),
    Choice("unsure", _l("I don't know yet")),
)
CHOICES = {"kind": KINDS, "reporter_role": ROLES, "assessment": ASSESSMENTS}


@dataclass(frozen=True)
class Section:
    """A part of the concern form: its heading for the teacher and its fields, in order."""

    id: str
    heading: object  # None: the opening question needs no heading
    fields: tuple[str, ...]


SECTIONS = (
    Section("request", None, ("kind",)),
    # Step 1 of the flow comes first: has the school's CLB anchor been told? (The form reminds
    # the teacher, with the anchor's call button, while it is not ticked.)
    Section("clb", _l("Step 1: your CLB anchor"), ("clb_informed",)),
    Section(
        "reporter",
        _l("About you"),
        (
            "school",
            "reporter_name",
            "reporter_role",
            "reporter_phone",
            "reporter_email",
        ),
    ),
    Section("pupil", _l("About the pupil"), ("pupil_ref", "pupil_grade")),
    Section(
        "concern",
        _l("Your question or concern"),
        (
            "need",
            "assessment",
            "steps_taken",
            "talked_with_pupil",
            "talked_with_parents",
            "missing_info",
            "urgent",
        ),
    ),
)
FIELD_ORDER = tuple(name for section in SECTIONS for name in section.fields)
SECTIONS_BY_ID = {section.id: section for section in SECTIONS}

# What stays readable on the server's disk once keys exist (issue #10): the inbox filters on the
# kind and searches the school. Every other field is sealed to the CMP key at intake
# (pwa/storage/sealed_records.py); the README lists what stays readable.
CLEAR_FIELDS = ("kind", "school")
SEALED_FIELDS = tuple(name for name in FIELD_ORDER if name not in CLEAR_FIELDS)

# What the phone's app sends with a concern besides what the teacher wrote: never a form field
# (the HTML form has none of them), never shown in the workspace, stored beside the concern's
# fields. receipt_key: the phone's public key, so the CMP's follow-up agreement reaches the
# phone sealed to it (pwa/receipt_sealing.py). Without one the receipt shows it as before.
DEVICE_FIELDS = ("receipt_key",)

# The teacher's own details, which the phone remembers for their next concern if they ask it
# to: the "About you" section less its answers about this one concern. Nothing about the pupil
# or the concern itself is ever remembered.
ABOUT_THIS_CONCERN = ("clb_informed",)
REMEMBERED_FIELDS = tuple(
    name for name in SECTIONS_BY_ID["reporter"].fields if name not in ABOUT_THIS_CONCERN
)

# How the workspace names each field (the form asks the teacher in the second person).
WORKSPACE_LABELS = {
    "kind": _l("Kind"),
    "clb_informed": _l("CLB informed"),
    "school": _l("School"),
    "reporter_name": _l("Reporter"),
    "reporter_role": _l("Reporter's role"),
    "reporter_phone": _l("Reporter's phone"),
    "reporter_email": _l("Reporter's e-mail"),
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


@dataclass(frozen=True)
class Status:
    """A step of the CMP's work on a concern."""

    code: str
    label: object  # the workspace's name for it
    reporter_label: object  # what the teacher's phone says ("Status at the CMP: ...")
    # The Antwerp flow's steps (ids in pwa/content/guidance.toml) this status works through.
    content_steps: tuple[str, ...]
    # The parts of the record staff fill in while the concern is at this status.
    sections: tuple[str, ...] = field(default=())


FLOW = (
    # A concern arrives as an information consult or a referral (the seed's two ways in).
    Status(
        "received",
        _l("Received"),
        _l("received"),
        ("information-consult", "registration"),
    ),
    Status(
        "clarification",
        _l("Clarifying the question and analysing the file"),
        _l("clarifying the question"),
        ("clarification",),
        ("clarification",),
    ),
    Status(
        "case_discussion",
        _l("Case discussion and advice on a support pathway"),
        _l("case discussion"),
        ("case-discussion",),
        ("case_discussion",),
    ),
    Status(
        "follow_up",
        _l("Follow-up and onward-referral agreements"),
        _l("follow-up agreed"),
        ("follow-up",),
        ("follow_up_options", "follow_up"),
    ),
    # Past the flow: the agreements are made and the reporter can read them.
    Status("closed", _l("Closed"), _l("closed"), ()),
)
STATUSES = {status.code: status for status in FLOW}
# The parts of a record staff write in the flow's steps, each sealed like the private fields
# (the step notes and internal notes are sealed too: sealed_records.py).
SEALED_SECTIONS = tuple(section for status in FLOW for section in status.sections)


def next_status(code: str) -> Status | None:
    """The status after `code` in the flow, or None at the end."""
    index = [status.code for status in FLOW].index(code)
    return FLOW[index + 1] if index + 1 < len(FLOW) else None


def content_steps_after(code: str) -> tuple[str, ...]:
    """The Antwerp flow's steps still ahead of a concern at status `code`, in order."""
    index = [status.code for status in FLOW].index(code)
    return tuple(step for status in FLOW[index + 1 :] for step in status.content_steps)


def choice_name(field_name: str, value):
    """A stored choice code as people read it (the code itself when unknown)."""
    for choice in CHOICES.get(field_name, ()):
        if choice.value == value:
            return choice.name
    return value
