"""The forms for publishing, discarding, rolling back and importing the guidance (CSRF on all)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, IntegerField, SubmitField
from wtforms.validators import InputRequired, NumberRange
from wtforms.widgets import HiddenInput

# An exported document is ~26 KB today; this leaves room for years of additions.
IMPORT_MAX_BYTES = 256 * 1024


class PublishForm(FlaskForm):
    """Carries what the admin saw, so a change by someone else meanwhile is caught."""

    # The live version the admin saw: publishing refuses if another one went live meanwhile.
    expected = IntegerField(widget=HiddenInput(), validators=[InputRequired(), NumberRange(min=0)])
    # The draft the admin previewed: publishing refuses if someone changed it meanwhile.
    draft_digest = HiddenField(validators=[InputRequired()])
    submit = SubmitField(_l("Publish"))


class DiscardForm(FlaskForm):
    confirm = BooleanField(
        _l("I am sure: throw away every unpublished change"), validators=[InputRequired()]
    )
    submit = SubmitField(_l("Discard the draft"))


class RollbackForm(FlaskForm):
    # The live version the admin saw: publishing refuses if another one went live meanwhile.
    expected = IntegerField(widget=HiddenInput(), validators=[InputRequired(), NumberRange(min=0)])
    confirm = BooleanField(
        _l("I am sure: publish this older version again"), validators=[InputRequired()]
    )
    submit = SubmitField(_l("Roll back"))


class ImportForm(FlaskForm):
    document = FileField(
        _l("Guidance file (.toml)"),
        validators=[FileRequired(_l("Choose a file."))],
        render_kw={"accept": ".toml,application/toml,text/plain"},
    )
    replace = BooleanField(_l("Yes, replace the draft's unpublished changes with this file"))
    submit = SubmitField(_l("Import as the draft"))
