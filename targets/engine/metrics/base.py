"""The metric contract and the registry.

A metric family (TARGETS.md) is one class registered under its family code. The engine hands it a target
(its ``params`` say what exactly to count) and a list of slots — (scope organization, year, period, the
reference date) pairs, typically the resolution's organization and every grassroots organization under
it for every year of the target — and the metric answers all of them with a constant number of SQL
statements (a set-based query over the dated tree: ``OrganizationPlacement`` paths on the period's
dates), never a Python loop over organizations or members.

Slots are passed to SQL as parallel arrays and unnested (``organizations.slots.SLOTS_CTE``), so one
statement serves any number of them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from members.ratings.rules import rating_date
from organizations.slots import SLOTS_CTE, SLOTS_PERIOD_CTE, Slot, by_slot, fetch, slot_params  # noqa: F401

REGISTRY: dict[str, Metric] = {}


def target_slot(scope_id: int, year: int, start: dt.date, end: dt.date) -> Slot:
    """A target's slot: populations of the rating families are taken on the year's rating day (RULES §1:
    after 15 December), or on the period's last day when that comes first."""
    return Slot(scope_id=scope_id, year=year, start=start, end=end, day=min(rating_date(year), end))


@dataclass
class Figure:
    """What a metric found for one slot. ``denominator`` is None for a plain count. ``missing`` lists what
    is not recorded yet, as (code, count) pairs rendered by ``targets.engine.formatting.missing_text``; a figure
    with missing inputs is shown but not judged (chưa đủ dữ liệu)."""

    numerator: int | float = 0
    denominator: int | float | None = None
    missing: list[tuple[str, int]] = field(default_factory=list)
    details: dict = field(default_factory=dict)


def register(cls):
    """Class decorator: one instance per family code."""
    if cls.family in REGISTRY:
        raise ValueError(f"metric family {cls.family} registered twice")
    REGISTRY[cls.family] = cls()
    return cls


class Metric:
    family: str = ""
    # The change kinds (core.events.KINDS) whose records this family reads: a change of one of these
    # kinds recomputes the targets of this family, and no others.
    reads: frozenset[str] = frozenset()
    # Parameter names the family accepts and what each means (shown to staff editing a target).
    params_help: dict[str, str] = {}

    def compute(self, target, slots: list[Slot]) -> dict[tuple[int, int], Figure]:
        raise NotImplementedError

    def validate_params(self, params: dict) -> list[str]:
        """Problems with a target's parameters (unknown keys), as messages; empty when fine."""
        # English, machine-shaped: targets.engine.services.params_problem_text turns them into the interface language.
        unknown = sorted(set(params) - set(self.params_help))
        return [f"unknown parameter {key!r}" for key in unknown]


# Parameter checks the families share (English, machine-shaped, like ``validate_params``'s).


def check_choice(params: dict, key: str, allowed, *, required: bool = False) -> list[str]:
    """``params[key]`` is one of ``allowed`` (absent is fine unless ``required``)."""
    if key not in params:
        return [f"{key} is required (one of {sorted(allowed)})"] if required else []
    if params[key] not in allowed:
        return [f"{key} must be one of {sorted(allowed)}, not {params[key]!r}"]
    return []


def check_codes(params: dict, key: str, known, *, required: bool = False) -> list[str]:
    """``params[key]`` is a list of strings, each one of ``known`` (a set, or a callable returning the
    known subset of the given codes — e.g. a database lookup)."""
    value = params.get(key)
    if value is None:
        return [f"{key} is required: a list of codes"] if required else []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return [f"{key} must be a list of codes, not {value!r}"]
    if required and not value:
        return [f"{key} must name at least one code"]
    found = set(known(value)) if callable(known) else set(known)
    unknown = [v for v in value if v not in found]
    return [f"unknown {key} {unknown}"] if unknown else []


def check_positive_int(params: dict, key: str) -> list[str]:
    value = params.get(key, 1)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        return [f"{key} must be a whole number of at least 1, not {value!r}"]
    return []


def rating_level_codes(codes) -> set[str]:
    """The codes among ``codes`` that are levels of some rating scheme."""
    from members.ratings.models import RatingLevel

    return set(RatingLevel.objects.filter(code__in=list(codes)).values_list("code", flat=True))
