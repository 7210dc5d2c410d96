"""Field checks for the concern form; they read field.data, so HTML posts and JSON agree."""

import re
import unicodedata

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from wtforms.validators import StopValidation, ValidationError

from .receipt_sealing import InvalidPhoneKey, parse_phone_key

PHONE_REGIONS = ("BE", "NL")  # a number written without +country is read as BE, then NL
PUPIL_REF_MAX = 12
# Invisible marks that text pasted from chat apps carries (WhatsApp puts isolates around
# names): nobody can see them, so nobody could remove them. They are dropped, never refused.
# Bidi embeddings and overrides go too: they could make a text read differently on the
# staff screen than it was written. ZWJ/ZWNJ (U+200C/D) stay: emoji and scripts need them.
INVISIBLE = (
    "\u200b\u200e\u200f\u061c"  # zero-width space, LRM, RLM, Arabic letter mark
    "\u202a\u202b\u202c\u202d\u202e"  # bidi embeddings and overrides (LRE RLE PDF LRO RLO)
    "\u2066\u2067\u2068\u2069"  # bidi isolates (LRI RLI FSI PDI)
    "\u2060\ufeff\u00ad"  # word joiner, zero-width no-break space (BOM), soft hyphen
)
# Every other space character (Unicode's Zs: no-break, narrow, thin, ideographic...) is a space.
OTHER_SPACES = "\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
INVISIBLE_PATTERN = re.compile(f"[{INVISIBLE}]")
SPACES = re.compile(f"[{OTHER_SPACES}]")
LINE_BREAKS = re.compile(r"\r\n|[\r\u2028\u2029\x85]")
# Two words of two or more letters each ("Jan Peeters") look like a name; "Jan P." does not.
NAME_LIKE_WORD = re.compile(r"[^\W\d_]{2,}")
PUPIL_REF_CHARACTERS = re.compile(r"[\w .'\-]+")


def character_classes_for_scripts() -> dict[str, str]:
    """The same two character classes, escaped for a JavaScript RegExp (the form applies them)."""
    return {
        "invisible": INVISIBLE.encode("unicode_escape").decode(),
        "spaces": OTHER_SPACES.encode("unicode_escape").decode(),
    }


def visible(value: str) -> str:
    """The text as the writer sees it: invisible marks dropped, every space a plain space."""
    return SPACES.sub(" ", INVISIBLE_PATTERN.sub("", value))


def strip(value):
    """A one-line text as stored: visible characters in NFC, no outer spaces."""
    if not isinstance(value, str):
        return value
    return unicodedata.normalize("NFC", visible(value)).strip()


def normalise_text(value):
    """NFC, one kind of line break, no outer whitespace: the same text is stored the same way."""
    if not isinstance(value, str):
        return value
    return unicodedata.normalize("NFC", visible(LINE_BREAKS.sub("\n", value))).strip()


class Required:
    """The field must hold something (checks the data, so it works for HTML and JSON alike)."""

    field_flags = {"required": True}

    def __init__(self, message):
        self.message = message

    def __call__(self, form, field):
        if not field.data:
            field.errors[:] = []
            raise StopValidation(self.message)


def optional(form, field):
    """An empty optional field is valid and skips its other checks."""
    if not field.data:
        field.errors[:] = []
        raise StopValidation()


class MaxLength:
    def __init__(self, limit: int):
        self.limit = limit
        self.field_flags = {"maxlength": limit}

    def __call__(self, form, field):
        if field.data and len(field.data) > self.limit:
            raise ValidationError(
                _l("At most %(limit)s characters, this has %(count)s.")
                % {"limit": self.limit, "count": len(field.data)}
            )


def plain_text(multiline: bool):
    """Reject control characters (and line breaks in one-line fields) that no person types."""

    allowed = {"\n", "\t"} if multiline else set()

    def check(form, field):
        for char in field.data or "":
            category = unicodedata.category(char)
            if char in allowed:
                continue
            if category in ("Cc", "Cs", "Co"):
                raise ValidationError(_l("This text contains characters that are not allowed."))

    return check


def one_of(values, message):
    def check(form, field):
        if field.data not in values:
            raise ValidationError(message)

    return check


def e164_phone(form, field):
    """A Belgian or Dutch number, stored in E.164 (+32..., +31...)."""
    for region in PHONE_REGIONS:
        try:
            number = phonenumbers.parse(field.data, region)
        except phonenumbers.NumberParseException:
            continue
        if (
            phonenumbers.is_valid_number(number)
            and phonenumbers.region_code_for_number(number) in PHONE_REGIONS
        ):
            field.data = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            return
    raise ValidationError(
        _l("Enter a Belgian or Dutch phone number, with its area code or starting with +32 or +31.")
    )


def email_address(form, field):
    try:
        # No DNS lookup: a teacher offline days ago must not be refused for the network.
        field.data = validate_email(field.data, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValidationError(_l("Enter a valid e-mail address, or leave it empty.")) from exc


def text_checks(limit: int, required: str | None = None, multiline: bool = False) -> list:
    """Required (with this message) or optional, plain text, at most `limit` characters."""
    return [Required(required) if required else optional, plain_text(multiline), MaxLength(limit)]


def choice_checks(choices: list, required: str | None = None) -> list:
    values = [choice.value for choice in choices]
    return [
        Required(required) if required else optional,
        one_of(values, _l("Choose one of the options.")),
    ]


def pupil_reference(form, field):
    """Initials or a pseudonym, never a full name: a lost phone must not reveal a pupil."""
    if not field.data:
        if form.kind.data == "registration":
            raise StopValidation(_l("A referral needs the pupil's initials or a pseudonym."))
        raise StopValidation()
    if not PUPIL_REF_CHARACTERS.fullmatch(field.data):
        raise StopValidation(_l("Use only letters, digits, spaces, dots and hyphens."))
    if len(NAME_LIKE_WORD.findall(field.data)) >= 2:
        raise StopValidation(
            _l("This looks like a full name. Use initials (J.P.) or a pseudonym instead.")
        )


RECEIPT_KEY_PROBLEMS = {
    "encoding": _l("The phone's receipt key is not base64url text."),
    "not_p256": _l("The phone's receipt key is not a P-256 public key (65 bytes, uncompressed)."),
    "not_on_curve": _l("The phone's receipt key is not a point on the P-256 curve."),
}


def phone_receipt_key(form, field):
    """The phone's public key for its receipt, when it sends one (pwa/receipt_sealing.py)."""
    if field.data is None or field.data == "":
        field.data = None
        raise StopValidation()
    try:
        parse_phone_key(field.data)
    except InvalidPhoneKey as problem:
        raise StopValidation(RECEIPT_KEY_PROBLEMS[problem.reason]) from None
