"""Text as users mean it: one normalizer for every text a user types, pastes or imports, and the formats of
the few fields that have one.

``normalize`` is Unicode NFC plus trimmed ends: Vietnamese typed with a combining-mark keyboard or pasted
from a PDF arrives decomposed ("Nguyễn" as e + two combining marks), looks the same, and would neither match
a search nor be unique. Every model save passes its text fields through it (``normalize_instance``,
connected to ``pre_save`` in CoreConfig.ready), so forms, services, the admin and the demo loader agree; bulk
writers (imports) call it on their rows, and searches on their terms.

The format checks return a message (or "") so each caller puts it on its own field; they know nothing of our
models (core imports none of our apps)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from django.db import models
from django.utils.translation import gettext as _


def normalize(value):
    """NFC and trimmed ends for a string; anything else unchanged."""
    if not isinstance(value, str):
        return value
    return unicodedata.normalize("NFC", value).strip()


def normalize_name(value):
    """``normalize`` with inner runs of spaces made one (names, titles)."""
    value = normalize(value)
    return " ".join(value.split()) if isinstance(value, str) else value


def normalize_instance(sender, instance, raw=False, **kwargs) -> None:
    """pre_save: every CharField and TextField of ``instance`` normalized (fixtures loaded raw are left alone)."""
    if raw:
        return
    for field in instance._meta.concrete_fields:
        if isinstance(field, (models.CharField, models.TextField)):
            value = getattr(instance, field.attname)
            if isinstance(value, str):
                clean = normalize(value)
                if clean != value:
                    setattr(instance, field.attname, clean)


# --- Formats -----------------------------------------------------------------------------------------------

PHONE = re.compile(r"^(0\d{9,10}|\+84\d{9,10})$")
PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
PARTY_CARD = re.compile(r"^\d{8}$")


def clean_phone(value: str) -> str:
    """A phone number without its separators (spaces, dots, dashes, brackets)."""
    return PHONE_SEPARATORS.sub("", normalize(value or ""))


def phone_problem(value: str) -> str:
    """A Vietnamese phone number: 0 and 9–10 digits (10 for mobiles, 11 for landlines), or +84 and the same
    without the 0."""
    if value and not PHONE.match(value):
        return _("“%(value)s” is not a phone number: write 10 or 11 digits starting with 0 (or +84).") % {
            "value": value}
    return ""


def party_card_problem(value: str) -> str:
    if value and not PARTY_CARD.match(value):
        return _("“%(value)s” is not a party card number: it has 8 digits.") % {"value": value}
    return ""


def citizen_id_problem(value: str, *, birth_date: dt.date | None, female: bool | None) -> str:
    """The 12-digit citizen ID (CCCD, Thông tư 59/2021/TT-BCA): 3 digits of the province of birth (001–096),
    1 digit of century and gender (0/1: born 1900–1999 male/female, 2/3: 2000–2099, 4/5: 2100–2199), 2 digits
    of the year of birth, 6 random digits. The century, gender and year digits must match the profile."""
    if not value:
        return ""
    if not (value.isdigit() and len(value) == 12):
        return _("A citizen ID has 12 digits.")
    if not 1 <= int(value[:3]) <= 96:
        return _("A citizen ID starts with the code of a province (001–096), not %(code)s.") % {"code": value[:3]}
    code = int(value[3])
    century, is_female = 1900 + 100 * (code // 2), code % 2 == 1
    if code > 5:
        return _("The 4th digit of a citizen ID gives the century and gender of birth (0 to 5), not %(digit)s.") % {
            "digit": value[3]}
    if birth_date is not None:
        year = century + int(value[4:6])
        if year != birth_date.year:
            return _("The citizen ID says born in %(year)d (digits 4–6: %(digits)s), the date of birth says "
                     "%(birth)d.") % {"year": year, "digits": value[3:6], "birth": birth_date.year}
    if female is not None and is_female != female:
        return _("The 4th digit of the citizen ID (%(digit)s) is that of a %(said)s, not of the gender recorded.") % {
            "digit": value[3], "said": _("woman") if is_female else _("man")}
    return ""
