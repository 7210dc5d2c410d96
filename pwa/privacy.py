"""What the privacy page needs from the settings: the retention in words, the controller."""

from babel.numbers import format_decimal
from flask import Flask
from flask_babel import get_locale, ngettext

# The controller's details, by config key and the environment variable that sets it.
CONTROLLER_SETTINGS = {
    "CONTROLLER_NAME": "WEGWIJZER_CONTROLLER_NAME",
    "PRIVACY_CONTACT": "WEGWIJZER_PRIVACY_CONTACT",
}


def retention_period(days: int) -> str:
    """RETENTION_DAYS in words: whole years when it divides by 365 (730: "2 years"), else days."""
    years, rest = divmod(days, 365)
    if years and not rest:
        return ngettext("%(count)s year", "%(count)s years", years, count=_number(years))
    return ngettext("%(count)s day", "%(count)s days", days, count=_number(days))


def _number(value: int) -> str:
    return format_decimal(value, locale=str(get_locale()))


def missing_controller_settings(config) -> list[str]:
    """The environment variables of the controller's details that nobody has filled in."""
    return [variable for key, variable in CONTROLLER_SETTINGS.items() if not config.get(key)]


def warn_if_unconfigured(app: Flask) -> None:
    """Once per start (not per request): say which privacy settings the operator still owes."""
    missing = missing_controller_settings(app.config)
    if missing:
        app.logger.warning(
            "Privacy notice incomplete: set %s. Until then the privacy page tells teachers that "
            "the organisation running this app has not said who is responsible for their data "
            "(the controller) or how to reach them.",
            " and ".join(missing),
        )
