"""What a party rule makes of a target (issue 17), computed with the figures and kept in ``details``:

- **The 20% cap** (RULES §1, Hướng dẫn 21-HD/BTCTW): within each TCCSĐ (or deciding committee) those rated
  HTXS may not exceed 20% of those rated HTT, so HTXS ≤ (HTXS + HTT) / 6: the HTXS share of all rated is at
  most one sixth of the HTT-or-better share. For a target on the HTXS share (QT-1b, QT-1e "20%"; LD-4c,
  QT-1h "15–20%") the bound is computed from the year's own figures (``details["cap"]``); "20% HTXS"
  cannot be met without recorded cap exceptions, "15–20%" only between 15% and the bound. A share above
  20% is a breach of the cap, judged not met — never "vượt".
- **"Trong sạch vững mạnh" after 2018** (KT-1a, KT-1b, set in 2016): from the 2018 review year the title is
  a recognition among HTXS organizations, no longer a rating level (``details["basis_changed"]``)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from types import SimpleNamespace

from targets.engine.choices import Family, Status, Unit

HTXS_CODES = frozenset({"HTXS", "DTC_HTXS", "TSVM"})
HTT_CODES = ("HTT", "DTC_HTT")
CAP = Fraction(20)  # percent: a share above it breaks the cap whatever the HTT share
TITLE_BECAME_RECOGNITION = 2018
TSVM_TITLES = frozenset({"tsvm", "tsvm_typical"})


def _decimal(value: Fraction) -> str:
    return str((Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"), ROUND_HALF_UP))


def counts_htxs_share(target) -> bool:
    levels = (target.params or {}).get("levels") or []
    return (target.family in (Family.R_MEM, Family.R_ORG) and target.unit == Unit.PERCENT and bool(levels)
            and set(levels) <= HTXS_CODES)


def cap_figures(target, slots, metric) -> dict:
    """{slot key: HTT-or-better figure} for an HTXS-share target (the same measure with the HTT levels too), or
    {} for any other target."""
    if not counts_htxs_share(target):
        return {}
    levels = sorted(set(target.params["levels"]) | set(HTT_CODES))
    return metric.compute(SimpleNamespace(params={**target.params, "levels": levels},
                                          resolution=target.resolution), slots)


def apply_cap(target, figure, wider, status: str) -> str:
    """Record the cap's bound for one figure (``wider`` its HTT-or-better figure) and return the status: a
    share above 20% is a breach of the cap, not met."""
    if wider is None or not figure.denominator:
        return status
    share = Fraction(int(figure.numerator)) * 100 / Fraction(int(figure.denominator))
    htt_plus = Fraction(int(wider.numerator)) * 100 / Fraction(int(figure.denominator))
    bound = htt_plus / 6
    lower = Fraction(str(target.lower)) if target.lower is not None else None
    cap = {"bound": _decimal(bound), "htt_plus": _decimal(htt_plus),
           "unreachable": lower is not None and lower > bound, "breach": share > CAP}
    figure.details = {**(figure.details or {}), "cap": cap}
    if cap["breach"] and status in (Status.MET, Status.EXCEEDED):
        return Status.NOT_MET
    return status


def basis_changed(target, year: int) -> bool:
    titles = set((target.params or {}).get("titles") or [])
    return (target.family == Family.T_ORG and bool(titles & TSVM_TITLES) and year >= TITLE_BECAME_RECOGNITION
            and target.first_year < TITLE_BECAME_RECOGNITION)
