"""Preview as a teacher: the public pages, rendered with the draft instead of the live version.

The public templates are used as they are (pwa/page_context.py gives them their names); links
between the previewed pages stay in the preview, and the page never registers the service
worker (base.html marks it `data-preview`, which app.js respects), so a preview can never
become a phone's offline copy. Like every workspace page, it is no-store.
"""

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import refresh

from ...guidance import LOCALES, ContentError, build_content
from ...guidance_drafts import working_copy
from ...page_context import page_context
from . import bp

# The public pages that show the guidance, and their twins in the preview.
PREVIEW_TWINS = {
    "pages.home": "staff.preview_home",
    "pages.region": "staff.preview_region",
    "pages.contacts": "staff.preview_contacts",
    "pages.about": "staff.preview_about",
}


def preview_url_for(endpoint: str, **values) -> str:
    """url_for for the previewed templates: a guidance page's link stays in the preview."""
    twin = PREVIEW_TWINS.get(endpoint)
    if twin is None:
        return url_for(endpoint, **values)  # the concern form, privacy, anchor: the live app
    values.setdefault("lang", g.lang)
    return url_for(twin, **values)


def _render_preview(lang: str, template: str, **values):
    """A public template with the draft's content, in `lang`, under the preview banner."""
    if lang not in LOCALES:
        abort(404)
    copy = working_copy()
    try:
        content = build_content(copy.text)
    except ContentError as exc:  # saved drafts pass; only a stricter release could refuse one
        flash(_("The draft cannot be shown: %(problem)s", problem=str(exc)), "error")
        return redirect(url_for("staff.content"))
    g.lang, g.guidance_preview = lang, content
    refresh()  # the page's language, not the staff member's workspace language
    if "region_id" in values:
        values["region"] = content.regions.get(values.pop("region_id")) or abort(404)
        template = f"{values['region'].kind}.html"
    return render_template(
        template,
        **page_context(lang),
        **values,
        url_for=preview_url_for,
        preview=copy,  # base.html shows the banner, and app.js leaves the service worker alone
    )


@bp.get("/content/preview/<lang>/")
def preview_home(lang: str):
    """The situation chooser, as a teacher would see it with the draft published."""
    return _render_preview(lang, "home.html")


@bp.get("/content/preview/<lang>/contacts/")
def preview_contacts(lang: str):
    return _render_preview(lang, "contacts.html")


@bp.get("/content/preview/<lang>/about/")
def preview_about(lang: str):
    return _render_preview(lang, "about.html")


@bp.get("/content/preview/<lang>/<region_id>/")
def preview_region(lang: str, region_id: str):
    return _render_preview(lang, "", region_id=region_id)
