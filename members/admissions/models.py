"""Admissions and probation (issue 7). Imported by members/models.py so Django finds the models.

A candidate (quần chúng) of a cell moves through the stages of ``AdmissionStage`` (data, the standard list
shipped by a migration); each stage reached is a ``CandidateStage`` row. Admission creates the party
member through members.register.services and keeps the one-to-one link ``Candidate.member``; the probation that
follows (12 months from the ceremony) and its outcome are recorded on the same candidate row, which is the
admission record the targets read. Every write goes through members.admissions.services."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.admissions.choices import CandidateStatus, GeneralEducation, ProbationOutcome, StageCode
from members.register.choices import ETHNICITY_CHOICES, Gender, Religion
from organizations.models import Organization
from organizations.scoping import ScopedQuerySet

__all__ = ["AdmissionStage", "Candidate", "CandidateStage", "PublicHoliday", "Sponsor"]


class PublicHoliday(models.Model):
    """A weekday off work nationwide (New Year, Tết, Hùng Kings, 30/4, 1/5, National Day and the days
    given in compensation). Working-day deadlines skip these and weekends; the years 2020–2027 are shipped
    by a migration and staff add later years as the government announces them."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=100)
    history = HistoricalRecords(table_name="members_historicalpublicholiday")

    class Meta:
        db_table = "members_publicholiday"
        verbose_name = _("public holiday")
        verbose_name_plural = _("public holidays")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} {self.name}"


class AdmissionStage(models.Model):
    """One step of the admission pipeline, in order. The codes of StageCode carry the rules (the course
    date is the certificate date, the cell resolution is the consideration date, the decision starts the
    ceremony deadline, the ceremony admits); other stages may be added and are simply recorded."""

    order = models.PositiveSmallIntegerField(_("order"), unique=True)
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=150)
    needs_document = models.BooleanField(_("needs a document number and date"), default=False)
    active = models.BooleanField(_("in use"), default=True)
    history = HistoricalRecords(table_name="members_historicaladmissionstage")

    class Meta:
        db_table = "members_admissionstage"
        verbose_name = _("admission stage")
        verbose_name_plural = _("admission stages")
        ordering = ["order"]

    def __str__(self):
        return str(self.label)

    @property
    def label(self):
        """The translated label of a standard stage, the stored name of any other."""
        return StageCode(self.code).label if self.code in StageCode.values else self.name


class CandidateQuerySet(ScopedQuerySet):
    def in_progress(self):
        return self.filter(status=CandidateStatus.IN_PROGRESS)

    def on_probation(self):
        return self.filter(status=CandidateStatus.ADMITTED, probation_outcome=ProbationOutcome.PENDING)

    def probation_ended_by(self, day):
        """Probations whose 12 months ended on or before ``day`` (PostgreSQL's date + 12 months clamps
        29 February like members.admissions.workdays.add_months)."""
        from django.db.models import DateField
        from django.db.models.expressions import RawSQL

        end = RawSQL("(members_candidate.admitted_on + interval '12 months')::date", [], output_field=DateField())
        return self.alias(probation_end=end).filter(probation_end__lte=day)


class Candidate(models.Model):
    """A person a cell is preparing for admission (quần chúng), with the profile attributes the targets
    and reports count (KH-5: women, Khmer, union members, workers, business owners; TV-8b: private
    enterprises; LD-7b: outstanding Youth Union members). After the ceremony ``member`` links the party
    member created from it and the probation fields record what became of the probation."""

    scope_field = "cell__path"  # the organization path visible_to scopes on (organizations.scoping)

    cell = models.ForeignKey(Organization, verbose_name=_("party cell"), on_delete=models.PROTECT,
                             related_name="candidates")
    full_name = models.CharField(_("full name"), max_length=150)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices)
    birth_date = models.DateField(_("date of birth"))
    ethnicity = models.CharField(_("ethnicity"), max_length=32, choices=ETHNICITY_CHOICES, blank=True)
    religion = models.CharField(_("religion"), max_length=16, choices=Religion.choices, blank=True)
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    youth_union = models.BooleanField(_("Youth Union member"), default=False)
    trade_union = models.BooleanField(_("trade-union member"), default=False)
    worker = models.BooleanField(_("worker"), default=False)
    business_owner = models.BooleanField(_("business owner"), default=False)
    private_enterprise = models.BooleanField(_("works in a private enterprise"), default=False)
    outstanding = models.BooleanField(_("outstanding (ưu tú)"), default=False)
    planned_consideration_date = models.DateField(
        _("planned consideration date"), null=True, blank=True,
        help_text=_("When the cell plans to consider the admission; the cell resolution's date replaces it."),
    )
    age_exception = models.CharField(
        _("age exception"), max_length=200, blank=True,
        help_text=_("The decision allowing the admission of a person over 60 (number, date, body)."),
    )
    education = models.CharField(_("general education"), max_length=16, choices=GeneralEducation.choices,
                                 blank=True)
    education_exception = models.CharField(
        _("education exception"), max_length=300, blank=True,
        help_text=_("Why a candidate with primary education only may be admitted (remote or ethnic-minority "
                    "area), with the decision that allows it."),
    )
    youth_union_resolution = models.CharField(
        _("Youth Union resolution"), max_length=100, blank=True,
        help_text=_("Number and date of the Youth Union's resolution, which stands in for one sponsor."),
    )
    status = models.CharField(_("status"), max_length=16, choices=CandidateStatus.choices,
                              default=CandidateStatus.IN_PROGRESS)
    # The latest stage reached, kept by members.admissions.services so lists and the board need no subquery.
    current_stage = models.ForeignKey(AdmissionStage, verbose_name=_("current stage"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    member = models.OneToOneField("members.Member", verbose_name=_("party member"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="admission")
    admitted_on = models.DateField(_("ceremony date"), null=True, blank=True)
    probation_outcome = models.CharField(_("probation outcome"), max_length=16, choices=ProbationOutcome.choices,
                                         blank=True)
    probation_decided_on = models.DateField(_("probation considered on"), null=True, blank=True)
    probation_decision = models.CharField(_("probation decision"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"], table_name="members_historicalcandidate")

    objects = CandidateQuerySet.as_manager()

    class Meta:
        db_table = "members_candidate"
        verbose_name = _("admission candidate")
        verbose_name_plural = _("admission candidates")
        ordering = ["full_name", "id"]
        indexes = [
            models.Index(fields=["cell", "status"], name="candidate_cell_status"),
            models.Index(fields=["admitted_on"], name="candidate_admitted_on"),
            models.Index(fields=["full_name", "id"], name="candidate_name_order"),  # the lists' order by name
        ]
        constraints = [
            models.CheckConstraint(
                name="candidate_admitted_has_member",
                condition=models.Q(status=CandidateStatus.ADMITTED, member__isnull=False, admitted_on__isnull=False)
                | ~models.Q(status=CandidateStatus.ADMITTED),
            ),
        ]

    def __str__(self):
        return self.full_name


class CandidateStage(models.Model):
    """A stage a candidate reached: when, on which document, recorded by whom."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="stages")
    stage = models.ForeignKey(AdmissionStage, verbose_name=_("stage"), on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("date"))
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    document_date = models.DateField(_("document date"), null=True, blank=True)
    issuer = models.CharField(_("issued by"), max_length=150, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(table_name="members_historicalcandidatestage")

    class Meta:
        db_table = "members_candidatestage"
        verbose_name = _("candidate stage")
        verbose_name_plural = _("candidate stages")
        ordering = ["candidate", "stage__order"]
        constraints = [models.UniqueConstraint(fields=["candidate", "stage"], name="candidate_stage_once")]

    def __str__(self):
        return f"{self.candidate}: {self.stage} {self.date:%d/%m/%Y}"


class Sponsor(models.Model):
    """A party member who vouches for the candidate (người giới thiệu). Two full members are needed (or
    one and the Youth Union's resolution), each having worked with the candidate for 12 months."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="sponsors")
    member = models.ForeignKey("members.Member", verbose_name=_("sponsor"), on_delete=models.PROTECT,
                               related_name="sponsored")
    date = models.DateField(_("date of sponsorship"))
    worked_together_since = models.DateField(_("worked with the candidate since"), null=True, blank=True)
    worked_12_months = models.BooleanField(_("worked with the candidate for at least 12 months"), default=False)
    history = HistoricalRecords(table_name="members_historicalsponsor")

    class Meta:
        db_table = "members_sponsor"
        verbose_name = _("sponsor")
        verbose_name_plural = _("sponsors")
        constraints = [models.UniqueConstraint(fields=["candidate", "member"], name="sponsor_once_per_candidate")]

    def __str__(self):
        return f"{self.member} → {self.candidate}"

