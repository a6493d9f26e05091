"""Family INSP: coverage of inspection and supervision (LD-5a members, LD-5b chi bộ trực thuộc, LD-5c TCCSĐ
under Article 30 over the term).

The population is taken over the whole period (the calendar year, or from the term's first day to the
end of the year for a term target), not on one day, because an inspection of any day of the period
counts: everyone who was subject to being inspected at some day of it is in the denominator.

- ``subject: members``: distinct members who belonged, on some day of the period, to a cell placed under
  the scope that same day (the dated join of ``members.register.querysets.member_ids_under_sql``: the scope's
  placements clipped to the period, the placements under them, the membership periods overlapping
  those). So a member transferred between subtrees mid-year is in the denominator of both for that
  year. Numerator: those of them named as subjects of an inspection or supervision decided within the
  period (a member inspected twice counts once; an inspection of a cell does not count for its members).
- ``subject: sub_cells`` / ``tccsd``: distinct organizations of those kinds placed under the scope at some
  day of the period (the scope itself included when of such a kind), so one dissolved mid-year is still
  in that year's denominator; numerator: those named as subjects of an inspection decided in the period.

Optional ``article`` (charter article, e.g. "30") and ``activity`` (inspection | supervision) narrow the
inspections that count. The statements are ``inspections.coverage``'s (the records' own app), which the
coverage page asks for one slot, so the page and the targets apply one rule."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from inspections.choices import Activity
from inspections.coverage import member_coverage_counts, organization_coverage_counts
from targets.engine.choices import Family
from targets.engine.metrics.base import TEXT, Figure, Metric, Param, register
from targets.engine.metrics.ratings import SUBJECT_KINDS

MEMBERS = "members"
# The organization subjects and their kinds (the same meaning as in the rating families).
ORGANIZATION_SUBJECTS = {key: SUBJECT_KINDS[key] for key in ("sub_cells", "tccsd")}


@register
class InspectionCoverage(Metric):
    """Share of the members, chi bộ trực thuộc or TCCSĐ of the scope during the period that were named
    subjects of an inspection or supervision decided in the period."""

    family = Family.INSP
    reads = frozenset({"inspection", "membership", "organization"})
    parameters = (
        Param("subject", _("subjects covered"), choices=(
            (MEMBERS, _("party members")), ("sub_cells", _("party cells under a grassroots committee")),
            ("tccsd", _("grassroots party organizations (TCCSĐ)"))), required=True,
            help="members | sub_cells | tccsd"),
        Param("article", _("charter article (empty for any)"), TEXT,
              help="charter article the inspection was made under, e.g. \"30\"; empty for any"),
        Param("activity", _("activity (empty for both)"), choices=Activity.choices,
              help="inspection | supervision; empty for both"),
    )

    def compute(self, target, slots):
        params = target.params or {}
        filters = {"article": params.get("article"), "activity": params.get("activity")}
        subject = params["subject"]
        if subject == MEMBERS:
            counts = member_coverage_counts(slots, **filters)
        else:
            counts = {key: row[:2] for key, row in
                      organization_coverage_counts(slots, ORGANIZATION_SUBJECTS[subject], **filters).items()}
        figures = {}
        for slot in slots:
            # A slot with nobody to cover gets 0/0: the engine shows it as having no subjects, not as failed.
            population, covered = counts.get(slot.key, (0, 0))
            figures[slot.key] = Figure(numerator=covered, denominator=population)
        return figures
