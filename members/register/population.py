"""The register's population vocabulary: the only place that says, in SQL, "the members of X on day D" and
"the members of X during [start, end]", over the tree's vocabulary (``organizations.population``).

A member belongs to exactly one cell on a day (the membership periods of a member never overlap), so
measures over members count once per cell and roll the per-cell counts up to the organizations above
(``organizations.population.above_on``): one row per cell and level instead of one per member and level.
The fragments are SQL text with the caller's own aliases and expressions, spliced into set-based
statements; each names the columns it gives."""

from __future__ import annotations

from organizations.population import during, under_during, under_on

MEMBERSHIP = "members_membershipperiod"


def members_of_cell_on(alias: str, cell: str, day: str) -> str:
    """``JOIN {members_of_cell_on(...)}``: membership periods ``alias`` of the members of cell ``cell`` on
    ``day`` (``alias.member_id``)."""
    return f"{MEMBERSHIP} {alias} ON {alias}.cell_id = ({cell})::bigint AND {alias}.valid @> ({day})::date"


def members_of_cell_during(alias: str, cell: str, span: str) -> str:
    """``JOIN {members_of_cell_during(...)}``: membership periods ``alias`` that overlap ``span`` in cell
    ``cell`` (several per member when the member left and came back)."""
    return (f"{MEMBERSHIP} {alias} ON {alias}.cell_id = ({cell})::bigint AND {alias}.valid && ({span}) "
            f"AND NOT isempty({alias}.valid * ({span}))")


def member_ids_under_on_sql(organization: str, day: str) -> str:
    """SELECT of the ids of the members of organization ``organization``'s subtree on ``day`` (as the tree
    and the register stood that day), one row each."""
    return (f"SELECT mp.member_id FROM (SELECT 1) AS one JOIN {under_on('c', organization, day)} "
            f"JOIN {members_of_cell_on('mp', 'c.organization_id', day)}")


def member_ids_under_during_sql(organization: str, span: str) -> str:
    """SELECT of the ids of the members who belonged, on at least one day of ``span``, to a cell that lay in
    ``organization``'s subtree that same day (a member may appear more than once)."""
    part = during("c", span)
    return (f"SELECT mp.member_id FROM (SELECT 1) AS one JOIN {under_during('c', organization, span)} "
            f"JOIN {members_of_cell_during('mp', 'c.organization_id', part)}")


def member_counts_on(pairs) -> dict[tuple[int, object], int]:
    """The number of members of each organization's subtree on a day, for many (organization id, day)
    pairs in one statement: {(organization id, day): count}, 0 where the register holds nobody. The
    register's answer to "Tổng số đảng viên" (a member share's denominator, targets.records)."""
    from django.db import connection

    pairs = sorted(set(pairs))
    if not pairs:
        return {}
    sql = ("SELECT q.org_id, q.day, count(mp.member_id) FROM unnest(%s::int[], %s::date[]) AS q(org_id, day) "
           f"LEFT JOIN {under_on('c', 'q.org_id', 'q.day')} "
           f"LEFT JOIN {members_of_cell_on('mp', 'c.organization_id', 'q.day')} GROUP BY 1, 2")
    with connection.cursor() as cur:
        cur.execute(sql, [[p[0] for p in pairs], [p[1] for p in pairs]])
        return {(org_id, day): n for org_id, day, n in cur.fetchall()}
