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
from typing import Any

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


# Kinds of declared parameter: one of the choices, a list of them, a whole number, yes/no, free text.
CHOICE, CODES, COUNT, FLAG, TEXT = "choice", "codes", "count", "flag", "text"


@dataclass(frozen=True)
class Param:
    """One parameter a family accepts, declared once: the target form is generated from it (a select, a set
    of checkboxes, a number, a checkbox) and ``check_declared`` validates against it, so the form can offer
    nothing the check would refuse. ``choices`` is a sequence of (value, label) pairs or a callable returning
    them (values kept in the database: rating levels, reported indicators). ``when`` limits the parameter to
    targets whose other parameter has one of the given values (``{"measure": ("forums",)}``); ``default``
    is what the family uses when the parameter is absent (shown in the form)."""

    name: str
    label: Any
    kind: str = CHOICE
    choices: Any = ()
    required: bool = False
    default: Any = None
    when: dict[str, tuple] | None = None
    help: str = ""  # English, for the API and the parameter problems
    maximum: int | None = None  # the largest whole number a COUNT parameter takes (None: the form's 1000)

    def options(self) -> list[tuple[str, Any]]:
        choices = self.choices() if callable(self.choices) else self.choices
        return [(str(value), label) for value, label in choices]

    def applies(self, params: dict, defaults: dict) -> bool:
        """Whether the parameter applies given the others (absent ones at their ``defaults``)."""
        if not self.when:
            return True
        return all(params.get(key, defaults.get(key)) in values for key, values in self.when.items())


class Metric:
    family: str = ""
    # The change kinds (core.events.KINDS) whose records this family reads: a change of one of these
    # kinds recomputes the targets of this family, and no others.
    reads: frozenset[str] = frozenset()
    # The parameters the family accepts (the one source of the target form and of ``check_declared``).
    parameters: tuple[Param, ...] = ()

    # Parameters the form does not offer, set by the catalogue and kept as they are when a target is edited
    # (name → what it means), e.g. the rated part of LD-4f, itself the parameters of another family.
    extra_params: dict[str, str] = {}

    @property
    def params_help(self) -> dict[str, str]:
        """Parameter names the family accepts and what each means (the API, the unknown-key message)."""
        return {**{p.name: p.help for p in self.parameters}, **self.extra_params}

    def compute(self, target, slots: list[Slot]) -> dict[tuple[int, int], Figure]:
        raise NotImplementedError

    def validate_params(self, params: dict) -> list[str]:
        """Problems with a target's parameters (unknown keys, values the declaration does not allow), as
        messages; empty when fine."""
        # English, machine-shaped: targets.engine.services.params_problem_text turns them into the interface language.
        unknown = sorted(set(params) - set(self.params_help))
        return [f"unknown parameter {key!r}" for key in unknown] + check_declared(params, self.parameters)


def check_declared(params: dict, declared) -> list[str]:
    """``params`` against the family's declarations: a value among the choices, a list of them, a whole
    number of at least 1, true or false, a text; required ones present; none given where it does not
    apply (``when``)."""
    problems = []
    defaults = {p.name: p.default for p in declared}
    for p in declared:
        applies = p.applies(params, defaults)
        if p.name not in params:
            if p.required and applies:
                problems.append(f"{p.name} is required")
            continue
        value = params[p.name]
        if not applies:
            problems.append(f"{p.name!r} does not apply with " + ", ".join(
                f"{key} {params.get(key, defaults.get(key))}" for key in p.when))
            continue
        allowed = [v for v, _label in p.options()] if p.kind in (CHOICE, CODES) else []
        if p.kind == CHOICE:
            if value not in allowed and not (value == "" and not p.required):
                problems.append(f"{p.name} must be one of {allowed}, not {value!r}")
        elif p.kind == CODES:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                problems.append(f"{p.name} must be a list of codes, not {value!r}")
            elif p.required and not value:
                problems.append(f"{p.name} must name at least one code")
            elif unknown := [v for v in value if v not in allowed]:
                problems.append(f"unknown {p.name} {unknown}")
        elif p.kind == COUNT:
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                problems.append(f"{p.name} must be a whole number of at least 1, not {value!r}")
            elif p.maximum is not None and value > p.maximum:
                problems.append(f"{p.name} must be at most {p.maximum}, not {value!r}")
        elif p.kind == FLAG:
            if not isinstance(value, bool):
                problems.append(f"{p.name} must be true or false, not {value!r}")
        elif p.kind == TEXT and not isinstance(value, (str, int)):
            problems.append(f"{p.name} must be a text, not {value!r}")
    return problems


def rating_level_codes(codes) -> set[str]:
    """The codes among ``codes`` that are levels of some rating scheme."""
    from members.ratings.models import RatingLevel

    return set(RatingLevel.objects.filter(code__in=list(codes)).values_list("code", flat=True))


def rating_level_choices(subject: str | None = None) -> list[tuple[str, str]]:
    """Every level code of the rating schemes (of one ``subject`` kind, or all), best first, each with the
    name it had in its latest scheme: the choices of a ``levels`` parameter."""
    from members.ratings.models import RatingLevel

    levels = RatingLevel.objects.select_related("scheme").order_by("-scheme__valid_from_year", "rank")
    if subject:
        levels = levels.filter(scheme__subject=subject)
    seen: dict[str, str] = {}
    for level in levels:
        seen.setdefault(level.code, f"{level.code} — {level.name}")
    return list(seen.items())
