"""Vocabularies of cell meetings (RULES §2)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MeetingKind(models.TextChoices):
    REGULAR = "regular", _("Regular monthly meeting")
    THEMATIC = "thematic", _("Thematic meeting")
    FORUM = "forum", _("Forum")
    EXTRAORDINARY = "extraordinary", _("Extraordinary meeting")
    # Held by a committee (not a cell) for the secretaries of the cells under it, every quarter (seed 003,
    # target KH-4); it records no member attendance.
    BRIEFING = "briefing", _("Cell secretaries' briefing conference")
    # An đảng bộ cơ sở holds its regular conference twice a year (RULES §3, Điều lệ); no member attendance is
    # recorded here either.
    CONFERENCE = "conference", _("Grassroots party committee's regular conference")


# Kinds held by a cell for its members (the only kinds with attendance rows) and the kinds a committee holds.
CELL_MEETING_KINDS = (MeetingKind.REGULAR, MeetingKind.THEMATIC, MeetingKind.FORUM, MeetingKind.EXTRAORDINARY)
COMMITTEE_MEETING_KINDS = (MeetingKind.BRIEFING, MeetingKind.CONFERENCE)


class MeetingFormat(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    ABSENT_EXCUSED = "absent_excused", _("Absent with reason")
    ABSENT_UNEXCUSED = "absent_unexcused", _("Absent without reason")
    # Exempted from activities or on special duty on the meeting date: shown, left out of the rate.
    EXCLUDED = "excluded", pgettext_lazy("attendance", "Excluded")


# What the secretary may choose in the attendance form; EXCLUDED is derived from status periods.
MARKABLE = (AttendanceStatus.PRESENT, AttendanceStatus.ABSENT_EXCUSED, AttendanceStatus.ABSENT_UNEXCUSED)


class AgendaItem(models.TextChoices):
    """The standard agenda of a regular meeting (RULES §2), ticked in the log."""

    DUES = "dues", _("Party dues collected")
    CURRENT_AFFAIRS = "current_affairs", _("Current affairs and members' thinking")
    REVIEW = "review", _("Review of last month")
    HO_CHI_MINH = "ho_chi_minh", _("Studying and following Ho Chi Minh")
    COMMITMENTS = "commitments", _("Members' commitments reviewed")
    NEXT_TASKS = "next_tasks", _("Next month's tasks and assignments")


# Hướng dẫn 12: attendance above 85 %, nobody absent with reason more than 3 times in a row.
MIN_ATTENDANCE_RATE = 85
MAX_EXCUSED_IN_A_ROW = 3
