"""Cell meetings (sinh hoạt chi bộ), their attendance, upper-level attendees, scoring rubrics and the
reminder schedule. Writes go through meetings.services; reads through meetings.querysets."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from meetings.choices import AgendaItem, AttendanceStatus, MeetingFormat, MeetingKind
from meetings.querysets import AttendanceQuerySet, MeetingQuerySet, RubricQuerySet
from members.register.models import Member
from organizations.models import Organization


class MeetingRuleSetQuerySet(models.QuerySet):
    def for_date(self, day):
        """The guidance in force on ``day``: the latest that applies from it or before."""
        return self.filter(valid_from__lte=day).order_by("-valid_from").first()

    def attach(self, meetings) -> None:
        """Give each of ``meetings`` the guidance of its date (``Meeting.rules``) from one query, for pages
        that judge many meetings at once."""
        rules = list(self.order_by("valid_from"))
        for meeting in meetings:
            meeting.rules = next((r for r in reversed(rules) if r.valid_from <= meeting.date), None)


class MeetingRuleSet(models.Model):
    """The numbers of one guidance on cell meetings, from the day it applies (like the rating schemes): a new
    guidance is a new row, and the meetings before it keep being judged by the one of their date. Shipped by
    migration ``meetings/0006``: Hướng dẫn 12-HD/BTCTW (2018) and Hướng dẫn 42-HD/BTCTW (2025)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    legal_basis = models.CharField(_("legal basis"), max_length=255)
    valid_from = models.DateField(_("applies from"), unique=True)
    min_minutes = models.PositiveSmallIntegerField(_("shortest regular meeting (minutes)"))
    # Empty: the guidance sets no longer minimum for a regular and a thematic meeting held together.
    min_minutes_combined = models.PositiveSmallIntegerField(
        _("shortest session with a thematic meeting (minutes)"), null=True, blank=True)
    # Empty: the guidance sets no time for posting the meeting's documents (or our sources do not give it).
    documents_days_before = models.PositiveSmallIntegerField(
        _("documents posted at least (days before the meeting)"), null=True, blank=True)
    history = HistoricalRecords()

    objects = MeetingRuleSetQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting rule set")
        verbose_name_plural = _("meeting rule sets")
        ordering = ["valid_from"]

    def __str__(self):
        return f"{self.legal_basis} ({self.valid_from:%d/%m/%Y})"


class Meeting(models.Model):
    """One meeting of a cell. Attendance holds a row for every member who belonged to the cell on the
    meeting date (from membership periods), written once when the meeting is logged. ``version`` guards
    against two people editing the same meeting at once."""

    scope_field = "cell__path"  # the organization path visible_to scopes on (organizations.scoping)

    cell = models.ForeignKey(Organization, verbose_name=_("party cell"), on_delete=models.CASCADE,
                             related_name="meetings")
    kind = models.CharField(_("kind"), max_length=16, choices=MeetingKind.choices, default=MeetingKind.REGULAR)
    includes_thematic = models.BooleanField(_("a thematic meeting held in the same session"), default=False)
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start time"))
    end_time = models.TimeField(_("end time"))
    format = models.CharField(_("format"), max_length=16, choices=MeetingFormat.choices,
                              default=MeetingFormat.IN_PERSON)
    chair = models.ForeignKey(Member, verbose_name=_("chair"), null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    minute_taker = models.ForeignKey(Member, verbose_name=_("minute-taker"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    agenda = ArrayField(models.CharField(max_length=32, choices=AgendaItem.choices), verbose_name=_("agenda"),
                        default=list, blank=True)
    agenda_other = models.TextField(_("other agenda items"), blank=True)
    conclusions = models.TextField(_("conclusions / resolution"), blank=True)
    # When the meeting's documents were posted to the members (the 2025 guidance: at least a day before).
    documents_posted_on = models.DateField(_("documents posted on"), null=True, blank=True)
    minutes = models.FileField(_("minutes (attachment)"), upload_to="meetings/minutes/%Y/", blank=True)
    # The parts of the "đạt chất lượng" frame the data cannot show; recorded by the secretary.
    preparation_ok = models.BooleanField(_("properly prepared"), null=True, blank=True)
    principles_ok = models.BooleanField(_("principles followed"), null=True, blank=True)
    rubric = models.ForeignKey("Rubric", verbose_name=_("scoring rubric"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="meetings")
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("cell meeting")
        verbose_name_plural = _("cell meetings")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["cell", "date"], name="meeting_cell_date"),
                   models.Index(fields=["date", "id"], name="meeting_date")]  # the list's order by date
        constraints = [
            # One regular meeting per cell and month, also against two secretaries saving at once.
            models.UniqueConstraint(ExtractYear("date"), ExtractMonth("date"), "cell",
                                    condition=models.Q(kind="regular"), name="meeting_one_regular_a_month"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.cell} {self.date:%d/%m/%Y}"

    @property
    def duration_minutes(self) -> int:
        start = self.start_time.hour * 60 + self.start_time.minute
        end = self.end_time.hour * 60 + self.end_time.minute
        return end - start

    @cached_property
    def rules(self) -> MeetingRuleSet | None:
        """The guidance in force on the meeting's date (its numbers)."""
        return MeetingRuleSet.objects.for_date(self.date)

    @property
    def min_minutes(self) -> int | None:
        """The shortest the meeting may last under the guidance of its date: longer when a thematic meeting is
        held in the same session, where that guidance says so. None before any guidance recorded."""
        rules = self.rules
        if rules is None:
            return None
        if self.includes_thematic and rules.min_minutes_combined:
            return rules.min_minutes_combined
        return rules.min_minutes

    @property
    def documents_days_before(self) -> int | None:
        """How many days before the meeting its documents must be posted under the guidance of its date; None
        where that guidance sets no such time."""
        return self.rules.documents_days_before if self.rules is not None else None

    @property
    def agenda_labels(self) -> list[str]:
        labels = dict(AgendaItem.choices)
        return [labels.get(item, item) for item in self.agenda]

    @property
    def is_thematic(self) -> bool:
        return self.kind == MeetingKind.THEMATIC or self.includes_thematic


class Attendance(models.Model):
    """A member expected at a meeting and what happened: present, absent with or without reason, or
    excluded (exempted or on special duty on that date: shown, left out of the rate)."""

    scope_field = "meeting__cell__path"  # the organization path visible_to scopes on (organizations.scoping)

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.CASCADE,
                               related_name="meeting_attendance")
    status = models.CharField(_("attendance"), max_length=16, choices=AttendanceStatus.choices,
                              default=AttendanceStatus.PRESENT)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    excluded_kind = models.CharField(_("excluded because"), max_length=16, blank=True)
    history = HistoricalRecords()

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once_per_meeting")]
        indexes = [
            models.Index(fields=["member", "meeting"], name="attendance_member"),
            # Unexcused absences per meeting (QT-4c) from a tiny index (about 0.5 % of the rows) instead of
            # every attendance row of every meeting (benchmarks, docs/PERFORMANCE.md).
            models.Index(fields=["meeting"], condition=models.Q(status="absent_unexcused"),
                         name="attendance_unexcused"),
        ]

    def __str__(self):
        return f"{self.member} · {self.get_status_display()}"


class UpperAttendance(models.Model):
    """A member of an upper-level committee (from committee positions) who attended the meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="upper_attendees")
    member = models.ForeignKey(Member, verbose_name=_("committee member"), on_delete=models.CASCADE,
                               related_name="+")
    organization = models.ForeignKey(Organization, verbose_name=_("level (committee)"), on_delete=models.CASCADE,
                                     related_name="+")
    position = models.CharField(_("position"), max_length=20, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("upper-level attendee")
        verbose_name_plural = _("upper-level attendees")
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="upper_attendance_once")]

    def __str__(self):
        return f"{self.member} ({self.organization})"


# ------------------------------------------------------------------------------------------- rubrics
# Rubric tables deliberately hold no foreign key to organizations: the demo reset truncates the tree with
# CASCADE, which would otherwise also empty the shipped rubrics. Where a rubric applies is RubricUse.

class Rubric(models.Model):
    """A provincial scoring scheme for meetings: criteria with maximum points grouped in sections, level
    bands by minimum total, and the yearly rules that turn a year of meetings into the cell's grade."""

    name = models.CharField(_("name"), max_length=255, unique=True)
    legal_basis = models.CharField(_("legal basis"), max_length=255, blank=True)
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()

    objects = RubricQuerySet.as_manager()

    class Meta:
        verbose_name = _("scoring rubric")
        verbose_name_plural = _("scoring rubrics")
        ordering = ["name"]

    def __str__(self):
        return self.name


class RubricSection(models.Model):
    """A group of criteria (preparation, attendance, conduct, closing)."""

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="sections")
    name = models.CharField(_("section"), max_length=255)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["rubric", "order", "id"]

    def __str__(self):
        return self.name


class RubricCriterion(models.Model):
    section = models.ForeignKey(RubricSection, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("criterion"), max_length=500)
    max_points = models.DecimalField(_("maximum points"), max_digits=5, decimal_places=1,
                                     validators=[MinValueValidator(0)])
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["section__order", "order", "id"]

    def __str__(self):
        return self.name


class RubricLevel(models.Model):
    """A band: a meeting whose total is at least ``min_points`` reaches this level (the highest such)."""

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="levels")
    name = models.CharField(_("level"), max_length=100)
    min_points = models.DecimalField(_("minimum points"), max_digits=5, decimal_places=1)
    rank = models.PositiveSmallIntegerField(_("rank"), help_text=_("Higher is better."))

    class Meta:
        ordering = ["rubric", "-rank"]
        constraints = [models.UniqueConstraint(fields=["rubric", "rank"], name="rubric_level_rank_unique")]

    def __str__(self):
        return self.name


class RubricYearRule(models.Model):
    """The cell's yearly grade is ``level`` when every regular meeting of the year reached at least
    ``all_at_least`` and at least ``top_count`` of them reached ``top_level``. Rules are tried in order;
    the first one met gives the grade (e.g. Phú Thọ: Tốt when all ≥ Khá and ≥ 7 Tốt)."""

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="year_rules")
    level = models.ForeignKey(RubricLevel, verbose_name=_("yearly grade"), on_delete=models.CASCADE, related_name="+")
    all_at_least = models.ForeignKey(RubricLevel, verbose_name=_("every regular meeting at least"), null=True,
                                     blank=True, on_delete=models.CASCADE, related_name="+")
    top_level = models.ForeignKey(RubricLevel, verbose_name=_("counted level"), null=True, blank=True,
                                  on_delete=models.CASCADE, related_name="+")
    top_count = models.PositiveSmallIntegerField(_("meetings at the counted level, at least"), default=0)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["rubric", "order", "id"]


class RubricUse(models.Model):
    """A bloc (or any organization) chooses a rubric for the meetings of every cell in its subtree from a
    year on; the most specific choice wins."""

    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="uses")
    organization = models.ForeignKey(Organization, verbose_name=_("organization"), on_delete=models.CASCADE,
                                     related_name="+")
    from_year = models.PositiveSmallIntegerField(_("from year"))
    chosen_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "from_year"], name="rubric_use_once_a_year")]


class MeetingScore(models.Model):
    """Points the secretary gave one criterion of the meeting's rubric."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(RubricCriterion, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=1, validators=[MinValueValidator(0)])
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "criterion"], name="score_once_per_criterion")]


class ReminderSchedule(models.Model):
    """The day of the month on which cells under ``organization`` (everywhere when empty) that logged no
    regular meeting for the previous month are reminded. The most specific row wins; with no row at all
    the day is DEFAULT_REMINDER_DAY."""

    organization = models.ForeignKey(Organization, verbose_name=_("organization"), null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="+")
    day_of_month = models.PositiveSmallIntegerField(_("day of the month"),
                                                    validators=[MinValueValidator(1), MaxValueValidator(28)])

    class Meta:
        verbose_name = _("meeting reminder schedule")
        verbose_name_plural = _("meeting reminder schedules")
        constraints = [models.UniqueConstraint(fields=["organization"], name="reminder_schedule_once",
                                               nulls_distinct=False)]


DEFAULT_REMINDER_DAY = 5
