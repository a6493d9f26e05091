"""How targets and attainments read to people: the bound ("≥ 85%", "30–35%", "không có"), the status with
its icon (never colour alone), and what is missing. Shared by pages, the API, PDF and Excel."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.charts import Band
from core.formatting import number
from targets.engine.choices import Comparator, Status, Unit

STATUS_ICONS = {
    Status.MET: "bi-check-circle-fill",
    Status.EXCEEDED: "bi-arrow-up-circle-fill",
    Status.NOT_MET: "bi-x-circle-fill",
    Status.NO_DATA: "bi-hourglass-split",
    Status.NOT_JUDGED: "bi-dash-circle",
}
STATUS_CLASSES = {
    Status.MET: "success",
    Status.EXCEEDED: "primary",
    Status.NOT_MET: "danger",
    Status.NO_DATA: "secondary",
    Status.NOT_JUDGED: "light",
}



def with_unit(value, unit: str) -> str:
    return f"{number(value)}%" if unit == Unit.PERCENT else number(value)


def bounds_text(target) -> str:
    c, unit = target.comparator, target.unit
    if c == Comparator.NONE:
        return _("shown, not judged")
    if c == Comparator.ZERO:
        return _("none (0)")
    if c == Comparator.RANGE:
        low, high = number(target.lower), number(target.upper)
        return f"{low}–{high}%" if unit == Unit.PERCENT else f"{low}–{high}"
    sign = dict(Comparator.choices)[c]
    bound = target.lower if c in (Comparator.GTE, Comparator.GT) else target.upper
    return f"{sign} {with_unit(bound, unit)}"


MISSING = {
    "unrated_members": lambda n: ngettext("%(n)s member without a decided rating",
                                          "%(n)s members without a decided rating", n) % {"n": n},
    "unrated_organizations": lambda n: ngettext("%(n)s organization without a decided rating",
                                                "%(n)s organizations without a decided rating", n) % {"n": n},
    "unrated_mass_organizations": lambda n: ngettext("%(n)s mass organization without a decided rating",
                                                     "%(n)s mass organizations without a decided rating", n) % {"n": n},
    "unassessed_units": lambda n: ngettext("%(n)s host unit without a decided assessment",
                                           "%(n)s host units without a decided assessment", n) % {"n": n},
    "unreported": lambda n: ngettext("%(n)s organization has not reported",
                                     "%(n)s organizations have not reported", n) % {"n": n},
    "no_meetings": lambda n: ngettext("%(n)s cell has logged no meeting",
                                      "%(n)s cells have logged no meeting", n) % {"n": n},
    "no_subjects": lambda n: _("nothing to measure in this period (no organization or member subject to it)"),
    "period_not_started": lambda n: _("the period has not started"),
    "before_records": lambda n: _("the period begins before the records kept here (from %(day)s)") % {
        "day": _day(n)},
    "no_records": lambda n: _("no record of this kind was kept for this period"),
}


def _day(code: int) -> str:
    from targets.engine.data_begin import day_of_code

    return day_of_code(int(code)).strftime("%d/%m/%Y")


def missing_text(missing) -> str:
    parts = []
    for code, count in missing or []:
        render = MISSING.get(code)
        parts.append(render(count) if render else f"{code}: {count}")
    return "; ".join(parts)


def attainment_text(attainment) -> str:
    """"87,2% (59/68)" or "83" for a count."""
    a = attainment
    if a.value is None:
        return "—"
    if a.target.unit == Unit.PERCENT:
        return f"{number(a.value)}% ({number(a.numerator)}/{number(a.denominator)}{parts_text(a.details)})"
    return number(a.value)


def parts_text(details) -> str:
    """The parts of a figure made of two sources (LD-4f: the party's leadership collectives from their ratings,
    the State agencies' as reported), "; " and each part, or "" for a figure of one source."""
    parts = (details or {}).get("parts")
    if not parts:
        return ""
    party, state = parts.get("party", [0, 0]), parts.get("state", [0, 0])
    return "; " + _("party from ratings %(party)s, State agencies reported %(state)s") % {
        "party": f"{number(party[0])}/{number(party[1])}", "state": f"{number(state[0])}/{number(state[1])}"}


def beside(details) -> dict | None:
    """The figure kept beside the judged one (QT-4b: the pooled attendance beside the share of meetings above
    the threshold, or the other way round): its basis, the threshold, numerator, denominator and value (in
    percent, two decimals as the engine stores values; None without a denominator). None for other targets."""
    details = details or {}
    other = details.get("beside")
    if not other:
        return None
    numerator, denominator = int(other["numerator"]), int(other["denominator"])
    value = None
    if denominator:
        exact = Fraction(numerator * 100, denominator)
        value = (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return {"basis": other["basis"], "threshold": details.get("threshold"), "numerator": numerator,
            "denominator": denominator, "value": value}


def beside_text(attainment) -> str:
    """"Tỷ lệ dự chung: 87,5% (350/400)" beside a per-meeting QT-4b, "Buổi sinh hoạt thường kỳ có tỷ lệ dự trên
    85%: 66,7% (2/3)" beside a pooled one; "" for other targets. Shared by the pages, the API and the reports."""
    other = beside(getattr(attainment, "details", None))
    if other is None:
        return ""
    figure = {"value": f"{number(other['value'])}%" if other["value"] is not None else "—",
              "ratio": f"{number(other['numerator'])}/{number(other['denominator'])}"}
    if other["basis"] == "pooled":
        return _("Pooled attendance: %(value)s (%(ratio)s)") % figure
    return _("Regular meetings with attendance above %(threshold)s%%: %(value)s (%(ratio)s)") % {
        **figure, "threshold": other["threshold"]}


def band_of(target, label: str | None = None) -> Band | None:
    """The target drawn behind a chart (dashboards, boards, reports): the region of values that meet it,
    labelled with its bounds unless ``label`` says otherwise."""
    c, label = target.comparator, bounds_text(target) if label is None else label
    low = float(target.lower) if target.lower is not None else None
    high = float(target.upper) if target.upper is not None else None
    if c in (Comparator.GTE, Comparator.GT) and low is not None:
        return Band(low, None, label)
    if c in (Comparator.LTE, Comparator.LT) and high is not None:
        return Band(None, high, label)
    if c == Comparator.RANGE and low is not None and high is not None:
        return Band(low, high, label)
    if c == Comparator.ZERO:
        return Band(0, 0, label)
    return None


def rule_notes(attainment) -> list[str]:
    """What a party rule makes of this figure (targets.engine.party_rules): the 20% cap's bound for the year
    and whether the target can be met under it; a breach of the cap; the changed basis of "trong sạch vững
    mạnh" from 2018. Shared by the pages, the API and the reports."""
    details = getattr(attainment, "details", None) or {}
    notes = []
    cap = details.get("cap")
    if cap:
        notes.append(_("The 20%% cap (HTXS at most 20%% of those rated HTT, per TCCSĐ or deciding committee) "
                       "limits the HTXS share this year to %(bound)s%% (one sixth of the HTT-or-better share, "
                       "%(htt)s%%).") % {"bound": number(cap["bound"], 2), "htt": number(cap["htt_plus"], 2)})
        if cap.get("unreachable"):
            notes.append(_("The target cannot be met without recorded exceptions to the cap."))
        if cap.get("breach"):
            notes.append(_("A share above 20% breaches the cap: not met, not exceeded."))
    if details.get("basis_changed"):
        notes.append(_("From 2018 “trong sạch vững mạnh” is a recognition chosen among organizations rated HTXS, "
                       "no longer a rating level: the target's basis has changed since it was set."))
    return notes


def rule_notes_text(attainment) -> str:
    return " ".join(rule_notes(attainment))
