"""A resolution's own baseline figures beside the register's (issue 17, item 10).

A document states where it starts from ("68 tổ chức cơ sở đảng … tổng số đảng viên là 2.712 … 1807 đảng viên có
trình độ đại học …", seed 000). Those figures are kept as the document states them (``ResolutionBaseline`` rows,
each a key of the fixed vocabulary below, a value and the date the document gives them), never corrected. Here
they are set beside the register's figure for the same key, for the resolution's organization on that date, with
the difference and what explains it:

- the document's own parts of one whole (its professional levels, its political theory levels, its two kinds of
  TCCSĐ) that do not add up to the total it states, or that leave some of it unstated;
- the register's members without a value for a breakdown (its "unknown" row), which the document has no row for.

The register's figures are those of ``members.register.statistics.composition`` — the same counts as the
composition pages — read once per date, so a comparison costs a constant number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.formatting import number
from members.register.choices import Gender, PoliticalTheory, ProfessionalLevel
from members.register.statistics import AGE_BANDS, UNKNOWN, composition
from organizations.choices import OrgKind

OTHER = "other"
MEMBERS = "members"
TCCSD = "tccsd"
CELLS = "cells"
MINORITY = "ethnicity:minority"
KINH = "Kinh"
AGE_KEYS = ["age:under_30", "age:30_40", "age:41_50", "age:51_60", "age:over_60"]
assert len(AGE_KEYS) == len(AGE_BANDS)


def _group(prefix: str, choices) -> list[tuple[str, object]]:
    return [(f"{prefix}:{value}", label) for value, label in choices]


# Parts of one whole: (group, the whole's key, its parts' keys and labels). A member belongs to exactly one part
# of each group (the register's "unknown" aside), so the parts the document states should add up to its total.
GROUPS = [
    ("tccsd", TCCSD, [(f"tccsd:{OrgKind.GRASSROOTS_COMMITTEE}", gettext_lazy("Grassroots party committees")),
                      (f"tccsd:{OrgKind.GRASSROOTS_CELL}", gettext_lazy("Grassroots party cells"))]),
    ("professional_level", MEMBERS, _group("professional_level", ProfessionalLevel.choices)),
    ("political_theory", MEMBERS, _group("political_theory", PoliticalTheory.choices)),
    ("gender", MEMBERS, _group("gender", Gender.choices)),
    ("status", MEMBERS, [("status:full", gettext_lazy("Full members")),
                         ("status:probationary", gettext_lazy("Probationary members"))]),
    ("age", MEMBERS, [(key, label) for key, (_lo, _hi, label) in zip(AGE_KEYS, AGE_BANDS)]),
]
GROUP_TITLES = {
    "tccsd": gettext_lazy("Grassroots party organizations by kind"),
    "professional_level": gettext_lazy("Professional level"),
    "political_theory": gettext_lazy("Political theory"),
    "gender": gettext_lazy("Gender"),
    "status": gettext_lazy("Status"),
    "age": gettext_lazy("Age"),
}

# The vocabulary of baseline keys, in the order a document lists them; the model's choices, grouped.
BASELINE_KEYS: list = [
    (MEMBERS, gettext_lazy("Members")),
    (TCCSD, gettext_lazy("Grassroots party organizations")),
    (GROUP_TITLES["tccsd"], GROUPS[0][2]),
    (CELLS, gettext_lazy("Party cells")),
    *((GROUP_TITLES[name], parts) for name, _whole, parts in GROUPS[1:]),
    (MINORITY, gettext_lazy("Ethnic minority members")),
    (OTHER, gettext_lazy("Another figure (label it)")),
]
FLAT_KEYS: list[tuple[str, object]] = [
    item for entry in BASELINE_KEYS for item in (entry[1] if isinstance(entry[1], list) else [entry])]
KEY_LABELS = dict(FLAT_KEYS)
GROUP_OF = {key: name for name, _whole, parts in GROUPS for key, _label in parts}


def key_label(key: str) -> str:
    """A key's words on the pages: a part with its group ("Political theory: Intermediate")."""
    label = str(KEY_LABELS.get(key, key))
    group = GROUP_OF.get(key)
    if group is None or group == "tccsd":
        return label
    return _("%(group)s: %(part)s") % {"group": GROUP_TITLES[group], "part": label}


def register_figure(comp, key: str) -> int | None:
    """The register's figure for ``key`` in a composition, or None for a key it has no figure for ("other")."""
    if key == MEMBERS:
        return comp.total
    if key == TCCSD:
        return comp.tccsd_total
    if key == CELLS:
        return comp.cells_total
    if key == MINORITY:
        return sum(r.count for r in comp.breakdown("ethnicity").rows if r.key not in (KINH, UNKNOWN))
    if key in AGE_KEYS:
        return comp.breakdown("age").rows[AGE_KEYS.index(key)].count
    prefix, _sep, value = key.partition(":")
    if prefix == "tccsd":
        return comp.tccsd_by_kind.get(value, 0)
    if prefix in ("professional_level", "political_theory", "gender", "status"):
        return next((r.count for r in comp.breakdown(prefix).rows if r.key == value), 0)
    return None


def _unknown(comp, group: str) -> int:
    if group not in ("professional_level", "political_theory", "gender", "status", "age"):
        return 0
    return next((r.count for r in comp.breakdown(group).rows if r.key == UNKNOWN), 0)


def figure_text(value) -> str:
    """A figure as a document writes it: 2.712, 87,5 (no trailing zeros)."""
    value = Decimal(value)
    decimals = max(0, -value.normalize().as_tuple().exponent) if value != value.to_integral_value() else 0
    return number(value, decimals)


def _integer(value) -> int | Decimal:
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else value


@dataclass
class Line:
    key: str
    label: str
    source: int | Decimal
    register: int | None
    note: str = ""

    @property
    def difference(self):
        return None if self.register is None else self.register - self.source

    @property
    def source_text(self) -> str:
        return figure_text(self.source)

    @property
    def register_text(self) -> str:
        return "—" if self.register is None else number(self.register)

    @property
    def difference_text(self) -> str:
        if self.difference is None:
            return "—"
        if self.difference == 0:
            return "0"
        return ("+" if self.difference > 0 else "−") + figure_text(abs(self.difference))


@dataclass
class Comparison:
    """The figures one document states for one date, each beside the register's for the organization then."""

    resolution: object
    day: dt.date
    organization: object  # the resolution's organization (None: not attached, no register figure)
    lines: list[Line]
    explanations: list[str] = field(default_factory=list)


def explain(stated: dict[str, int | Decimal], comp=None) -> list[str]:
    """Why the document's figures and the register's differ, computed from the figures themselves: each group of
    parts whose stated parts do not add up to the stated whole (or leave some of it unstated), and the register's
    members without a value for a group the document states."""
    lines = []
    for name, whole_key, parts in GROUPS:
        keys = [key for key, _label in parts if key in stated]
        if not keys:
            continue
        title = str(GROUP_TITLES[name])
        whole = stated.get(whole_key)
        total = sum(stated[key] for key in keys)
        if whole is not None:
            complete = len(keys) == len(parts)
            if total != whole and (complete or total > whole):
                lines.append(_("%(group)s: the document's parts add up to %(sum)s, not to the total of %(total)s "
                               "it states (%(difference)s).") % {
                    "group": title, "sum": number(total), "total": number(whole),
                    "difference": ("+" if total > whole else "−") + number(abs(total - whole))})
            elif total < whole:
                lines.append(_("%(group)s: the document states %(sum)s of its %(total)s; it does not say how the "
                               "other %(rest)s are divided.") % {
                    "group": title, "sum": number(total), "total": number(whole), "rest": number(whole - total)})
        if comp is not None:
            unknown = _unknown(comp, name)
            if unknown:
                lines.append(_("%(group)s: %(n)s members in the register have no value recorded; the document "
                               "has no such row.") % {"group": title, "n": number(unknown)})
    return lines


def compare(resolution, baselines=None) -> list[Comparison]:
    """The resolution's baseline figures, one comparison per date they are given for, each beside the register's
    figures for the resolution's organization on that date. ``baselines``: the rows, when already fetched."""
    rows = list(baselines if baselines is not None else resolution.baselines.all())
    by_day: dict[dt.date, list] = {}
    for row in rows:
        by_day.setdefault(row.as_of, []).append(row)
    organization = resolution.scope if resolution.scope_id else None
    order = {key: i for i, (key, _label) in enumerate(FLAT_KEYS)}
    comparisons = []
    for day in sorted(by_day):
        day_rows = sorted(by_day[day], key=lambda r: (order.get(r.key, len(order)), r.pk or 0))
        comp = composition(organization, day) if organization is not None else None
        lines = []
        for row in day_rows:
            label = row.label if row.key == OTHER or row.label else key_label(row.key)
            figure = register_figure(comp, row.key) if comp is not None else None
            lines.append(Line(row.key, label, _integer(row.value), figure, row.note))
        stated = {row.key: _integer(row.value) for row in day_rows if row.key != OTHER}
        comparisons.append(Comparison(resolution, day, organization, lines, explain(stated, comp)))
    return comparisons
