"""Composition of an organization's membership on a date: the paragraph at the top of seed 000
("68 tổ chức cơ sở đảng … với tổng số đảng viên là 2.712 …"), generated from the records.

Every breakdown counts the same set of members, and a missing value is its own "unknown" row, so the
parts always add up to the total (seed 000's hand-made figures do not). A constant number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db.models import Case, CharField, Count, Q, Value, When
from django.utils.translation import gettext_lazy as _

from members.register.choices import ETHNICITIES, Gender, PoliticalTheory, ProfessionalLevel, Religion
from members.register.models import Member
from organizations.choices import OrgKind
from organizations.models import OrganizationPlacement

UNKNOWN = "__unknown__"
AGE_BANDS = [(None, 29, _("Under 30")), (30, 40, _("30–40")), (41, 50, _("41–50")), (51, 60, _("51–60")),
             (61, None, _("Over 60"))]


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    count: int
    share: float  # percent of the total


@dataclass(frozen=True)
class Breakdown:
    key: str
    title: str
    rows: list[Row]
    total: int


def _rows(counts: dict, labels: list[tuple[str, str]], total: int) -> list[Row]:
    """Rows in the vocabulary's order, an "unknown" row for blanks, and any unexpected value kept."""
    rows = []
    seen = set()
    for key, label in labels:
        seen.add(key)
        rows.append(Row(key, str(label), counts.get(key, 0), _share(counts.get(key, 0), total)))
    unknown = sum(n for k, n in counts.items() if k in ("", None, UNKNOWN))
    for key, n in counts.items():
        if key not in seen and key not in ("", None, UNKNOWN):
            unknown += n  # a value outside the vocabulary is reported as unknown rather than lost
    if unknown:
        rows.append(Row(UNKNOWN, str(_("Unknown")), unknown, _share(unknown, total)))
    return rows


def _share(n: int, total: int) -> float:
    return round(100.0 * n / total, 1) if total else 0.0


def _count_by(members, field: str) -> dict:
    return {row[field]: row["n"] for row in members.order_by().values(field).annotate(n=Count("id"))}


def _age_band_expression(day: dt.date):
    whens = []
    for low, high, label in AGE_BANDS:
        cond = Q()
        if low is not None:  # age >= low  <=>  born on or before day - low years
            cond &= Q(birth_date__lte=day - relativedelta(years=low))
        if high is not None:  # age <= high  <=>  born after day - (high + 1) years
            cond &= Q(birth_date__gt=day - relativedelta(years=high + 1))
        whens.append(When(cond, then=Value(str(label))))
    return Case(*whens, default=Value(UNKNOWN), output_field=CharField())


@dataclass(frozen=True)
class Composition:
    organization: object
    day: dt.date
    total: int
    tccsd_total: int
    tccsd_by_kind: dict[str, int]
    cells_total: int
    breakdowns: list[Breakdown]

    def breakdown(self, key: str) -> Breakdown:
        return next(b for b in self.breakdowns if b.key == key)


def composition(organization, day: dt.date) -> Composition:
    members = Member.objects.under_on(organization, day)
    total = members.count()
    breakdowns = [
        Breakdown("professional_level", str(_("Professional level")),
                  _rows(_count_by(members, "professional_level"), ProfessionalLevel.choices, total), total),
        Breakdown("political_theory", str(_("Political theory")),
                  _rows(_count_by(members, "political_theory"), PoliticalTheory.choices, total), total),
        Breakdown("gender", str(_("Gender")), _rows(_count_by(members, "gender"), Gender.choices, total), total),
    ]
    ages = {r["band"]: r["n"] for r in members.order_by().annotate(band=_age_band_expression(day))
            .values("band").annotate(n=Count("id"))}
    breakdowns.append(Breakdown("age", str(_("Age")), _rows(ages, [(str(lbl), lbl) for _lo, _hi, lbl in AGE_BANDS],
                                                             total), total))
    ethnic = _count_by(members, "ethnicity")
    present = [name for name in ETHNICITIES if ethnic.get(name)]
    breakdowns.append(Breakdown("ethnicity", str(_("Ethnicity")), _rows(ethnic, [(n, n) for n in present], total),
                                total))
    breakdowns.append(Breakdown("religion", str(_("Religion")),
                                _rows(_count_by(members, "religion"), Religion.choices, total), total))
    status = {r["status"]: r["n"] for r in members.order_by().annotate(
        status=Case(When(full_membership_date__lte=day, then=Value("full")), default=Value("probationary"),
                    output_field=CharField())).values("status").annotate(n=Count("id"))}
    breakdowns.append(Breakdown("status", str(_("Status")), _rows(
        status, [("full", _("Full members")), ("probationary", _("Probationary members"))], total), total))

    by_kind: dict[str, int] = {}
    cells = 0
    under = OrganizationPlacement.objects.under_on(organization.pk, day)
    by_kind = {r["kind"]: r["n"] for r in under.order_by().values("kind").annotate(n=Count("id"))}
    cells = by_kind.get(OrgKind.GRASSROOTS_CELL, 0) + by_kind.get(OrgKind.SUB_CELL, 0)
    tccsd = {k: by_kind.get(k, 0) for k in (OrgKind.GRASSROOTS_COMMITTEE, OrgKind.GRASSROOTS_CELL)}
    return Composition(organization, day, total, sum(tccsd.values()), tccsd, cells, breakdowns)


def summary_sentence(comp: Composition) -> str:
    """The opening sentence of a report, in the words seed 000 uses."""
    from django.utils.formats import number_format
    from django.utils.translation import gettext

    def n(value):
        return number_format(value, force_grouping=True)

    levels = ", ".join(f"{n(r.count)} {r.label.lower()}" for r in comp.breakdown("professional_level").rows if r.count)
    theory = ", ".join(f"{n(r.count)} {r.label.lower()}" for r in comp.breakdown("political_theory").rows if r.count)
    return gettext(
        "%(tccsd)s grassroots party organizations (%(committees)s grassroots party committees, %(cells)s grassroots "
        "party cells) with %(members)s members in total. Professional level: %(levels)s. Political theory: %(theory)s."
    ) % {
        "tccsd": n(comp.tccsd_total), "committees": n(comp.tccsd_by_kind.get(OrgKind.GRASSROOTS_COMMITTEE, 0)),
        "cells": n(comp.tccsd_by_kind.get(OrgKind.GRASSROOTS_CELL, 0)), "members": n(comp.total),
        "levels": levels or "—", "theory": theory or "—",
    }
