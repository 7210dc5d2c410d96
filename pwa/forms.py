"""The concern form: one class validates the HTML post (no JavaScript) and the JSON sync."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, EmailField, RadioField, StringField, TelField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.fields.core import UnboundField

from . import vocabulary
from .validators import (
    PUPIL_REF_MAX,
    MaxLength,
    choice_checks,
    e164_phone,
    email_address,
    normalise_text,
    phone_receipt_key,
    plain_text,
    pupil_reference,
    strip,
    text_checks,
)


def _offered(choices) -> list[SelectChoice]:
    """The vocabulary's choices as the form offers them."""
    return [SelectChoice(choice.value, choice.label) for choice in choices]


class ConcernForm(FlaskForm):
    """A concern for the CMP: an information consult (a question) or a referral ("aanmelding")."""

    KINDS = _offered(vocabulary.KINDS)
    ROLES = _offered(vocabulary.ROLES)
    ASSESSMENTS = _offered(vocabulary.ASSESSMENTS)

    kind = RadioField(
        _l("What do you want to do?"),
        choices=KINDS,
        validators=choice_checks(KINDS, _l("Choose a question or a referral.")),
        validate_choice=False,
    )
    clb_informed = BooleanField(
        _l("The school's CLB anchor knows about this concern"),
        description=_l("The flow's first step: contact the CLB anchor of the school first."),
    )
    school = StringField(
        _l("School"),
        render_kw={"autocomplete": "organization"},
        filters=[strip],
        validators=text_checks(200, _l("Enter the name of the school.")),
    )
    reporter_name = StringField(
        _l("Your name"),
        render_kw={"autocomplete": "name"},
        filters=[strip],
        validators=text_checks(120, _l("Enter your name.")),
    )
    reporter_role = RadioField(
        _l("Your role"), choices=ROLES, validators=choice_checks(ROLES), validate_choice=False
    )
    reporter_phone = TelField(
        _l("Your phone number"),
        render_kw={"autocomplete": "tel"},
        description=_l("The CMP may call this number about this concern."),
        filters=[strip],
        validators=[*text_checks(32, _l("Enter a phone number.")), e164_phone],
    )
    reporter_email = EmailField(
        _l("Your e-mail address (optional)"),
        render_kw={"autocomplete": "email"},
        filters=[strip],
        validators=[*text_checks(254), email_address],
    )
    pupil_ref = StringField(
        _l("Pupil: initials or a pseudonym"),
        description=_l(
            "At most 12 characters, for example J.P. or Pupil A. Never the pupil's full name: "
            "a lost phone must not reveal who it is. Needed for a referral."
        ),
        filters=[strip],
        validators=[pupil_reference, plain_text(False), MaxLength(PUPIL_REF_MAX)],
        render_kw={"autocapitalize": "characters", "spellcheck": "false"},
    )
    pupil_grade = StringField(
        _l("Year or class (optional)"), filters=[strip], validators=text_checks(40)
    )
    need = TextAreaField(
        _l("Why do you contact the CMP now?"),
        description=_l(
            "What worries you, and what do you need from the CMP? "
            "Do not write the pupil's full name."
        ),
        filters=[normalise_text],
        validators=text_checks(5000, _l("Describe why you contact the CMP."), multiline=True),
        render_kw={"rows": 7},
    )
    assessment = RadioField(
        _l("Is it about radicalisation?"),
        choices=ASSESSMENTS,
        validators=choice_checks(ASSESSMENTS),
        validate_choice=False,
    )
    steps_taken = TextAreaField(
        _l("Which steps have already been taken?"),
        filters=[normalise_text],
        validators=text_checks(3000, multiline=True),
    )
    talked_with_pupil = BooleanField(_l("Someone has talked with the pupil"))
    talked_with_parents = BooleanField(_l("Someone has talked with the parents"))
    missing_info = TextAreaField(
        _l("Which information is still missing?"),
        description=_l("To assess the situation or to give advice."),
        filters=[normalise_text],
        validators=text_checks(3000, multiline=True),
    )
    urgent = BooleanField(
        _l("There is acute danger"),
        description=_l("Call 112 now. Sending this form never replaces a phone call."),
    )

    # Sent by the phone's app only (vocabulary.DEVICE_FIELDS): the template draws the sections'
    # fields, so no page ever shows it.
    receipt_key = StringField(_l("This phone's receipt key"), validators=[phone_receipt_key])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.json_problems: dict[str, list] = {}

    @classmethod
    def from_json(cls, payload: dict) -> "ConcernForm":
        """A form filled from a JSON sync body; type and unknown-key problems become errors.

        JSON values go through the same form-data path as an HTML post, so both are
        validated and normalised identically. Booleans must be real JSON booleans.
        """
        problems: dict[str, list] = {}
        formdata = MultiDict()
        for key, value in payload.items():
            if key not in API_KEYS:
                problems[str(key)] = [_l("Unknown field.")]
            elif key in BOOL_KEYS:
                if not isinstance(value, bool):
                    problems[key] = [_l("Must be true or false.")]
                elif value:
                    formdata[key] = "y"
            elif value is None:
                continue
            elif not isinstance(value, str):
                problems[key] = [_l("Must be text.")]
            else:
                formdata[key] = value
        # CSRF for the API is checked on the X-CSRFToken header by CSRFProtect.
        form = cls(formdata=formdata, meta={"csrf": False})
        form.json_problems = problems
        return form

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for key, messages in self.json_problems.items():
            if key in self._fields:
                self._fields[key].errors = list(messages)
        return valid and not self.json_problems

    def error_messages(self) -> dict[str, list[str]]:
        """Every problem by API key, as plain (translated) strings."""
        found = {key: [str(m) for m in messages] for key, messages in self.json_problems.items()}
        for key in API_KEYS:
            if self[key].errors and key not in found:
                found[key] = [str(message) for message in self[key].errors]
        return found

    def concern_fields(self) -> dict:
        """What the teacher wrote, validated and normalised; empty optional texts are None."""
        values = {key: self[key].data or None for key in TEXT_KEYS}
        values.update({key: bool(self[key].data) for key in BOOL_KEYS})
        return values

    def device_fields(self) -> dict:
        """What the phone's app sent besides (vocabulary.DEVICE_FIELDS), None when absent."""
        return {key: self[key].data or None for key in vocabulary.DEVICE_FIELDS}


def _declared_fields(form_class) -> dict:
    """The form's own fields by name, in the order they are declared."""
    unbound = [(name, value) for name, value in vars(form_class).items()]
    unbound = [(n, v) for n, v in unbound if isinstance(v, UnboundField)]
    return dict(sorted(unbound, key=lambda item: item[1].creation_counter))


FIELD_TYPES = {name: field.field_class for name, field in _declared_fields(ConcernForm).items()}
BOOL_KEYS = tuple(name for name, kind in FIELD_TYPES.items() if issubclass(kind, BooleanField))
# The teacher's texts and choices; the device's own fields are kept apart from them.
TEXT_KEYS = tuple(name for name in FIELD_TYPES if name not in BOOL_KEYS + vocabulary.DEVICE_FIELDS)
API_KEYS = tuple(FIELD_TYPES)  # what a JSON body may hold
# Each field's label as the form asks the teacher (the privacy page lists them so).
FORM_LABELS = {name: field.args[0] for name, field in _declared_fields(ConcernForm).items()}


def check_vocabulary() -> None:
    """Refuse to start when the form and the vocabulary disagree about a concern's fields."""
    problems = []
    expected = vocabulary.FIELD_ORDER + vocabulary.DEVICE_FIELDS
    if expected != API_KEYS:
        problems.append(f"form fields {API_KEYS} != vocabulary sections and device {expected}")
    if set(vocabulary.WORKSPACE_LABELS) != set(vocabulary.FIELD_ORDER):
        problems.append("every field needs exactly one workspace label")
    radios = {name for name, kind in FIELD_TYPES.items() if issubclass(kind, RadioField)}
    if radios != set(vocabulary.CHOICES):
        problems.append(f"choice fields {sorted(radios)} != {sorted(vocabulary.CHOICES)}")
    if problems:
        raise RuntimeError("The concern's vocabulary is inconsistent: " + "; ".join(problems))


check_vocabulary()
