"""The "đạt chất lượng" frame of Hướng dẫn 12 (RULES §2), evaluated from data where the data allows and
from the secretary's record where it does not; with the numbers of the meeting date's guidance (its duration,
and from Hướng dẫn 42 of 2025 the documents posted beforehand: ``meetings.models.MeetingRuleSet``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from meetings.choices import MAX_EXCUSED_IN_A_ROW, MIN_ATTENDANCE_RATE, MeetingKind


def frame(meeting, streaks: dict[int, int] | None) -> dict:
    """``meeting`` annotated by ``with_attendance()``; ``streaks`` the meeting's entry of
    ``excused_streaks`` ({member id: run}). Returns the checks and the verdict (None = not decidable:
    a recorded part is missing)."""
    rate = meeting.attendance_rate
    checks = [
        (_("Attendance above %(rate)d%%") % {"rate": MIN_ATTENDANCE_RATE},
         None if rate is None else rate > MIN_ATTENDANCE_RATE),
        (_("No member absent without reason"), meeting.unexcused_count == 0),
        (_("Nobody absent with reason more than %(n)d times in a row this year") % {"n": MAX_EXCUSED_IN_A_ROW},
         not streaks if meeting.kind == MeetingKind.REGULAR else True),
    ]
    minimum = meeting.min_minutes  # the guidance of the meeting's date (meetings.models.MeetingRuleSet)
    if minimum is not None:
        checks.append((_("At least %(minutes)d minutes") % {"minutes": minimum},
                       meeting.duration_minutes >= minimum))
    days = meeting.documents_days_before  # the same guidance (2025: at least a day before); None before it
    if days is not None:
        posted = meeting.documents_posted_on
        checks.append((_("Documents posted at least %(days)d day(s) before the meeting") % {"days": days},
                       None if posted is None else (meeting.date - posted).days >= days))
    checks += [
        (_("Properly prepared (recorded by the secretary)"), meeting.preparation_ok),
        (_("Principles followed (recorded by the secretary)"), meeting.principles_ok),
    ]
    values = [ok for _label, ok in checks]
    if any(v is False for v in values):
        verdict = False
    elif any(v is None for v in values):
        verdict = None
    else:
        verdict = True
    return {"checks": checks, "verdict": verdict}
