"""The guidance editor's forms: every text in nl, fr and en; phone, hours and dates checked here.

Field-level checks give the admin an error next to the field; the whole document is then
validated again by guidance_drafts.save_draft() as at start-up.
"""

import datetime as dt
import re

from flask import g
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ...content_values import parse_phone
from ...guidance import LOCALES, WEEKDAYS
from ...i18n import FORMAT_LOCALES, LANGUAGE_NAMES
from .forms import MultiCheckboxField

SHORT_TEXT = 300
LONG_TEXT = 3000
MAX_ROWS = 14  # two opening-hour rows a day is plenty; a bound on what a request can add
MAX_ITEMS = 30
LONGEST_CLOSURE_DAYS = 366
TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
MISSING_LANGUAGE = _l("This language is missing: every text is shown in Dutch, French and English.")
PHONE_ERRORS = {
    "BE": _l("This is not a valid Belgian phone number."),
    "NL": _l("This is not a valid Dutch phone number."),
}


def _texts_form(long: bool, required: bool):
    """A text in the three languages, each field marked with its language."""
    field_class = TextAreaField if long else StringField
    limit = Length(max=LONG_TEXT if long else SHORT_TEXT)
    checks = [DataRequired(MISSING_LANGUAGE), limit] if required else [Optional(), limit]
    attrs = {
        locale: field_class(LANGUAGE_NAMES[locale], validators=checks, render_kw={"lang": locale})
        for locale in LOCALES
    }
    return type("TextsForm", (Form,), attrs)


ShortTexts = _texts_form(long=False, required=True)
LongTexts = _texts_form(long=True, required=True)
OptionalShortTexts = _texts_form(long=False, required=False)
OptionalLongTexts = _texts_form(long=True, required=False)


def texts(subform) -> dict:
    return {locale: (subform[locale].data or "").strip() for locale in LOCALES}


def _require_all_or_none(subform) -> bool:
    """An optional text: empty in every language, or written in every language."""
    values = texts(subform)
    if not any(values.values()):
        return True
    for locale in LOCALES:
        if not values[locale]:
            subform[locale].errors = [*subform[locale].errors, MISSING_LANGUAGE]
    return all(values.values())


def _require_all(subform) -> bool:
    for locale in LOCALES:
        if not texts(subform)[locale]:
            subform[locale].errors = [*subform[locale].errors, MISSING_LANGUAGE]
    return all(texts(subform).values())


def day_choices():
    """Monday to Sunday in the reader's language (the document stores mon..sun)."""
    from babel.dates import get_day_names

    names = get_day_names("wide", locale=FORMAT_LOCALES.get(g.get("lang"), "nl_BE"))
    return [(code, names[index]) for index, code in enumerate(WEEKDAYS)]


class HoursRowForm(Form):
    """One row of weekly opening hours: these days, from opens to closes."""

    days = MultiCheckboxField(_l("Days"), choices=day_choices, validate_choice=True)
    opens = StringField(_l("Opens"), render_kw={"type": "time"})
    closes = StringField(_l("Closes"), render_kw={"type": "time"})
    remove = BooleanField(_l("Remove this row"))

    def is_blank(self) -> bool:
        return not (self.days.data or self.opens.data or self.closes.data)

    def validate(self, extra_validators=None) -> bool:
        if self.remove.data or self.is_blank():
            return True  # a row to remove, or the empty row left for adding one
        ok = super().validate(extra_validators)
        if not self.days.data:
            self.days.errors = [*self.days.errors, _l("Tick at least one day.")]
            ok = False
        times = {}
        for name in ("opens", "closes"):
            value = (self[name].data or "").strip()
            if not TIME.match(value):
                self[name].errors = [*self[name].errors, _l("Write the time as HH:MM, e.g. 09:00.")]
                ok = False
            times[name] = value
        if ok and times["opens"] >= times["closes"]:
            self.closes.errors = [*self.closes.errors, _l("Closing time must be after opening.")]
            ok = False
        return ok

    def row(self) -> dict:
        return {"days": self.days.data, "opens": self.opens.data, "closes": self.closes.data}


class ContactForm(FlaskForm):
    name = FormField(ShortTexts, label=_l("Name"))
    role = FormField(LongTexts, label=_l("Role: who they are, what to call them for"))
    call = FormField(OptionalShortTexts, label=_l("Call button text (optional)"))
    phone = StringField(
        _l("Phone number"),
        validators=[DataRequired(_l("A contact needs a phone number.")), Length(max=40)],
        render_kw={"inputmode": "tel", "autocomplete": "off"},
    )
    hours = FieldList(FormField(HoursRowForm), label=_l("Row"), max_entries=MAX_ROWS)
    hours_text = FormField(OptionalLongTexts, label=_l("Opening hours in words"))

    def __init__(self, *args, country: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.country = country
        self.parsed_phone = None

    def validate_phone(self, field):
        try:
            self.parsed_phone = parse_phone(field.data, self.country)
        except ValueError as exc:
            raise ValidationError(
                PHONE_ERRORS.get(self.country, _l("This is not a valid phone number."))
            ) from exc

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        ok = _require_all_or_none(self.call.form) and ok
        if self.hour_rows():
            ok = _require_all(self.hours_text.form) and ok
        return ok

    def hour_rows(self) -> list[dict]:
        """The rows to keep: not ticked for removal, not left empty."""
        rows = [entry.form for entry in self.hours]
        return [row.row() for row in rows if not row.remove.data and not row.is_blank()]


def error_links(form) -> list[tuple[str, str]]:
    """Each field with an error as (element id, "Label — Language: message"), in page order."""
    links = []

    def walk(field, path):
        if isinstance(field, FieldList):
            for number, entry in enumerate(field, 1):
                for sub in entry.form:
                    walk(sub, [*path, f"{field.label.text} {number}"])
        elif isinstance(field, FormField):
            for sub in field.form:
                walk(sub, [*path, str(field.label.text)])
        elif field.errors and field.type != "CSRFTokenField":
            # A group of boxes has no element of its own: link its first box.
            target = f"{field.id}-0" if isinstance(field, MultiCheckboxField) else field.id
            label = " — ".join([*path, str(field.label.text)])
            links.append((target, f"{label}: {' '.join(str(e) for e in field.errors)}"))

    for field in form:
        walk(field, [])
    return links


class ItemForm(Form):
    """One item of a step's checklist or a situation's actions."""

    id = HiddenField()
    nl = TextAreaField(LANGUAGE_NAMES["nl"], render_kw={"lang": "nl"})
    fr = TextAreaField(LANGUAGE_NAMES["fr"], render_kw={"lang": "fr"})
    en = TextAreaField(LANGUAGE_NAMES["en"], render_kw={"lang": "en"})
    remove = BooleanField(_l("Remove this item"))

    def is_blank(self) -> bool:
        return not any((self[locale].data or "").strip() for locale in LOCALES)

    def validate(self, extra_validators=None) -> bool:
        if self.remove.data or (not self.id.data and self.is_blank()):
            return True
        ok = super().validate(extra_validators)
        for locale in LOCALES:
            if len(self[locale].data or "") > LONG_TEXT:
                self[locale].errors = [*self[locale].errors, _l("This text is too long.")]
                ok = False
        return _require_all(self) and ok


class StepForm(FlaskForm):
    title = FormField(ShortTexts, label=_l("Title"))
    who = FormField(ShortTexts, label=_l("Who acts"))
    what = FormField(LongTexts, label=_l("What happens"))
    items = FieldList(FormField(ItemForm), label=_l("Item"), max_entries=MAX_ITEMS)

    def item_list(self) -> list[dict]:
        """The items to keep, in order: existing ones by id, new ones without."""
        kept = []
        for entry in self.items:
            item = entry.form
            if item.remove.data or (not item.id.data and item.is_blank()):
                continue
            kept.append({"id": item.id.data or None, **texts(item)})
        return kept


class ClosingDaysForm(FlaskForm):
    first = DateField(_l("First day closed"), validators=[InputRequired()])
    last = DateField(_l("Last day closed (empty: one day)"), validators=[Optional()])
    reason = FormField(ShortTexts, label=_l("Reason"))

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        first, last = self.first.data, self.last.data or self.first.data
        if not (ok and first):
            return False
        # Errors about the range go next to the last day, or the first when it is one day.
        field = self.last if self.last.data else self.first
        if last < first:
            problem = _l("The last day cannot be before the first.")
        elif last < self.today:
            problem = _l("These days are already over: add only days from today on.")
        elif (last - first).days >= LONGEST_CLOSURE_DAYS:
            problem = _l("A closure lasts at most a year: add a longer one in parts.")
        else:
            return True
        field.errors = [*field.errors, problem]
        return False


class VerifyForm(FlaskForm):
    """Checked again, unchanged: which item, and where to go back to."""

    kind = HiddenField(validators=[DataRequired()])
    region = HiddenField()
    item = HiddenField()
    back = HiddenField()


class RemoveClosingDaysForm(FlaskForm):
    first = HiddenField(validators=[DataRequired()])
