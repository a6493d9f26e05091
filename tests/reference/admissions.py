"""REFERENCE COPY (issue 16): the metric SQL as it was before the ancestry table, kept only so
tests/test_reference_figures.py can compare every figure; delete with that test once the issue has landed."""
# ruff: noqa
"""Family ADM: admissions in a period (LD-7a/7b, KT-3, KH-5, TV-8a/8b) and party organizations founded in a
sector (KH-6).

The figures come from ``members.admissions.queries`` — the same statement the admissions board runs — so
the board and the targets cannot disagree. An admission counts in the period holding its ceremony date
(``admitted_on``) under the scope whose subtree held the admitting cell that day (the dated tree), for
all slots in one statement. The period is the calendar year, or from the term's first day to the end of
the year for a term target (KT-3: cumulative admissions of the term so far).

Parameters:
- ``measure: admissions`` (default) — ``attributes`` (keys of ``members.admissions.queries.ATTRIBUTE_SQL``)
  narrows the admissions to those with ANY of them (none = every admission); ``share: true`` gives the
  percentage of all admissions of the period instead of a count (numerator the matching admissions,
  denominator all of them).
- ``measure: organizations_founded`` — ``sector`` (a host-unit sector, default non-state enterprises):
  party organizations founded in the period in host units of that sector, under the scope on the
  founding day.

A count is a plain number: a slot without admissions is 0 (judged like any other count), never missing."""


from tests.reference.admission_queries import ATTRIBUTE_SQL, admission_counts, organizations_founded
from organizations.choices import Sector
from targets.engine.choices import Family
from tests.reference.base import Figure, Metric, register

ADMISSIONS = "admissions"
ORGANIZATIONS_FOUNDED = "organizations_founded"
_ONLY_FOR = {"attributes": ADMISSIONS, "share": ADMISSIONS, "sector": ORGANIZATIONS_FOUNDED}


@register
class Admissions(Metric):
    family = Family.ADM
    reads = frozenset({"admission", "organization"})
    params_help = {
        "measure": "admissions (default) | organizations_founded",
        "attributes": "admissions only: candidate attributes, any of which counts, e.g. [\"female\", \"khmer\"] "
                      "(keys: " + ", ".join(key for key in ATTRIBUTE_SQL if key != "total") + "); empty for all",
        "share": "admissions only: true for the percentage of all admissions of the period instead of a count",
        "sector": "organizations_founded only: host-unit sector, default private_enterprise",
    }

    def validate_params(self, params: dict) -> list[str]:
        problems = super().validate_params(params)
        measure = params.get("measure", ADMISSIONS)
        if measure not in (ADMISSIONS, ORGANIZATIONS_FOUNDED):
            return [*problems, f"measure must be {ADMISSIONS} or {ORGANIZATIONS_FOUNDED}, not {measure!r}"]
        problems += [f"{key!r} does not apply to measure {measure}" for key, only in _ONLY_FOR.items()
                     if key in params and only != measure]
        attributes = params.get("attributes", [])
        if not isinstance(attributes, list) or any(a not in ATTRIBUTE_SQL for a in attributes):
            problems.append(f"attributes must be a list of {list(ATTRIBUTE_SQL)}, not {attributes!r}")
        if not isinstance(params.get("share", False), bool):
            problems.append(f"share must be true or false, not {params['share']!r}")
        if params.get("sector", Sector.PRIVATE_ENTERPRISE) not in Sector.values:
            problems.append(f"sector must be one of {Sector.values}, not {params['sector']!r}")
        return problems

    def compute(self, target, slots):
        params = target.params or {}
        periods = [(slot.scope_id, slot.year, slot.start, slot.end) for slot in slots]
        # Slots whose scope did not exist at any day of the period are left out: the engine shows them as
        # missing rather than as zero.
        if params.get("measure", ADMISSIONS) == ORGANIZATIONS_FOUNDED:
            founded = organizations_founded(periods, sector=params.get("sector", Sector.PRIVATE_ENTERPRISE))
            return {key: Figure(numerator=count, denominator=None) for key, count in founded.items()}
        counts = admission_counts(periods, matching=params.get("attributes", []))
        share = params.get("share", False)
        return {key: Figure(numerator=row["matching"], denominator=row["total"] if share else None)
                for key, row in counts.items()}
