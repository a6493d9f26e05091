"""The size rules of RULES §3 as warnings, never refusals (an organization is restructured by decision, not by
the register): a party cell has at least 3 full members; a grassroots organization with 30 members or more is
an đảng bộ cơ sở, below that a chi bộ cơ sở. Counted on today's members, for a whole subtree in two queries;
shown on the organization page (through organizations.hooks) and the member list of a grassroots organization
or a unit in one — where its officers work —, never for a whole bloc or province, whose member pages stay as
cheap as they were."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from members.register.models import Member
from organizations.choices import CELL_KINDS, TCCSD_KINDS, OrgKind
from organizations.models import Organization

CELL_MIN_FULL_MEMBERS = 3
GRASSROOTS_COMMITTEE_MIN_MEMBERS = 30


@dataclass(frozen=True)
class SizeWarning:
    organization: Organization
    message: str


# Kinds at or below the grassroots level, whose subtrees are small enough to count on every page view.
GRASSROOTS_AND_BELOW = frozenset(TCCSD_KINDS | {OrgKind.PARTIAL_COMMITTEE, OrgKind.SUB_CELL, OrgKind.PARTY_GROUP})


def size_warnings_for(organization: Organization | None) -> list[SizeWarning]:
    """The warnings of ``organization``'s subtree when it is a grassroots organization or lies in one; none
    above that level (nor for a dissolved one)."""
    if organization is None or organization.kind not in GRASSROOTS_AND_BELOW or not organization.is_active:
        return []
    return size_warnings_under(organization.path)


def size_warnings_under(path: str, *, today: dt.date | None = None) -> list[SizeWarning]:
    """The warnings of every active cell and grassroots organization in the subtree at ``path`` (itself
    included), in tree order."""
    today = today or dt.date.today()
    kinds = set(CELL_KINDS) | {OrgKind.GRASSROOTS_COMMITTEE}
    orgs = list(Organization.objects.filter(path__startswith=path, kind__in=kinds).active().order_by("path"))
    if not orgs:
        return []
    per_cell = {row["cell__path"]: (row["members"], row["full"]) for row in (
        Member.objects.filter(cell__path__startswith=path, left_on__isnull=True).values("cell__path")
        .annotate(members=Count("id"), full=Count("id", filter=Q(full_membership_date__lte=today))))}
    committees = {o.path: 0 for o in orgs if o.kind == OrgKind.GRASSROOTS_COMMITTEE}
    for cell_path, (members, _full) in per_cell.items():
        for n in range(Organization.steplen, len(cell_path), Organization.steplen):
            if cell_path[:n] in committees:
                committees[cell_path[:n]] += members
    warnings = []
    for org in orgs:
        members, full = per_cell.get(org.path, (0, 0))
        if org.kind in CELL_KINDS and full < CELL_MIN_FULL_MEMBERS:
            warnings.append(SizeWarning(org, _(
                "“%(org)s” has %(full)d full members: a party cell needs at least %(min)d.") % {
                "org": org.name, "full": full, "min": CELL_MIN_FULL_MEMBERS}))
        if org.kind == OrgKind.GRASSROOTS_CELL and members >= GRASSROOTS_COMMITTEE_MIN_MEMBERS:
            warnings.append(SizeWarning(org, _(
                "“%(org)s” is a grassroots party cell with %(count)d members: with %(min)d or more it should "
                "become a grassroots party committee.") % {
                "org": org.name, "count": members, "min": GRASSROOTS_COMMITTEE_MIN_MEMBERS}))
        if org.kind == OrgKind.GRASSROOTS_COMMITTEE and committees[org.path] < GRASSROOTS_COMMITTEE_MIN_MEMBERS:
            warnings.append(SizeWarning(org, _(
                "“%(org)s” is a grassroots party committee with %(count)d members: below %(min)d it should be a "
                "grassroots party cell.") % {
                "org": org.name, "count": committees[org.path], "min": GRASSROOTS_COMMITTEE_MIN_MEMBERS}))
    return warnings
