"""What the organization tree asks of the register (``organizations.hooks``), installed at start-up."""

from __future__ import annotations

from members.register.choices import MembershipReason
from members.register.models import Member


class RegisterForTheTree:
    def current_count(self, organization_ids) -> int:
        return Member.objects.filter(cell_id__in=list(organization_ids), left_on__isnull=True).count()

    def current_count_under(self, path: str) -> int:
        return Member.objects.filter(cell__path__startswith=path, left_on__isnull=True).count()

    def current_under_subquery(self, path_ref):
        return Member.objects.filter(cell__path__startswith=path_ref, left_on__isnull=True).values("pk")

    def current_in(self, cell) -> list:
        return list(Member.objects.filter(cell=cell, left_on__isnull=True).order_by("full_name"))

    def transfer(self, *, member_ids, to_cell, date, user) -> None:
        from members.register.services import members_transfer_bulk

        members_transfer_bulk(members=Member.objects.filter(pk__in=list(member_ids)), to_cell=to_cell, date=date,
                              reason=MembershipReason.RESTRUCTURED, user=user)

    def size_warnings_for(self, organization) -> list:
        from members.register.sizes import size_warnings_for

        return size_warnings_for(organization)
