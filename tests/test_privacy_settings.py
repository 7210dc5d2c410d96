"""The privacy settings (issue #8): never guessed, warned about at start-up, retention in words."""

import logging

import pytest
from flask_babel import force_locale

from pwa import create_app
from pwa.guidance import LOCALES
from pwa.keys_status import NO_KEYS_WARNING
from pwa.privacy import retention_period

CONTROLLER_VARIABLES = ("WEGWIJZER_CONTROLLER_NAME", "WEGWIJZER_PRIVACY_CONTACT")


def make_app(tmp_path, **settings):
    return create_app(
        {"TESTING": True, "SECRET_KEY": "test", "DATA_DIR": str(tmp_path / "data"), **settings}
    )


@pytest.mark.parametrize(
    ("days", "words"),
    [
        (730, {"en": "2 years", "nl": "2 jaar", "fr": "2 ans"}),
        (365, {"en": "1 year", "nl": "1 jaar", "fr": "1 an"}),
        (1095, {"en": "3 years", "nl": "3 jaar", "fr": "3 ans"}),
        (90, {"en": "90 days", "nl": "90 dagen", "fr": "90 jours"}),
        (400, {"en": "400 days", "nl": "400 dagen", "fr": "400 jours"}),
        (1, {"en": "1 day", "nl": "1 dag", "fr": "1 jour"}),
    ],
)
def test_the_retention_in_words_whole_years_else_days(app, days, words):
    """Whole years when the days divide by 365, else days; plural forms from the catalogs."""
    for lang in LOCALES:
        with app.app_context(), force_locale(lang):
            assert retention_period(days) == words[lang]


def test_the_default_retention_is_730_days(app):
    assert app.config["RETENTION_DAYS"] == 730


@pytest.mark.parametrize("days", [0, -5, "730", 7.5, True])
def test_a_retention_that_is_not_a_whole_number_of_days_stops_the_start(tmp_path, days):
    with pytest.raises(ValueError, match="WEGWIJZER_RETENTION_DAYS"):
        make_app(tmp_path, RETENTION_DAYS=days)


def warnings_in(caplog) -> list[str]:
    """The start-up's warnings but the one about keys (tests/test_sealed_at_rest.py has it)."""
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno == logging.WARNING and r.getMessage() != NO_KEYS_WARNING
    ]


def test_the_start_warns_once_when_the_controller_is_not_set(tmp_path, caplog):
    caplog.set_level(logging.WARNING)
    app = make_app(tmp_path)
    [warning] = [m for m in warnings_in(caplog) if "Privacy notice" in m]
    for variable in CONTROLLER_VARIABLES:
        assert variable in warning
    client = app.test_client()
    for lang in LOCALES:
        client.get(f"/{lang}/privacy/")
    assert len([m for m in warnings_in(caplog) if "Privacy notice" in m]) == 1  # not per request


def test_the_warning_names_only_what_is_missing_and_is_gone_once_both_are_set(tmp_path, caplog):
    caplog.set_level(logging.WARNING)
    make_app(tmp_path, CONTROLLER_NAME="Stad Antwerpen")
    [warning] = warnings_in(caplog)
    assert "WEGWIJZER_PRIVACY_CONTACT" in warning and "WEGWIJZER_CONTROLLER_NAME" not in warning
    caplog.clear()
    make_app(tmp_path, CONTROLLER_NAME="Stad Antwerpen", PRIVACY_CONTACT="dpo@antwerpen.example")
    assert warnings_in(caplog) == []


def test_the_settings_come_from_the_environment(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("WEGWIJZER_SECRET_KEY", "test")
    monkeypatch.setenv("WEGWIJZER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("WEGWIJZER_RETENTION_DAYS", "365")
    monkeypatch.setenv("WEGWIJZER_CONTROLLER_NAME", "  Stad Antwerpen ")
    monkeypatch.setenv("WEGWIJZER_PRIVACY_CONTACT", "123")  # read as JSON: a number
    caplog.set_level(logging.WARNING)
    app = create_app()
    assert app.config["RETENTION_DAYS"] == 365
    assert app.config["CONTROLLER_NAME"] == "Stad Antwerpen"
    assert app.config["PRIVACY_CONTACT"] == "123"
    assert warnings_in(caplog) == []
    monkeypatch.setenv("WEGWIJZER_PRIVACY_CONTACT", " ")
    assert create_app().config["PRIVACY_CONTACT"] is None
    assert "WEGWIJZER_PRIVACY_CONTACT" in warnings_in(caplog)[0]
