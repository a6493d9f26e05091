"""The attendance section of a member's page (``members.register.sections``): this year's cell meetings the
member was expected at, the rate present ÷ (expected − excluded) as Hướng dẫn 12 counts it, and every
absence with its reason, each linking to its meeting. Two queries."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q

from members.register.sections import MemberSection


def read(user, member, day):
    from meetings.choices import CELL_MEETING_KINDS, AttendanceStatus
    from meetings.models import Attendance

    s = AttendanceStatus
    rows = Attendance.objects.visible_to(user).filter(
        member=member, meeting__kind__in=CELL_MEETING_KINDS, meeting__date__gte=dt.date(day.year, 1, 1),
        meeting__date__lte=day)
    counts = rows.aggregate(expected=Count("pk"), present=Count("pk", filter=Q(status=s.PRESENT)),
                            excluded=Count("pk", filter=Q(status=s.EXCLUDED)),
                            unexcused=Count("pk", filter=Q(status=s.ABSENT_UNEXCUSED)))
    counted = counts["expected"] - counts["excluded"]
    rate = round(counts["present"] * 100 / counted, 1) if counted else None
    absences = list(rows.filter(status__in=[s.ABSENT_EXCUSED, s.ABSENT_UNEXCUSED]).select_related("meeting")
                    .order_by("-meeting__date"))
    return {"year": day.year, "counts": counts, "rate": rate, "absences": absences}


SECTION = MemberSection(key="attendance", order=30, template="meetings/_member_section.html", read=read)
