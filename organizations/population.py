"""The tree's population vocabulary: the only place that says, in SQL, "the organizations under X on day D"
and "the organizations under X during [start, end]", and the reverse ("the organizations above Y").

Every metric family, drill-down, board, admission count, slot enumeration and affected-slot lookup builds
on these fragments, so one rule answers all of them. They read ``OrganizationAncestry`` (one row per
organization and ancestor, itself included, for the dates it stood there), so each test is an equality on
an indexed id plus a date-range test — never a prefix comparison between two paths, which no index
serves (docs/PERFORMANCE.md, "Why the metric SQL was 10–40× the floor"). Every id the caller passes is cast
to ``bigint``, the columns' type: the GiST indexes (btree_gist) have no cross-type operators, so an ``int``
slot id (``unnest(…::int[])``, a bare parameter) compared with them uses the index for the dates alone and
filters every row of the day by id — measured, 1,271 index rows read per probe on the bloc tier.

The fragments are SQL text with the caller's own aliases and expressions (columns, ``%(name)s``
parameters), because they are spliced into set-based statements that answer many slots at once. Each
returns a relation with the columns of ``OrganizationAncestry``: ``organization_id`` (the organization
under), ``ancestor_id``, ``kind`` and ``depth`` (the organization's kind and depth then), ``ancestor_depth``
and ``valid`` (the dates it stood under the ancestor)."""

from __future__ import annotations

from django.db.models.expressions import RawSQL

ANCESTRY = "organizations_organizationancestry"


def under_on(alias: str, ancestor: str, day: str) -> str:
    """``JOIN {under_on(...)}``: rows ``alias`` are the organizations under ``ancestor`` (itself included)
    as the tree stood on ``day``. One row per organization: placements never overlap."""
    return f"{ANCESTRY} {alias} ON {alias}.ancestor_id = ({ancestor})::bigint AND {alias}.valid @> ({day})::date"


def under_during(alias: str, ancestor: str, span: str) -> str:
    """``JOIN {under_during(...)}``: rows ``alias`` are the organizations under ``ancestor`` (itself
    included) on at least one day of the date range ``span``; ``during(alias, span)`` is the part of it
    they spent there. An organization may have several rows (it moved, or an ancestor was renamed)."""
    return f"{ANCESTRY} {alias} ON {alias}.ancestor_id = ({ancestor})::bigint AND {alias}.valid && ({span})"


def above_on(alias: str, organization: str, day: str) -> str:
    """``JOIN {above_on(...)}``: rows ``alias`` are the organizations ``organization`` stood under on
    ``day`` (itself included): ``alias.ancestor_id``. The roll-up of per-cell counts to the slots above."""
    return f"{ANCESTRY} {alias} ON {stood_under(alias, organization, day)}"


def stood_under(alias: str, organization: str, day: str) -> str:
    """The condition of ``above_on`` alone, on rows ``alias`` of ``ANCESTRY`` listed in a FROM: for a
    correlated ``NOT EXISTS`` whose outer references must sit in its WHERE (PostgreSQL turns it into an anti
    join only then; in a JOIN's ON clause it runs the subquery once per outer row)."""
    return f"{alias}.organization_id = ({organization})::bigint AND {alias}.valid @> ({day})::date"


def above_during(alias: str, organization: str, span: str) -> str:
    """``JOIN {above_during(...)}``: the organizations ``organization`` stood under on some day of ``span``."""
    return f"{ANCESTRY} {alias} ON {alias}.organization_id = ({organization})::bigint AND {alias}.valid && ({span})"


def during(alias: str, span: str) -> str:
    """The part of ``span`` the row ``alias`` of an ancestry join covers (a date range)."""
    return f"({alias}.valid * ({span}))"


def rebuild_ancestry() -> None:
    """Rebuild the whole ancestry table from the placements. The triggers keep it true on every write;
    this is for a database restored without them (and the tests that check the triggers)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT organizations_ancestry_rebuild(NULL)")


def is_under_on(organization: str, ancestor: str, day: str) -> str:
    """Condition: ``organization`` stood under ``ancestor`` (or is it) on ``day``."""
    return (f"EXISTS (SELECT 1 FROM {ANCESTRY} u WHERE u.organization_id = ({organization})::bigint "
            f"AND u.ancestor_id = ({ancestor})::bigint AND u.valid @> ({day})::date)")


def was_under_during(organization: str, ancestor: str, span: str) -> str:
    """Condition: ``organization`` stood under ``ancestor`` (or is it) on some day of the date range ``span``.
    Probes the organization's own rows (index on organization and dates): for a few thousand known rows (a
    target's slots) this is cheaper than listing every organization under a root and joining them."""
    return (f"EXISTS (SELECT 1 FROM {ANCESTRY} u WHERE u.organization_id = ({organization})::bigint "
            f"AND u.ancestor_id = ({ancestor})::bigint AND u.valid && ({span}))")


def ids_under_on(organization_id: int, day) -> RawSQL:
    """For the ORM: the ids of the organizations under ``organization_id`` on ``day`` (itself included), as
    a subquery: ``.filter(organization_id__in=ids_under_on(x, day))``."""
    return RawSQL(f"SELECT a.organization_id FROM (SELECT 1) AS one JOIN {under_on('a', '%s', '%s')}",
                  [organization_id, day])
