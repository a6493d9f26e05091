"""Families read from the annual ratings: R-org, R-mem, T-org, MASS, UNIT.

The population of every rating measure is taken on the rating day of the year (``Slot.day``, set by ``target_slot``,
15 December): the organizations, members, mass organizations or units under the scope as the tree and
the register stood that day. So an organization dissolved mid-year is not in the denominator (it was
not rated), a member transferred between subtrees mid-year counts where the member was at the rating,
and those the rules do not rate (RULES §1: exempted or suspended members, members admitted and
organizations founded less than 6 months before) are left out of the denominator. Subjects in the
population without a decided rating are reported missing, so the figure is not judged until the
ratings are in."""

from __future__ import annotations

from functools import partial

from django.utils.translation import gettext_lazy as _

from members.ratings.choices import Recognition
from members.ratings.population import rated_member_sql, rated_organization_sql
from members.register.population import members_of_cell_on
from organizations.choices import OrgKind
from organizations.population import above_on, under_on
from organizations.slots import fetch_per_top
from targets.engine.choices import Family
from targets.engine.metrics.base import (
    CODES,
    SLOTS_CTE,
    Figure,
    Metric,
    Param,
    by_slot,
    fetch,
    rating_level_choices,
    register,
    slot_params,
)

# Which organizations a rating measure counts, by the ``subject`` parameter.
SUBJECT_KINDS = {
    "tccsd": [OrgKind.GRASSROOTS_COMMITTEE, OrgKind.GRASSROOTS_CELL],
    # chi bộ trực thuộc đảng ủy cơ sở và đảng ủy bộ phận (QT-1d/e/f)
    "sub_cells": [OrgKind.SUB_CELL],
    # tổ chức đảng trực thuộc đảng ủy cơ sở: sub cells and partial committees (KT-1b)
    "sub_orgs": [OrgKind.SUB_CELL, OrgKind.PARTIAL_COMMITTEE],
    # đảng ủy cơ sở: the TCCSĐ that have a leadership collective the committee above rates (LD-4f)
    "grassroots_committees": [OrgKind.GRASSROOTS_COMMITTEE],
    # every cell and committee below the upper level (TV-11: chi bộ / đảng bộ bốn tốt)
    "cells_and_committees": [OrgKind.GRASSROOTS_COMMITTEE, OrgKind.GRASSROOTS_CELL, OrgKind.PARTIAL_COMMITTEE,
                             OrgKind.SUB_CELL],
}


SUBJECT_CHOICES = (
    ("tccsd", _("grassroots party organizations (TCCSĐ)")),
    ("sub_cells", _("party cells under a grassroots committee (chi bộ trực thuộc)")),
    ("sub_orgs", _("party organizations under a grassroots committee")),
    ("grassroots_committees", _("grassroots party committees (đảng bộ cơ sở)")),
    ("cells_and_committees", _("every party cell and committee")),
    ("self", _("the resolution's own organization")),
)
SUBJECT = Param("subject", _("organizations counted"), choices=SUBJECT_CHOICES, default="tccsd",
                help="tccsd | grassroots_committees | sub_cells | sub_orgs | cells_and_committees | self")
MASS_LEVELS = (("grassroots", _("grassroots")), ("upper", _("upper level")))
ORGANIZATION_LEVELS = partial(rating_level_choices, "organization")


def subject_filter(subject: str) -> tuple[str, dict]:
    """SQL condition on placement ``p`` (within ``sx``) selecting the subject organizations."""
    if subject == "self":
        return "p.organization_id = sx.scope_id", {}
    if subject not in SUBJECT_KINDS:
        raise ValueError(f"unknown subject {subject!r}")
    return "p.kind = ANY(%(subject_kinds)s)", {"subject_kinds": [str(k) for k in SUBJECT_KINDS[subject]]}


# Organizations of the subject under each slot's scope on the rating day, without those founded less
# than 6 months before it (not rated, RULES §1).
_ORG_POPULATION = """
, pop AS MATERIALIZED (
    SELECT sx.scope_id, sx.year, p.organization_id, o.host_unit_id
      FROM sx
      JOIN """ + under_on("p", "sx.scope_id", "sx.rating_d") + """
      JOIN organizations_organization o ON o.id = p.organization_id
     WHERE {subject} AND """ + rated_organization_sql("o", "sx.rating_d") + """
)"""


class OrganizationRatingShare(Metric):
    """Share (or count) of organizations whose decided rating of ``kind`` is one of ``levels``."""

    rating_kind = "party_org"
    parameters = (
        SUBJECT,
        Param("levels", _("rating levels that count"), CODES, ORGANIZATION_LEVELS, required=True,
              help="rating level codes that count, e.g. [\"HTXS\", \"HTT\", \"TSVM\"]"),
        Param("rating", _("rating of"), choices=(("party_org", _("the organization")),
                                                 ("leadership", _("its leadership collective"))),
              default="party_org",
              help="party_org (default: the organization) | leadership (its leadership collective: LD-4e, LD-4f)"),
    )

    def compute(self, target, slots):
        subject_sql, extra = subject_filter(target.params.get("subject", "tccsd"))
        sql = "WITH " + SLOTS_CTE + _ORG_POPULATION.format(subject=subject_sql) + """
            SELECT pop.scope_id, pop.year, count(*) AS population, count(r.id) AS rated,
                   count(r.id) FILTER (WHERE l.code = ANY(%(levels)s)) AS hits
              FROM pop
              LEFT JOIN members_organizationrating r
                ON r.organization_id = pop.organization_id AND r.year = pop.year AND r.kind = %(kind)s
               AND r.status = 'decided'
              LEFT JOIN members_ratinglevel l ON l.id = r.decided_level_id
             GROUP BY 1, 2"""
        rows = by_slot(fetch(sql, slot_params(slots, levels=list(target.params.get("levels", [])),
                                              kind=target.params.get("rating", self.rating_kind), **extra)))
        return {slot.key: _share(rows.get(slot.key), "unrated_organizations") for slot in slots}


def _share(row, missing_code: str) -> Figure:
    if row is None:
        return Figure(numerator=0, denominator=0)
    population, rated, hits = row
    missing = [(missing_code, population - rated)] if population > rated else []
    return Figure(numerator=hits, denominator=population, missing=missing, details={"rated": rated})


@register
class OrganizationRatings(OrganizationRatingShare):
    family = Family.R_ORG
    reads = frozenset({"organization_rating", "organization"})


@register
class MemberRatings(Metric):
    """Share of members whose decided rating of the year is one of ``levels``, among the members the rules
    rate (on the rating day: not exempted, not suspended, admitted at least 6 months before)."""

    family = Family.R_MEM
    reads = frozenset({"member_rating", "membership", "organization"})
    parameters = (Param("levels", _("rating levels that count"), CODES, partial(rating_level_choices, "member"),
                        required=True, help="rating level codes that count, e.g. [\"HTXS\", \"HTT\"]"),)

    # Counted once per cell on the rating day (a member is in one cell on a day), then rolled up to every
    # organization above the cell: one row per cell rather than one per member and level. Run once per top
    # slot with its scope, year and day as constants (``fetch_per_top``): the planner then hashes the year's
    # ratings and memberships in parallel, as the floor does.
    SQL = """
        WITH per_cell AS (
            SELECT cells.cell_id, count(*) AS population, count(r.id) AS rated,
                   count(r.id) FILTER (WHERE l.code = ANY(%(levels)s)) AS hits
              FROM (SELECT DISTINCT c.organization_id AS cell_id FROM (SELECT 1) AS one
                      JOIN """ + under_on("c", "%(scope)s", "%(day)s") + """
                     WHERE c.kind = ANY(%(cell_kinds)s)) cells
              JOIN """ + members_of_cell_on("mp", "cells.cell_id", "%(day)s") + """
              JOIN members_member m ON m.id = mp.member_id
              LEFT JOIN members_memberrating r ON r.member_id = m.id AND r.year = %(year)s AND r.status = 'decided'
              LEFT JOIN members_ratinglevel l ON l.id = r.decided_level_id
             WHERE """ + rated_member_sql("m", "%(day)s") + """
             GROUP BY 1
        )
        SELECT a.ancestor_id, sum(pc.population)::int, sum(pc.rated)::int, sum(pc.hits)::int
          FROM per_cell pc
          JOIN """ + above_on("a", "pc.cell_id", "%(day)s") + """
         WHERE a.ancestor_id = ANY(%(scope_ids)s::bigint[])
         GROUP BY 1"""

    def compute(self, target, slots):
        from organizations.choices import CELL_KINDS

        # Only the slots' own rows come back: a constant array is matched through a hash, and the roll-up's
        # other rows (every organization above a counted cell) are not sent. A day's rows are keyed with it.
        rows = {(a, y, d): rest for y, d, a, *rest in fetch_per_top(self.SQL, slots, {
            "levels": list(target.params.get("levels", [])), "cell_kinds": [str(k) for k in CELL_KINDS],
            "scope_ids": sorted({s.scope_id for s in slots})})}
        return {slot.key: _share(rows.get((slot.scope_id, slot.year, slot.day)), "unrated_members") for slot in slots}


@register
class OrganizationTitles(Metric):
    """Share of organizations holding one of ``titles`` (recognitions) for the year. A title is given with
    the year's ratings, so organizations of the population without a decided rating are missing."""

    family = Family.T_ORG
    reads = frozenset({"organization_rating", "organization"})
    parameters = (
        SUBJECT,
        Param("titles", _("titles that count"), CODES, Recognition.choices, required=True,
              help="recognition codes, e.g. [\"tsvm\", \"tsvm_typical\"]"),
        Param("levels", _("rating levels that were the title before 2018"), CODES, ORGANIZATION_LEVELS,
              help="rating levels that were the title before 2018 (\"TSVM\" was a level of the 2014 scheme)"),
    )

    def compute(self, target, slots):
        subject_sql, extra = subject_filter(target.params.get("subject", "tccsd"))
        sql = "WITH " + SLOTS_CTE + _ORG_POPULATION.format(subject=subject_sql) + """
            SELECT pop.scope_id, pop.year, count(*) AS population,
                   count(*) FILTER (WHERE EXISTS (
                       SELECT 1 FROM members_organizationrating r WHERE r.organization_id = pop.organization_id
                          AND r.year = pop.year AND r.kind = 'party_org' AND r.status = 'decided')) AS rated,
                   count(*) FILTER (WHERE EXISTS (
                       SELECT 1 FROM members_recognitionaward a WHERE a.organization_id = pop.organization_id
                          AND a.year = pop.year AND a.title = ANY(%(titles)s))
                       OR EXISTS (
                       SELECT 1 FROM members_organizationrating r
                         JOIN members_ratinglevel l ON l.id = r.decided_level_id
                        WHERE r.organization_id = pop.organization_id AND r.year = pop.year AND r.kind = 'party_org'
                          AND r.status = 'decided' AND l.code = ANY(%(levels)s))) AS hits
              FROM pop GROUP BY 1, 2"""
        rows = by_slot(fetch(sql, slot_params(slots, titles=list(target.params.get("titles", [])),
                                              levels=list(target.params.get("levels", [])), **extra)))
        return {slot.key: _share(rows.get(slot.key), "unrated_organizations") for slot in slots}


@register
class MassOrganizationRatings(Metric):
    """Share of active mass organizations of a ``level`` (grassroots / upper) attached to a party
    organization under the scope whose decided rating is one of ``levels``."""

    family = Family.MASS
    reads = frozenset({"mass_organization_rating", "organization"})
    parameters = (
        Param("level", _("level of the mass organization"), choices=MASS_LEVELS, default="",
              help="grassroots | upper (of the mass organization); empty for both"),
        Param("levels", _("rating levels that count"), CODES, ORGANIZATION_LEVELS, required=True,
              help="rating level codes that count"),
    )

    SQL = "WITH " + SLOTS_CTE + """
        , pop AS MATERIALIZED (
            SELECT sx.scope_id, sx.year, mo.id AS mass_id
              FROM sx
              JOIN """ + under_on("p", "sx.scope_id", "sx.rating_d") + """
              JOIN organizations_massorganization mo ON mo.organization_id = p.organization_id
             WHERE (%(level)s = '' OR mo.level = %(level)s)
               -- A mass organization has no dated history, only today's "active": one wound up since still
               -- counts in the years it was rated.
               AND (mo.active OR EXISTS (SELECT 1 FROM members_organizationrating r0
                                          WHERE r0.mass_organization_id = mo.id AND r0.year = sx.year
                                            AND r0.status = 'decided'))
        )
        SELECT pop.scope_id, pop.year, count(*), count(r.id), count(r.id) FILTER (WHERE l.code = ANY(%(levels)s))
          FROM pop
          LEFT JOIN members_organizationrating r ON r.mass_organization_id = pop.mass_id AND r.year = pop.year
           AND r.kind = 'mass_org' AND r.status = 'decided'
          LEFT JOIN members_ratinglevel l ON l.id = r.decided_level_id
         GROUP BY 1, 2"""

    def compute(self, target, slots):
        rows = by_slot(fetch(self.SQL, slot_params(slots, level=target.params.get("level", ""),
                                                   levels=list(target.params.get("levels", [])))))
        return {slot.key: _share(rows.get(slot.key), "unrated_mass_organizations") for slot in slots}


@register
class UnitAssessments(Metric):
    """Share of the host units of the grassroots organizations under the scope whose decided unit rating
    is one of ``levels``, or (with ``flags``) whose assessment records every listed standard as met
    (fulfilled_plan; security_safe; cultural_standard)."""

    family = Family.UNIT
    reads = frozenset({"unit_assessment", "organization"})
    FLAGS = ("fulfilled_plan", "security_safe", "cultural_standard")
    parameters = (
        Param("levels", _("rating levels that count"), CODES, ORGANIZATION_LEVELS,
              help="rating level codes that count (or use flags)"),
        Param("flags", _("standards that must all be met (instead of levels)"), CODES, (
            ("fulfilled_plan", _("fulfilled the plan")), ("security_safe", _("security and safety kept")),
            ("cultural_standard", _("cultural standard"))),
            help="standards that must all be met: fulfilled_plan, security_safe, cultural_standard"),
    )

    def validate_params(self, params: dict) -> list[str]:
        problems = super().validate_params(params)
        if not params.get("flags") and not params.get("levels"):
            problems.append("levels is required (or flags)")
        return problems

    def compute(self, target, slots):
        flags = list(target.params.get("flags", []))
        if any(f not in self.FLAGS for f in flags):
            raise ValueError(f"unknown unit standard in {flags}")
        if flags:
            hit = " AND ".join(f"r.{f} IS TRUE" for f in flags)
        else:
            hit = "l.code = ANY(%(levels)s)"
        subject_sql, extra = subject_filter("tccsd")
        sql = "WITH " + SLOTS_CTE + _ORG_POPULATION.format(subject=subject_sql) + f"""
            , units AS (SELECT DISTINCT scope_id, year, host_unit_id FROM pop WHERE host_unit_id IS NOT NULL)
            SELECT u.scope_id, u.year, count(*), count(r.id), count(r.id) FILTER (WHERE {hit})
              FROM units u
              LEFT JOIN members_organizationrating r ON r.host_unit_id = u.host_unit_id AND r.year = u.year
               AND r.kind = 'unit' AND r.status = 'decided'
              LEFT JOIN members_ratinglevel l ON l.id = r.decided_level_id
             GROUP BY 1, 2"""
        rows = by_slot(fetch(sql, slot_params(slots, levels=list(target.params.get("levels", [])), **extra)))
        return {slot.key: _share(rows.get(slot.key), "unassessed_units") for slot in slots}
