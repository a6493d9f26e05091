"""The inspections and discipline section of a member's page (``members.register.sections``): the
inspections and supervisions naming the member and the disciplinary decisions against the member, each
linking to its record. Two queries."""

from __future__ import annotations

from members.register.sections import MemberSection


def read(user, member, day):
    from inspections.models import Discipline, Inspection

    inspections = list(Inspection.objects.visible_to(user).filter(members=member).select_related("conducting_body")
                       .order_by("-decision_date", "-id"))
    disciplines = list(Discipline.objects.visible_to(user).filter(member=member).select_related("deciding_body")
                       .order_by("-decision_date", "-id"))
    return {"inspections": inspections, "disciplines": disciplines}


SECTION = MemberSection(key="inspections", order=40, template="inspections/_member_section.html", read=read)
