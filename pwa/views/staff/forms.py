"""The workspace's forms: every state-changing request carries a CSRF token through these."""

import datetime as dt

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    widgets,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ...storage.inbox import MAX_TEXT


class LoginForm(FlaskForm):
    email = StringField(
        _l("E-mail address"),
        validators=[DataRequired(), Length(max=254)],
        render_kw={"autocomplete": "username", "inputmode": "email"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField(_l("Sign in"))


class CodeForm(FlaskForm):
    code = StringField(
        _l("6-digit code from your authenticator app"),
        validators=[DataRequired(), Length(max=12)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )
    submit = SubmitField(_l("Confirm"))


class PostForm(FlaskForm):
    """A form with nothing but the CSRF token (sign out, unlink)."""


class LanguageForm(FlaskForm):
    locale = SelectField(_l("Language"), choices=[])
    submit = SubmitField(_l("Change language"))


class NoteForm(FlaskForm):
    text = TextAreaField(_l("Internal note"), validators=[DataRequired(), Length(max=MAX_TEXT)])
    submit = SubmitField(_l("Add note"))


class LinkForm(FlaskForm):
    reference = StringField(
        _l("Reference of the other concern"),
        validators=[DataRequired(), Length(max=40)],
        render_kw={"placeholder": "CMP-2026-0001"},
    )
    submit = SubmitField(_l("Link"))


class UnlinkForm(FlaskForm):
    other = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Unlink"))


class DeleteForm(FlaskForm):
    confirm = BooleanField(
        _l("I am sure: delete this concern for good"), validators=[InputRequired()]
    )
    submit = SubmitField(_l("Delete concern"))


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def _step_form_base():
    class StepForm(FlaskForm):
        note = TextAreaField(_l("Note for this step (internal)"), validators=[Length(max=MAX_TEXT)])
        save = SubmitField(_l("Save"))
        advance = SubmitField(_l("Save and go to the next step"))

    return StepForm


def clarification_form(questions, label, data):
    """One answer field per question of the seed's clarification step."""
    attrs = {
        f"q_{item.id}": TextAreaField(label(item.text), validators=[Length(max=MAX_TEXT)])
        for item in questions
    }
    form_class = type("ClarificationForm", (_step_form_base(),), attrs)
    values = {f"q_{key}": value for key, value in (data or {}).items()}
    return form_class(data=values)


def case_discussion_form(items, label, data):
    """A tick with a date per kind of case discussion."""
    attrs = {}
    for item in items:
        attrs[f"done_{item.id}"] = BooleanField(label(item.text))
        attrs[f"date_{item.id}"] = DateField(_l("Date"), validators=[Optional()])
    form_class = type("CaseDiscussionForm", (_step_form_base(),), attrs)
    values = {}
    for key, tick in (data or {}).items():
        values[f"done_{key}"] = bool(tick.get("done"))
        values[f"date_{key}"] = dt.date.fromisoformat(tick["date"]) if tick.get("date") else None
    return form_class(data=values)


def follow_up_form(options, label, data):
    """The agreed referral options and the agreement text the reporter reads."""
    attrs = {
        "options": MultiCheckboxField(
            _l("Agreements and referral"),
            choices=[SelectChoice(item.id, label(item.text)) for item in options],
        ),
        "agreement": TextAreaField(
            _l("Follow-up agreement (the reporter sees this text)"),
            validators=[Length(max=MAX_TEXT)],
        ),
    }
    form_class = type("FollowUpForm", (_step_form_base(),), attrs)
    return form_class(data=data)


def plain_step_form():
    """The step with nothing to fill in but a note (received)."""
    return _step_form_base()()


class AccessForm(FlaskForm):
    """Grant or revoke one account's access to the concerns (Staff access page)."""

    email = HiddenField(validators=[DataRequired(), Length(max=254)])


class PasswordChangeForm(FlaskForm):
    """The signed-in staff member's own new password (their current one proves it is them)."""

    current = PasswordField(
        _l("Current password"),
        validators=[DataRequired(), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )
    new = PasswordField(
        _l("New password (at least 12 characters)"),
        validators=[DataRequired(), Length(min=12, max=1024)],
        render_kw={"autocomplete": "new-password"},
    )
    repeat = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), Length(max=1024)],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Change password"))
