"""The CMP's calendar: public holidays and closing days travel with the page, for whole years."""

import datetime as dt
import html
import json
import re
import shutil

import pytest

from pwa import create_app
from pwa.guidance import DEFAULT_FILE, ContentError, load_content
from pwa.opening_calendar import calendar_window, closed_dates, local_date, window_year
from tests.samples import CMP_CLOSING_DAYS, CMP_HOLIDAYS_LINE


@pytest.fixture
def content_copy(tmp_path):
    """A writable copy of the real content file."""
    target = tmp_path / "guidance.toml"
    shutil.copy(DEFAULT_FILE, target)
    return target


def edit_cmp(path, old: str, new: str) -> None:
    """Replace `old` by `new` once in the content (the CMP's `holidays` line comes first)."""
    text = path.read_text()
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1))


def app_at(moment: dt.datetime, tmp_path, content=DEFAULT_FILE):
    """The app whose clock stands still at `moment` (UTC)."""
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "CONTENT_FILE": str(content),
            "DATA_DIR": str(tmp_path / "data"),
            "CLOCK": lambda: moment,
        }
    )


def cmp_hours(app, lang: str) -> dict:
    """The JSON the CMP's card on the contacts page gives the device."""
    page = app.test_client().get(f"/{lang}/contacts/").get_data(as_text=True)
    card = page[page.index('id="contact-cmp"') :]
    return json.loads(html.unescape(re.search(r'data-hours="([^"]*)"', card).group(1)))


NOW = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC)


def test_the_shipped_cmp_keeps_flemish_public_holidays_and_no_invented_closing_days():
    cmp = load_content().regions["antwerpen"].contacts[0]
    assert (cmp.id, cmp.holidays, cmp.closing_days) == ("cmp", "BE-VLG", ())


@pytest.mark.parametrize(
    ("lang", "christmas", "new_year"),
    [("nl", "Kerstmis", "Nieuwjaar"), ("fr", "Noël", "Nouvel An"), ("en", "Christmas Day", None)],
)
def test_christmas_2026_is_closed_and_monday_28_december_opens_as_usual(
    tmp_path, lang, christmas, new_year
):
    data = cmp_hours(app_at(NOW, tmp_path), lang)
    assert data["closed"]["2026-12-25"] == christmas
    assert new_year is None or data["closed"]["2027-01-01"] == new_year
    # Friday 25 is closed; the weekend has no hours; Monday 28 is no holiday and opens at 9:00.
    assert dt.date(2026, 12, 25).weekday() == 4
    assert not {"2026-12-26", "2026-12-27", "2026-12-28"} & set(data["closed"])
    assert [(slot["days"], slot["opens"]) for slot in data["hours"]] == [([0, 2, 3, 4], "09:00")]
    assert (data["known_from"], data["known_until"]) == ("2026-01-01", "2027-12-31")


def test_11_july_is_closed_in_flanders_with_its_names_in_three_languages(tmp_path):
    app = app_at(NOW, tmp_path)
    names = {lang: cmp_hours(app, lang)["closed"] for lang in ("nl", "fr", "en")}
    assert {lang: closed["2027-07-11"] for lang, closed in names.items()} == {
        "nl": "Feest van de Vlaamse Gemeenschap",
        "fr": "Fête de la Communauté flamande",
        "en": "Day of the Flemish Community",
    }
    assert names["nl"]["2026-07-11"] == "Feest van de Vlaamse Gemeenschap"
    assert names["nl"]["2027-07-21"] == "Nationale feestdag"


def test_belgium_alone_has_no_11_july_and_no_calendar_has_no_holidays():
    first, last = dt.date(2027, 1, 1), dt.date(2027, 12, 31)
    national = {day.date for day in closed_dates("BE", (), first, last)}
    assert dt.date(2027, 7, 21) in national and dt.date(2027, 7, 11) not in national
    assert dt.date(2027, 3, 29) in national  # Easter Monday, from the package's Easter rule
    assert closed_dates(None, (), first, last) == []
    with pytest.raises(ValueError, match="unknown holidays calendar 'NL'"):
        closed_dates("NL", (), first, last)


def test_a_closing_range_closes_every_day_with_its_reason_over_the_holiday_name(
    content_copy, tmp_path
):
    edit_cmp(content_copy, CMP_HOLIDAYS_LINE, CMP_HOLIDAYS_LINE + CMP_CLOSING_DAYS)
    app = app_at(NOW, tmp_path, content_copy)
    closed = cmp_hours(app, "en")["closed"]
    december = {f"2026-12-{day}": "Christmas closure" for day in range(24, 32)}
    assert {day: closed[day] for day in december} == december  # Christmas Day too
    assert "2026-12-23" not in closed and closed["2027-01-01"] == "New Year's Day"
    assert closed["2027-02-17"] == "Team day"  # no 'last': that one day
    assert "2027-02-16" not in closed and "2027-02-18" not in closed
    assert cmp_hours(app, "fr")["closed"]["2026-12-25"] == "Fermeture de Noël"
    assert list(closed) == sorted(closed)


def test_the_window_covers_this_year_and_all_of_the_next():
    day = dt.date(2024, 1, 1)
    while day.year < 2029:
        first, last = calendar_window(day)
        assert first <= day and (last - day).days >= 365, day
        assert (first, last) == (dt.date(day.year, 1, 1), dt.date(day.year + 1, 12, 31))
        assert window_year(day) == day.year
        day += dt.timedelta(days=1)


def test_today_is_the_date_in_brussels_not_on_the_server(tmp_path):
    # 23:30 UTC on 31 December is already New Year in Brussels: the window moves on.
    moment = dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)
    assert local_date(moment) == dt.date(2027, 1, 1)
    data = cmp_hours(app_at(moment, tmp_path), "nl")
    assert (data["known_from"], data["known_until"]) == ("2027-01-01", "2028-12-31")
    assert data["closed"]["2028-12-25"] == "Kerstmis" and "2026-12-25" not in data["closed"]


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (
            "closing_days = [{ first = 2026-12-31, last = 2026-12-24, reason = "
            '{ nl = "a", fr = "b", en = "c" } }]',
            "closing_days[0]: first 2026-12-31 is after last 2026-12-24",
        ),
        (
            'closing_days = [{ first = 2026-12-24, reason = { nl = "Kerstsluiting", fr = "b" } }]',
            "closing_days[0]: the reason has no 'en' text",
        ),
        (
            'closing_days = [{ first = "24 december", reason = { nl = "a", fr = "b", en = "c" } }]',
            "closing_days[0]: 'first' must be a date like 2026-12-24, not '24 december'",
        ),
        (
            "closing_days = [{ first = 2026-12-24T09:00:00, reason = "
            '{ nl = "a", fr = "b", en = "c" } }]',
            "'first' must be a date like 2026-12-24",
        ),
        ("closing_days = [{ first = 2026-12-24 }]", "closing_days[0]: missing 'reason'"),
        (
            'closing_days = [{ first = 2026-12-24, until = 2026-12-31, reason = { nl = "a" } }]',
            "closing_days[0]: must be a table with first, last (optional) and reason",
        ),
        ('holidays = "BE-VLG"\nclosing_days = "kerst"', "'closing_days' must be a list"),
    ],
)
def test_a_bad_closing_day_stops_the_start_with_a_clear_message(
    content_copy, tmp_path, toml, message
):
    edit_cmp(content_copy, CMP_HOLIDAYS_LINE, toml + "\n")
    with pytest.raises(ContentError) as error:
        app_at(NOW, tmp_path, content_copy)
    assert str(error.value).startswith("guidance.toml: regions[0] (antwerpen).contacts[0] (cmp)")
    assert message in str(error.value)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'holidays = "BE-VLG"',
            'holidays = "BE-WAL"',
            "contacts[0] (cmp).holidays: unknown holidays calendar 'BE-WAL' (known: BE, BE-VLG)",
        ),
        ('holidays = "BE-VLG"', "holidays = 32", "unknown holidays calendar 32"),
        (
            'id = "noemie-goris"\n',
            'id = "noemie-goris"\nholidays = "BE"\n',
            "contacts[1] (noemie-goris): 'holidays' and 'closing_days' need opening 'hours'",
        ),
    ],
)
def test_an_unknown_calendar_stops_the_start_with_a_clear_message(
    content_copy, tmp_path, old, new, message
):
    edit_cmp(content_copy, old, new)
    with pytest.raises(ContentError) as error:
        app_at(NOW, tmp_path, content_copy)
    assert str(error.value).startswith("guidance.toml: ")
    assert message in str(error.value)
