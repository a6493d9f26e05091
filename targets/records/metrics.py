"""Families read from the records organizations supply themselves: MODEL (registered models and exemplars),
DOC (required documents adopted), REP (reported figures) and DUE (periodic reports submitted on time).

These records are yearly, so the population of every measure is taken on the slot's rating day
(``sx.rating_d``, 15 December, or the period's end if earlier): the organizations placed under the scope's
path that day. An organization dissolved during the year is therefore not in the population, and one moved
between subtrees counts where it stood at the year's end. Every ``compute`` answers all slots with one SQL
statement."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.register.population import members_of_cell_on
from organizations.choices import CELL_KINDS, TCCSD_KINDS
from organizations.population import above_on, under_during, under_on
from organizations.slots import large_subtree
from targets.engine.choices import Family
from targets.engine.metrics.base import (
    COUNT,
    SLOTS_CTE,
    Figure,
    Metric,
    Param,
    by_slot,
    fetch,
    register,
    slot_params,
)
from targets.records.choices import ModelKind, Reporters

_TCCSD = sorted(str(k) for k in TCCSD_KINDS)
_CELLS = sorted(str(k) for k in CELL_KINDS)

# Organizations of the given kinds placed under each slot's scope on the rating day.
_POPULATION = """
, pop AS MATERIALIZED (
    SELECT sx.scope_id, sx.year, sx.start_d, sx.rating_d, p.organization_id
      FROM sx
      JOIN """ + under_on("p", "sx.scope_id", "sx.rating_d") + """
     WHERE p.kind = ANY(%(pop_kinds)s)
)"""


def _records_choices(model_name: str) -> list[tuple[str, str]]:
    """The codes of a kind of record definition (reported indicators, periodic reports), with their names."""
    from targets.records import models

    return list(getattr(models, model_name).objects.order_by("code").values_list("code", "name"))


def _share(row) -> Figure:
    if row is None:
        return Figure(numerator=0, denominator=0)
    population, hits = row
    return Figure(numerator=hits, denominator=population)


@register
class RegisteredModels(Metric):
    """Share of cells (``subject`` cells) or grassroots organizations (``subject`` tccsd) having at least
    ``min_count`` registered models of ``kind`` in the year. For a grassroots organization the models of
    the organizations placed under it during the year (its cells) count too: a đảng bộ cơ sở builds its
    models through its chi bộ."""

    family = Family.MODEL
    reads = frozenset({"registered_model", "organization"})
    parameters = (
        Param("subject", _("organizations counted"), choices=(
            ("cells", _("party cells (chi bộ cơ sở and chi bộ trực thuộc)")),
            ("tccsd", _("grassroots party organizations (TCCSĐ)"))), default="cells",
            help="cells (chi bộ cơ sở and chi bộ trực thuộc) | tccsd (grassroots organizations)"),
        Param("kind", _("kind of model (empty for any)"), choices=ModelKind.choices, default="",
              help="ho_chi_minh | dan_van_kheo | exemplar (empty: any kind)"),
        Param("min_count", _("models an organization needs"), COUNT, default=1,
              help="how many models an organization needs (default 1)"),
    )

    def compute(self, target, slots):
        subject = target.params.get("subject", "cells")
        if subject not in ("cells", "tccsd"):
            raise ValueError(f"unknown subject {subject!r}")
        if subject == "tccsd":
            # The models of the organization and of every organization placed under it at some time during
            # the year (a sub cell dissolved or moved away in July still built its model in the TCCSĐ),
            # matched on the placements of both at the same dates, so a TCCSĐ moved during the year keeps
            # the models of its cells from before the move.
            models = """(SELECT count(DISTINCT m.id)
                           FROM (SELECT 1) AS one
                           JOIN """ + under_during("q", "pop.organization_id", "pop.year_span") + """
                           JOIN targets_registeredmodel m ON m.organization_id = q.organization_id
                          WHERE m.year = pop.year AND (%(kind)s = '' OR m.kind = %(kind)s))"""
        else:
            models = """(SELECT count(*) FROM targets_registeredmodel m
                          WHERE m.organization_id = pop.organization_id AND m.year = pop.year
                            AND (%(kind)s = '' OR m.kind = %(kind)s))"""
        sql = "WITH " + SLOTS_CTE + _POPULATION + f"""
            , counted AS (
                SELECT pop.scope_id, pop.year, {models} AS models
                  FROM (SELECT pop.*, daterange(make_date(pop.year, 1, 1), make_date(pop.year, 12, 31), '[]')
                               AS year_span FROM pop) pop
            )
            SELECT scope_id, year, count(*), count(*) FILTER (WHERE models >= %(min_count)s)
              FROM counted GROUP BY 1, 2"""
        params = slot_params(slots, pop_kinds=_TCCSD if subject == "tccsd" else _CELLS,
                             kind=target.params.get("kind", "") or "",
                             min_count=int(target.params.get("min_count", 1)))
        rows = by_slot(fetch(sql, params))
        return {slot.key: _share(rows.get(slot.key)) for slot in slots}


@register
class AdoptedDocuments(Metric):
    """Share of cells that adopted every required document of a ``cadence``: the yearly documents in the
    slot's year, or the term documents in any year of the period so far (from the term's first year to the
    slot's year, so a cell that adopted them at the start of the term counts in every later year)."""

    family = Family.DOC
    reads = frozenset({"document_adoption", "organization"})
    parameters = (Param("cadence", _("documents required"), choices=(
        ("term", _("start-of-term documents")), ("year", _("yearly documents"))), default="year",
        help="term (start-of-term documents) | year (yearly documents)"),)

    def compute(self, target, slots):
        cadence = target.params.get("cadence", "year")
        if cadence not in ("term", "year"):
            raise ValueError(f"unknown cadence {cadence!r}")
        first_year = ("extract(year FROM pop.start_d)::int" if cadence == "term" else "pop.year")
        sql = "WITH " + SLOTS_CTE + _POPULATION + f"""
            SELECT pop.scope_id, pop.year, count(*),
                   count(*) FILTER (WHERE NOT EXISTS (
                       SELECT 1 FROM targets_requireddocument d
                        WHERE d.cadence = %(cadence)s
                          AND NOT EXISTS (
                              SELECT 1 FROM targets_documentadoption a
                               WHERE a.organization_id = pop.organization_id AND a.document_id = d.id
                                 AND a.year BETWEEN {first_year} AND pop.year)))
              FROM pop GROUP BY 1, 2"""
        rows = by_slot(fetch(sql, slot_params(slots, pop_kinds=_CELLS, cadence=cadence)))
        return {slot.key: _share(rows.get(slot.key)) for slot in slots}


@register
class ReportedFigures(Metric):
    """A figure organizations report (``indicator``). Reported by each grassroots organization: the sums of
    the numerators and of the denominators of the grassroots organizations placed under the scope (the
    scope itself when it is one), with those that have not reported listed as missing. Reported by the
    resolution's organization (``reporters`` scope): that organization's own figure; for the organizations
    drilled down to under it, their own figure if they happen to have one. A member share (the indicator's
    ``denominator_source`` register_members) takes its whole from the register, never the typed-in total."""

    family = Family.REP
    # organization_rating: a target with a rated part (LD-4f) reads the leadership collectives' ratings too.
    reads = frozenset({"reported_figure", "organization", "organization_rating"})
    parameters = (Param("indicator", _("reported indicator"), choices=lambda: _records_choices("ReportIndicator"),
                        required=True, help="code of a reported indicator (ReportIndicator), e.g. members_studied"),)
    extra_params = {"rated": "a part the ratings give (the parameters of an R-org measure, e.g. {\"subject\": "
                             "\"grassroots_committees\", \"rating\": \"leadership\", \"levels\": [\"HTXS\", "
                             "\"HTT\"]}): added to the reported figure and shown beside it (LD-4f)"}

    def validate_params(self, params: dict) -> list[str]:
        from targets.engine.metrics import REGISTRY

        problems = super().validate_params(params)
        if "rated" in params:
            if not isinstance(params["rated"], dict):
                problems.append(f"rated must be the parameters of an R-org measure, not {params['rated']!r}")
            else:
                problems += [f"rated: {p}" for p in REGISTRY[Family.R_ORG].validate_params(params["rated"])]
        return problems

    def compute(self, target, slots):
        figures = self._reported(target, slots)
        rated = (target.params or {}).get("rated")
        if not rated:
            return figures
        return _with_rated_part(figures, rated, slots)

    def _reported(self, target, slots):
        from targets.records.models import ReportIndicator

        code = target.params.get("indicator", "")
        indicator = ReportIndicator.objects.filter(code=code).first()
        if indicator is None:
            raise ValueError(f"unknown reported indicator {code!r}")
        count = indicator.is_count
        if indicator.reporters == Reporters.SCOPE:
            sql = "WITH " + SLOTS_CTE + """
                SELECT sx.scope_id, sx.year, f.numerator, f.denominator
                  FROM sx LEFT JOIN targets_reportedfigure f
                    ON f.organization_id = sx.scope_id AND f.year = sx.year AND f.indicator_id = %(indicator)s"""
            rows = by_slot(fetch(sql, slot_params(slots, indicator=indicator.pk)))
            figures = {}
            # Only the resolution's organization owes this figure: the organizations under it get no row
            # (the engine leaves out slots a metric does not answer, except the resolution's own).
            for key, (numerator, denominator) in rows.items():
                if numerator is None and key[0] != target.resolution.scope_id:
                    continue
                if numerator is None:
                    figures[key] = Figure(numerator=0, denominator=None if count else 0, missing=[("unreported", 1)])
                else:
                    figures[key] = Figure(numerator=numerator, denominator=None if count else denominator)
            return figures
        if indicator.whole_from_register:
            # A member share's whole is the register's (issue 17): the members of each grassroots organization
            # on the rating day, counted once per cell and rolled up to the organizations above it, summed
            # over the slot's population whether or not they have reported.
            sql = "WITH " + SLOTS_CTE + _POPULATION + """
                , cells AS MATERIALIZED (
                    SELECT DISTINCT pop.year, pop.rating_d, c.organization_id AS cell_id
                      FROM pop JOIN """ + under_on("c", "pop.organization_id", "pop.rating_d") + """
                     WHERE c.kind = ANY(%(cell_kinds)s)
                ), per_cell AS MATERIALIZED (
                    SELECT cells.year, cells.rating_d, cells.cell_id, count(*) AS members
                      FROM cells JOIN """ + members_of_cell_on("mp", "cells.cell_id", "cells.rating_d") + """
                     GROUP BY 1, 2, 3
                ), whole AS MATERIALIZED (
                    SELECT a.ancestor_id AS organization_id, pc.year, sum(pc.members)::int AS members
                      FROM per_cell pc JOIN """ + above_on("a", "pc.cell_id", "pc.rating_d") + """
                     GROUP BY 1, 2
                )
                SELECT pop.scope_id, pop.year, count(*), count(f.id), coalesce(sum(f.numerator), 0),
                       coalesce(sum(w.members), 0)
                  FROM pop LEFT JOIN targets_reportedfigure f
                    ON f.organization_id = pop.organization_id AND f.year = pop.year AND f.indicator_id = %(indicator)s
                  LEFT JOIN whole w ON w.organization_id = pop.organization_id AND w.year = pop.year
                 GROUP BY 1, 2"""
        else:
            sql = "WITH " + SLOTS_CTE + _POPULATION + """
                SELECT pop.scope_id, pop.year, count(*), count(f.id), coalesce(sum(f.numerator), 0),
                       coalesce(sum(f.denominator), 0)
                  FROM pop LEFT JOIN targets_reportedfigure f
                    ON f.organization_id = pop.organization_id AND f.year = pop.year AND f.indicator_id = %(indicator)s
                 GROUP BY 1, 2"""
        # The register's whole counts every member of the subtree once per cell: hashed for a large scope
        # (measured at the capital tier: 90 s a target with nested loops, docs/PERFORMANCE.md); a small one's
        # index probes read only its own members, whatever else the tables hold.
        rows = by_slot(fetch(sql, slot_params(slots, pop_kinds=_TCCSD, indicator=indicator.pk, cell_kinds=_CELLS),
                             hash_joins=indicator.whole_from_register and large_subtree(slots)))
        figures = {}
        # A slot without any grassroots organization under it has no row: the engine shows it as having
        # nothing to measure (rather than a count of 0 that "none (count 0)" would judge as met).
        for key, (population, reported, numerator, denominator) in rows.items():
            missing = [("unreported", population - reported)] if reported < population else []
            figures[key] = Figure(numerator=int(numerator), denominator=None if count else int(denominator),
                                  missing=missing, details={"organizations": population, "reported": reported})
        return figures


def _with_rated_part(figures: dict, rated: dict, slots) -> dict:
    """The reported figure plus the part the ratings give (LD-4f: the party's leadership collectives, from their
    decided ratings; the State agencies' collectives, which the register does not hold, as reported), each
    part kept in ``details["parts"]`` so pages and reports show them apart. The rated part is the R-org
    family's own figure for the same slots."""
    from types import SimpleNamespace

    from targets.engine.metrics import REGISTRY

    party = REGISTRY[Family.R_ORG].compute(SimpleNamespace(params=rated), slots)
    combined = {}
    for slot in slots:
        state, own = figures.get(slot.key), party.get(slot.key)
        if state is None and own is None:
            continue
        state = state or Figure(numerator=0, denominator=0)
        own = own or Figure(numerator=0, denominator=0)
        combined[slot.key] = Figure(
            numerator=int(state.numerator) + int(own.numerator),
            denominator=int(state.denominator or 0) + int(own.denominator or 0),
            missing=[*own.missing, *state.missing],
            details={**(state.details or {}), "parts": {
                "party": [int(own.numerator), int(own.denominator or 0)],
                "state": [int(state.numerator), int(state.denominator or 0)]}})
    return combined


@register
class ReportsOnTime(Metric):
    """Share of the periodic reports (``report``) due so far that the grassroots organizations under the
    scope submitted by their due date: numerator the (organization, period) pairs submitted on or before
    the due date, denominator every (organization, period) pair whose due date has passed (today included)
    and fell on or after the organization's founding. A late submission does not count; a year in which
    nothing is due yet has denominator 0 (nothing to judge)."""

    family = Family.DUE
    reads = frozenset({"report_submission", "organization"})
    parameters = (Param("report", _("periodic report"), choices=lambda: _records_choices("PeriodicReport"),
                        required=True, help="code of a periodic report, e.g. degradation-quarterly"),)

    def compute(self, target, slots):
        from targets.records.models import PeriodicReport

        code = target.params.get("report", "")
        report = PeriodicReport.objects.filter(code=code).first()
        if report is None:
            raise ValueError(f"unknown periodic report {code!r}")
        today = timezone.localdate()
        # The due dates come from the model (PeriodicReport.due_date), passed as one more unnested relation.
        due = [(year, quarter, report.due_date(year, quarter)) for year in sorted({s.year for s in slots})
               for quarter in report.periods()]
        due = [d for d in due if d[2] <= today]
        sql = "WITH " + SLOTS_CTE + _POPULATION + """
            , due AS (SELECT * FROM unnest(%(due_years)s::int[], %(due_quarters)s::int[], %(due_dates)s::date[])
                                 AS d(year, quarter, due_d))
            SELECT pop.scope_id, pop.year, count(d.quarter),
                   count(s.id) FILTER (WHERE s.submitted_on <= d.due_d),
                   count(s.id) FILTER (WHERE s.submitted_on > d.due_d)
              FROM pop
              JOIN organizations_organization o ON o.id = pop.organization_id
              JOIN organizations_organization sc ON sc.id = pop.scope_id
              -- What fell due while both the organization and the scope existed (a bloc dissolved on 01/07
              -- still owed its Q1 and Q2 reports).
              LEFT JOIN due d ON d.year = pop.year AND d.due_d >= o.founded_on
               AND (sc.dissolved_on IS NULL OR d.due_d < sc.dissolved_on)
              LEFT JOIN targets_reportsubmission s
                ON s.report_id = %(report)s AND s.organization_id = pop.organization_id AND s.year = d.year
               AND s.quarter = d.quarter
             GROUP BY 1, 2"""
        params = slot_params(slots, pop_kinds=_TCCSD, report=report.pk, due_years=[d[0] for d in due],
                             due_quarters=[d[1] for d in due], due_dates=[d[2] for d in due])
        rows = by_slot(fetch(sql, params))
        figures = {}
        for slot in slots:
            row = rows.get(slot.key)
            if row is None:
                figures[slot.key] = Figure(numerator=0, denominator=0)
                continue
            owed, on_time, late = row
            figures[slot.key] = Figure(numerator=on_time, denominator=owed, details={"late": late})
        return figures
