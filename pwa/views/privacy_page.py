"""The privacy notice (routes on `pages`): what the form collects, who gets it, for how long."""

import re

from flask import current_app, render_template
from flask_babel import gettext as _

from .. import vocabulary
from ..forms import FORM_LABELS
from ..offline import offline_page
from ..privacy import missing_controller_settings, retention_period
from .public import pages

# Like the guidance: a teacher may want to read it, or clear the phone, with no network.
offline_page("pages.privacy")

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _collected() -> list[tuple[str, list[str]]]:
    """Each part of the form with its fields' labels, as the form asks the teacher.

    The opening question has no heading: it is named by what it offers ("Information consult /
    Referral") rather than by its question.
    """
    parts = []
    for section in vocabulary.SECTIONS:
        if section.heading:
            names = [FORM_LABELS[name] for name in section.fields]
        else:
            names = [
                " / ".join(str(choice.name) for choice in vocabulary.CHOICES.get(name, ()))
                or FORM_LABELS[name]
                for name in section.fields
            ]
        parts.append((section.heading or _("Your request"), names))
    return parts


def _contact_link(contact: str | None) -> str | None:
    """A link for the privacy contact when it is an e-mail or web address; else None (text)."""
    if not contact:
        return None
    if EMAIL.fullmatch(contact):
        return f"mailto:{contact}"
    if contact.startswith("https://") and not re.search(r"\s", contact):
        return contact
    return None


@pages.get("/privacy/")
def privacy():
    """The privacy notice in the page's language, and "delete everything on this phone"."""
    config = current_app.config
    return render_template(
        "privacy.html",
        collected=_collected(),
        remembered=[FORM_LABELS[name] for name in vocabulary.REMEMBERED_FIELDS],
        retention=retention_period(config["RETENTION_DAYS"]),
        controller_name=config["CONTROLLER_NAME"],
        privacy_contact=config["PRIVACY_CONTACT"],
        contact_link=_contact_link(config["PRIVACY_CONTACT"]),
        controller_missing=bool(missing_controller_settings(config)),
    )
