"""The admission and probation section of a member's page (``members.register.sections``): the candidate
record the member was admitted from, the ceremony, the end of the 12 months' probation and its outcome,
linking to the candidate's page. One query."""

from __future__ import annotations

from members.register.sections import MemberSection


def read(user, member, day):
    from members.admissions.models import Candidate
    from members.admissions.workdays import add_months

    candidate = (Candidate.objects.visible_to(user).filter(member=member).select_related("current_stage").first())
    probation_end = add_months(candidate.admitted_on, 12) if candidate and candidate.admitted_on else None
    return {"candidate": candidate, "probation_end": probation_end}


SECTION = MemberSection(key="admission", order=10, template="members/admissions/_member_section.html", read=read)
