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

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from members.admissions.choices import ADMISSION_ATTRIBUTES
from members.admissions.queries import ATTRIBUTE_SQL, admission_counts, organizations_founded
from organizations.choices import Sector
from targets.engine.choices import Family
from targets.engine.metrics.base import CODES, FLAG, Figure, Metric, Param, register

ADMISSIONS = "admissions"
ORGANIZATIONS_FOUNDED = "organizations_founded"


@register
class Admissions(Metric):
    family = Family.ADM
    reads = frozenset({"admission", "organization"})
    parameters = (
        Param("measure", _("measure"), choices=((ADMISSIONS, _("admissions")),
                                               (ORGANIZATIONS_FOUNDED, _("party organizations founded"))),
              default=ADMISSIONS, help="admissions (default) | organizations_founded"),
        Param("attributes", _("candidates counted (any of these; none for every admission)"), CODES,
              [(key, label) for key, label in ADMISSION_ATTRIBUTES if key != "total"], default=[],
              when={"measure": (ADMISSIONS,)},
              help="admissions only: candidate attributes, any of which counts, e.g. [\"female\", \"khmer\"] "
                   "(keys: " + ", ".join(key for key in ATTRIBUTE_SQL if key != "total") + "); empty for all"),
        Param("share", _("as a percentage of all admissions of the period"), FLAG, default=False,
              when={"measure": (ADMISSIONS,)},
              help="admissions only: true for the percentage of all admissions of the period instead of a count"),
        Param("sector", _("host-unit sector"), choices=Sector.choices, default=Sector.PRIVATE_ENTERPRISE,
              when={"measure": (ORGANIZATIONS_FOUNDED,)},
              help="organizations_founded only: host-unit sector, default private_enterprise"),
    )

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
