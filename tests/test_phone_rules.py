"""The device's BE/NL phone rules (pwa/static/phone.js) agree with Google's metadata.

The teacher's CLB anchor is checked on the phone by a small rule set of our own. Here the same
script runs in Node, and every answer is compared with the phonenumbers package: valid or not,
the E.164 number a tap dials, and the local form shown.
"""

import json
import shutil
import subprocess
from pathlib import Path

import phonenumbers
import pytest
from phonenumbers import PhoneNumberFormat, PhoneNumberType

PHONE_JS = Path(__file__).resolve().parents[1] / "pwa" / "static" / "phone.js"

# What the device accepts for a CLB anchor (a person): in both countries landlines and mobiles;
# in the Netherlands also the nationwide 084/085/087/088/091 numbers (VoIP and "UAN" to Google),
# which have 9 digits like every other Dutch number we accept.
ACCEPTED_TYPES = {
    "BE": {PhoneNumberType.FIXED_LINE, PhoneNumberType.MOBILE},
    "NL": {
        PhoneNumberType.FIXED_LINE,
        PhoneNumberType.MOBILE,
        PhoneNumberType.VOIP,
        PhoneNumberType.UAN,
    },
}

# (typed, country of the national form, E.164 or None, local form). Messy on purpose.
TABLE = [
    # Belgium: landlines (8 digits after the 0), 1-digit zones and 2-digit zones
    ("03 338 32 66", "BE", "+3233383266", "03 338 32 66"),
    ("03/338.32.66", "BE", "+3233383266", "03 338 32 66"),
    ("(03) 338-32-66", "BE", "+3233383266", "03 338 32 66"),
    ("+32 3 338 32 66", "BE", "+3233383266", "03 338 32 66"),
    ("+32 (0)3 338 32 66", "BE", "+3233383266", "03 338 32 66"),
    ("0032 3 338 32 66", "BE", "+3233383266", "03 338 32 66"),
    ("00 32 (0)3 338 32 66", "BE", "+3233383266", "03 338 32 66"),
    ("+3203 3383266", "BE", "+3233383266", "03 338 32 66"),
    ("\u00a003\u00a0338\u00a032\u00a066 ", "BE", "+3233383266", "03 338 32 66"),
    ("3233383266", "BE", "+3233383266", "03 338 32 66"),
    ("33383266", "BE", "+3233383266", "03 338 32 66"),
    ("02 512 34 56", "BE", "+3225123456", "02 512 34 56"),
    ("09 210 10 10", "BE", "+3292101010", "09 210 10 10"),
    ("04 223 45 67", "BE", "+3242234567", "04 223 45 67"),
    ("014 41 23 45", "BE", "+3214412345", "014 41 23 45"),
    ("050.12.34.56", "BE", "+3250123456", "050 12 34 56"),
    ("080 21 23 45", "BE", "+3280212345", "080 21 23 45"),
    ("+32 3 338 32 66", "NL", "+3233383266", "03 338 32 66"),
    # Belgium: mobiles (9 digits after the 0, starting 45-49)
    ("0470 12 34 56", "BE", "+32470123456", "0470 12 34 56"),
    ("0470/12.34.56", "BE", "+32470123456", "0470 12 34 56"),
    ("0470-123456", "BE", "+32470123456", "0470 12 34 56"),
    ("+32 470 12 34 56", "BE", "+32470123456", "0470 12 34 56"),
    ("+32 (0)470 12 34 56", "BE", "+32470123456", "0470 12 34 56"),
    ("0032470123456", "BE", "+32470123456", "0470 12 34 56"),
    ("+32 0499 99 99 99", "BE", "+32499999999", "0499 99 99 99"),
    ("0456 78 90 12", "BE", "+32456789012", "0456 78 90 12"),
    ("470 12 34 56", "BE", "+32470123456", "0470 12 34 56"),
    ("32470123456", "BE", "+32470123456", "0470 12 34 56"),
    # Belgium: not valid
    ("03 338 32 6", "BE", None, None),  # a digit short
    ("03 338 32 66 1", "BE", None, None),  # a digit too many
    ("0470 12 34 5", "BE", None, None),
    ("0470 12 34 56 7", "BE", None, None),
    ("0440 12 34 56", "BE", None, None),  # 044 is no mobile range
    ("0370 12 34 56", "BE", None, None),  # 9 digits, not a mobile
    ("021 23 45 67", "BE", None, None),  # 021 is no zone
    ("070 22 33 44", "BE", None, None),  # premium rate
    ("0800 12 345", "BE", None, None),  # free number
    ("0900 12 345", "BE", None, None),  # premium rate
    ("078 15 00 10", "BE", None, None),  # nationwide rate: not a person's number
    ("+32 00470 12 34 56", "BE", None, None),
    ("+32", "BE", None, None),
    ("112", "BE", None, None),
    ("1", "BE", None, None),
    # The Netherlands: 9 digits after the 0
    ("020 123 4567", "NL", "+31201234567", "020 123 4567"),
    ("020-1234567", "NL", "+31201234567", "020 123 4567"),
    ("+31 20 123 4567", "BE", "+31201234567", "020 123 4567"),
    ("+31 (0)20 123 4567", "BE", "+31201234567", "020 123 4567"),
    ("0031 20 123 4567", "BE", "+31201234567", "020 123 4567"),
    ("010 123 45 67", "NL", "+31101234567", "010 123 4567"),
    ("0111 123 456", "NL", "+31111123456", "0111 123 456"),
    ("+31 111 123 456", "BE", "+31111123456", "0111 123 456"),
    ("0475-123456", "NL", "+31475123456", "0475 123 456"),
    ("06 12345678", "NL", "+31612345678", "06 12345678"),
    ("06-1234 5678", "NL", "+31612345678", "06 12345678"),
    ("+31 6 1234 5678", "BE", "+31612345678", "06 12345678"),
    ("+31 (0)6 12 34 56 78", "BE", "+31612345678", "06 12345678"),
    ("0031612345678", "BE", "+31612345678", "06 12345678"),
    ("068 123 4567", "NL", "+31681234567", "06 81234567"),
    ("088 123 4567", "NL", "+31881234567", "088 123 4567"),
    ("+31 85 123 4567", "BE", "+31851234567", "085 123 4567"),
    ("091 123 4567", "NL", "+31911234567", "091 123 4567"),
    ("31201234567", "NL", "+31201234567", "020 123 4567"),
    # The Netherlands: not valid
    ("06 1234567", "NL", None, None),  # a digit short
    ("06 123456789", "NL", None, None),
    ("+31 6 1234567", "BE", None, None),
    ("066 123 4567", "NL", None, None),  # pager
    ("0800 1234", "NL", None, None),  # free number
    ("0900 123 4567", "NL", None, None),  # premium rate
    ("14020", "NL", None, None),  # a town hall's short number
    ("012 345 6789", "NL", None, None),  # 012 is no area code
    ("097 012 345 678", "NL", None, None),  # machine-to-machine
    # A national form read in the other country
    ("020 123 4567", "BE", None, None),
    ("06 12345678", "BE", None, None),
    ("03 338 32 66", "NL", None, None),
    ("0440 12 34 56", "NL", None, None),
    # Another country, or not a number
    ("+33 1 23 45 67 89", "BE", None, None),
    ("0049 30 1234567", "BE", None, None),
    ("+352 12 34 56", "BE", None, None),
    ("", "BE", None, None),
    ("   ", "BE", None, None),
    ("0+3 338 32 66", "BE", None, None),
    ("0470 12 34 56 of 03 338 32 66", "BE", None, None),
]

# Where the device deliberately answers otherwise than Google: (typed, country, device E.164).
DIFFERENCES = [
    # Google keeps an extension, or skips text before the number; the device reads digits only
    # (a tap cannot dial an extension) and asks for the number alone.
    ("03 338 32 66 ext 2", "BE", None),
    ("tel. 03 338 32 66", "BE", None),
    # Thin and narrow no-break spaces (French typography, pasted text) are spaces to the device.
    ("03\u202f338\u202f32\u202f66", "BE", "+3233383266"),
    ("0470\u200912 34 56", "BE", "+32470123456"),
]


def node() -> str:
    path = shutil.which("node")
    if not path:
        pytest.fail("node is missing: run scripts/test (it installs Node.js)")
    return path


RUN_RULES = """
const vm = require('vm');
const fs = require('fs');
const scope = {};
vm.runInNewContext(fs.readFileSync(process.argv[1], 'utf8'), { self: scope });
const cases = JSON.parse(fs.readFileSync(0, 'utf8'));
process.stdout.write(JSON.stringify(cases.map(([typed, country]) =>
  scope.WegwijzerPhone.parse(typed, country))));
"""


def device_answers(cases: list[tuple[str, str]]) -> list[dict]:
    """phone.js's parse() for each (typed, country), run once in Node."""
    result = subprocess.run(
        [node(), "-e", RUN_RULES, str(PHONE_JS)],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(result.stdout)


def google_answer(typed: str, country: str) -> tuple[str | None, str | None]:
    """(E.164, local form) if Google's metadata says this is a number the device should accept."""
    try:
        number = phonenumbers.parse(typed, country)
    except phonenumbers.NumberParseException:
        return None, None
    region = phonenumbers.region_code_for_number(number)
    if region not in ACCEPTED_TYPES or not phonenumbers.is_valid_number_for_region(number, region):
        return None, None
    nsn = phonenumbers.national_significant_number(number)
    if phonenumbers.number_type(number) not in ACCEPTED_TYPES[region] or (
        region == "NL" and len(nsn) != 9
    ):
        return None, None
    return (
        phonenumbers.format_number(number, PhoneNumberFormat.E164),
        phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL),
    )


@pytest.fixture(scope="module")
def device():
    cases = [(typed, country) for typed, country, *_ in TABLE]
    return dict(zip(cases, device_answers(cases), strict=True))


@pytest.mark.parametrize(("typed", "country", "e164", "display"), TABLE)
def test_the_device_reads_each_number_as_the_table_says(device, typed, country, e164, display):
    answer = device[(typed, country)]
    if e164 is None:
        assert not answer["ok"], answer
        assert answer["error"] in {"empty", "letters", "foreign", "invalid", "other-country"}
    else:
        assert answer["ok"], answer
        assert (answer["e164"], answer["tel"], answer["display"]) == (e164, f"tel:{e164}", display)


@pytest.mark.parametrize(("typed", "country", "e164", "display"), TABLE)
def test_google_agrees_with_the_table(typed, country, e164, display):
    assert google_answer(typed, country) == (e164, display)


def test_the_few_deliberate_differences_are_still_differences():
    """If Google's answer changes here, the device's rules may be made to agree again."""
    cases = [(typed, country) for typed, country, _ in DIFFERENCES]
    for (typed, country, e164), answer in zip(DIFFERENCES, device_answers(cases), strict=True):
        assert answer.get("e164") == e164, typed
        assert google_answer(typed, country)[0] != e164, typed


def test_the_device_explains_what_is_wrong(device):
    def error(typed, country="BE"):
        answer = device[(typed, country)]
        return answer["error"], answer["country"]

    assert error("") == ("empty", "BE")
    assert error("0470 12 34 56 of 03 338 32 66") == ("letters", "BE")
    assert error("+33 1 23 45 67 89") == ("foreign", "BE")
    assert error("03 338 32 6") == ("invalid", "BE")
    assert error("+31 6 1234567") == ("invalid", "NL")
    # A Dutch number typed in its national form on a Belgian page: it needs +31.
    assert error("06 12345678") == ("other-country", "NL")
    assert error("03 338 32 66", "NL") == ("other-country", "BE")


def test_the_device_never_refuses_a_number_google_accepts():
    """Every prefix of three digits, at each length a number can have here.

    The device reads Dutch area codes by their first two digits, so it may accept a number in an
    unused three-digit range (a wrong number the teacher will notice); it never refuses a real one,
    and whenever both accept a number they dial and show it the same way.
    """
    cases = []
    for country, lengths in (("BE", (8, 9)), ("NL", (9,))):
        for prefix in range(100, 1000):
            for length in lengths:
                nsn = (str(prefix) + "2345678901")[:length]
                cases.append((f"0{nsn}", country))
    answers = device_answers(cases)
    refused, different = [], []
    for (typed, country), answer in zip(cases, answers, strict=True):
        e164, display = google_answer(typed, country)
        if e164 and not answer["ok"]:
            refused.append(typed)
        elif e164 and (answer["e164"], answer["display"]) != (e164, display):
            different.append((typed, answer, e164, display))
        elif country == "BE" and answer["ok"] != bool(e164):
            different.append((typed, answer, e164, display))  # Belgium: the very same ranges
    assert not refused
    assert not different
