/* Belgian and Dutch phone numbers, checked on the device: a small rule set of our own, no library.
 *
 * A plain script shared by the pages and tests/test_phone_rules.py (which runs it in Node and
 * compares every answer with Google's metadata, the phonenumbers package, on a table of inputs).
 *
 * It accepts what people type: spaces, dots, slashes, dashes, brackets, the national form with
 * its leading 0, and +32 / 0032 / +31 / 0031 (also "+32 (0)3 ..."). A CLB anchor is a person, so
 * only the numbers a person is reached on count: Belgian landlines and mobiles; Dutch landlines,
 * mobiles and the nationwide 084/085/087/088/091 numbers many organisations use. Not free,
 * premium-rate, pager or short numbers.
 */
((scope) => {
  'use strict';

  // Per country: the calling code, which national significant numbers (NSN: the digits after
  // the 0 or the country code) are valid, and how the local form groups them (first match).
  const COUNTRIES = {
    BE: {
      code: '32',
      // Landline: 8 digits starting with a zone (02 Brussels, 03 Antwerp, 04 Liège, 09 Ghent,
      // 0xx elsewhere; 070-079, 080x and 090x are not zones). Mobile: 9 digits, 045-049.
      valid: /^(?:(?:1[0-69]|[23][2-8]|4[23]|5\d|6[013-57-9]|71|8[1-79]|9[2-4])\d{6}|80[2-8]\d{5}|4[5-9]\d{7})$/,
      groups: [
        [/^(?:[239]|4[23])/, [1, 3, 2, 2]], // 03 338 32 66
        [/^4/, [3, 2, 2, 2]], // 0470 12 34 56
        [/^/, [2, 2, 2, 2]], // 014 12 34 56
      ],
    },
    NL: {
      code: '31',
      // 9 digits. Landline: an area code 010-058 or 070-079 (by its first two digits, so an
      // unused three-digit code slips through: the rules never refuse a real number).
      // Mobile: 061-065, 068. Nationwide: 084, 085, 087, 088, 091.
      valid: /^(?:(?:1[0135-8]|2[02-69]|3[0-68]|4[0135-9]|5\d|7\d)\d{7}|6[1-58]\d{7}|(?:8[4578]|91)\d{7})$/,
      groups: [
        [/^6/, [1, 8]], // 06 12345678
        [/^(?:1[16-8]|2[259]|3[124]|4[17-9]|5[124679])/, [3, 3, 3]], // 0111 123 456
        [/^/, [2, 3, 4]], // 020 123 4567
      ],
    },
  };
  // What people may type around the digits: spaces (also no-break ones), . / - ( ).
  const TYPED = /^\+?[\d\s./()-]*\d[\d\s./()-]*$/;

  function localForm(country, nsn) {
    const sizes = COUNTRIES[country].groups.find((group) => group[0].test(nsn))[1];
    const parts = [];
    let at = 0;
    sizes.forEach((size) => {
      parts.push(nsn.slice(at, at + size));
      at += size;
    });
    return `0${parts.join(' ')}`;
  }

  function countryOfCode(digits) {
    return Object.keys(COUNTRIES).find((country) => digits.startsWith(COUNTRIES[country].code));
  }

  /* Read a typed number. `defaultCountry` ('BE' or 'NL') is the country of the national form.
   * Answers {ok: true, country, nsn, e164, tel, display} or {ok: false, error, country}:
   * error is 'empty', 'letters' (not only digits and separators), 'foreign' (another country's
   * code), 'invalid' (not a valid number of `country`) or 'other-country' (not valid where it
   * was read, but a valid national number of `country`: typed without its country code). */
  function parse(typed, defaultCountry) {
    const home = COUNTRIES[defaultCountry] ? defaultCountry : 'BE';
    const text = String(typed ?? '').trim();
    if (!text) return { ok: false, error: 'empty', country: home };
    if (!TYPED.test(text)) return { ok: false, error: 'letters', country: home };
    let digits = text.replace(/\D/g, '');
    const international = text.startsWith('+') || digits.startsWith('00');
    let country = home;
    let nsn;
    if (international) {
      if (!text.startsWith('+')) digits = digits.slice(2);
      country = countryOfCode(digits);
      if (!country) return { ok: false, error: 'foreign', country: home };
      nsn = digits.slice(COUNTRIES[country].code.length);
      if (nsn.startsWith('0')) nsn = nsn.slice(1); // "+32 (0)3 ..." and "+32 0470 ..."
    } else if (digits.startsWith('0')) {
      nsn = digits.slice(1);
    } else {
      // No 0 and no +: the number as it is, or the home country's code typed without its +.
      const rules = COUNTRIES[home];
      const rest = digits.slice(rules.code.length);
      nsn = !rules.valid.test(digits) && digits.startsWith(rules.code) && rules.valid.test(rest)
        ? rest : digits;
    }
    if (!COUNTRIES[country].valid.test(nsn)) {
      const elsewhere = international ? null
        : Object.keys(COUNTRIES).find((other) => other !== country && COUNTRIES[other].valid.test(nsn));
      return elsewhere ? { ok: false, error: 'other-country', country: elsewhere }
        : { ok: false, error: 'invalid', country: country };
    }
    const e164 = `+${COUNTRIES[country].code}${nsn}`;
    return {
      ok: true,
      country: country,
      nsn: nsn,
      e164: e164,
      tel: `tel:${e164}`,
      display: localForm(country, nsn),
    };
  }

  scope.WegwijzerPhone = Object.freeze({ parse: parse, countries: Object.keys(COUNTRIES) });
})(self);
