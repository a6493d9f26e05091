"""The records only organizations can supply: reported figures (REP), registered models and exemplars
(MODEL), adopted documents (DOC) and periodic report submissions (DUE). The tables keep the names they were
created with in the targets app."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organizations.models import Organization
from organizations.scoping import ScopedQuerySet
from targets.records.choices import Cadence, Denominator, ModelKind, Reporters, ReportFrequency


class ReportIndicator(models.Model):
    """A figure only organizations can report (family REP), e.g. members who studied the resolutions.
    Reference data shipped by a migration; staff may add more in the admin."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=255)
    numerator_label = models.CharField(_("numerator"), max_length=255)
    denominator_label = models.CharField(_("denominator"), max_length=255, blank=True,
                                         help_text=_("Empty for a plain count"))
    reporters = models.CharField(_("reported by"), max_length=8, choices=Reporters.choices, default=Reporters.TCCSD)
    # A member share's whole is the register's count, not a typed-in total (targets.records.services).
    # db_default: the catalogue migration (targets 0002) inserts indicators with its older model state.
    denominator_source = models.CharField(_("whole taken from"), max_length=16, choices=Denominator.choices,
                                          default=Denominator.REPORTED, db_default=Denominator.REPORTED)

    class Meta:
        db_table = "targets_reportindicator"
        verbose_name = _("reported indicator")
        verbose_name_plural = _("reported indicators")
        ordering = ["code"]

    def __str__(self):
        return self.name

    @property
    def is_count(self) -> bool:
        return not self.denominator_label

    @property
    def whole_from_register(self) -> bool:
        return self.denominator_source == Denominator.REGISTER_MEMBERS


class ReportedFigure(models.Model):
    """One organization's figure for an indicator and a year (a part cannot exceed its whole)."""

    scope_field = "organization__path"  # the organization path visible_to scopes on (organizations.scoping)

    indicator = models.ForeignKey(ReportIndicator, verbose_name=_("indicator"), on_delete=models.PROTECT,
                                  related_name="figures")
    organization = models.ForeignKey(Organization, verbose_name=_("organization"), on_delete=models.CASCADE,
                                     related_name="reported_figures")
    year = models.PositiveSmallIntegerField(_("year"))
    numerator = models.PositiveIntegerField(_("number"))
    denominator = models.PositiveIntegerField(_("out of"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    reported_at = models.DateTimeField(_("reported at"), auto_now=True)
    history = HistoricalRecords(table_name="targets_historicalreportedfigure")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        db_table = "targets_reportedfigure"
        verbose_name = _("reported figure")
        verbose_name_plural = _("reported figures")
        ordering = ["-year", "organization__path", "indicator"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "organization", "year"], name="reported_figure_once"),
            models.CheckConstraint(condition=models.Q(denominator__isnull=True)
                                   | models.Q(numerator__lte=models.F("denominator")),
                                   name="reported_part_within_whole"),
        ]

    def __str__(self):
        return f"{self.indicator} {self.organization} {self.year}"


class RegisteredModel(models.Model):
    """A model of studying and following Hồ Chí Minh, a "Dân vận khéo" model or an exemplar, registered by a
    cell or grassroots organization for a year (family MODEL)."""

    scope_field = "organization__path"  # the organization path visible_to scopes on (organizations.scoping)

    organization = models.ForeignKey(Organization, verbose_name=_("organization"), on_delete=models.CASCADE,
                                     related_name="registered_models")
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=16, choices=ModelKind.choices)
    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    recognised_by = models.CharField(_("recognised by (decision)"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    history = HistoricalRecords(table_name="targets_historicalregisteredmodel")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        db_table = "targets_registeredmodel"
        verbose_name = _("registered model")
        verbose_name_plural = _("registered models")
        ordering = ["-year", "organization__path", "kind", "name"]
        indexes = [models.Index(fields=["year", "kind"], name="registered_model_year")]

    def __str__(self):
        return self.name


class RequiredDocument(models.Model):
    """A document cells must adopt at the start of a term or every year (QT-2, QT-3). Reference data."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=255)
    cadence = models.CharField(_("when"), max_length=8, choices=Cadence.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        db_table = "targets_requireddocument"
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
        ordering = ["cadence", "order", "code"]

    def __str__(self):
        return self.name


class DocumentAdoption(models.Model):
    """A cell adopted a required document for a year (for a term document: the term's first year)."""

    scope_field = "organization__path"  # the organization path visible_to scopes on (organizations.scoping)

    organization = models.ForeignKey(Organization, verbose_name=_("party cell"), on_delete=models.CASCADE,
                                     related_name="document_adoptions")
    document = models.ForeignKey(RequiredDocument, verbose_name=_("document"), on_delete=models.PROTECT,
                                 related_name="adoptions")
    year = models.PositiveSmallIntegerField(_("year"))
    adopted_on = models.DateField(_("adopted on"))
    reference = models.CharField(_("number / reference"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    history = HistoricalRecords(table_name="targets_historicaldocumentadoption")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        db_table = "targets_documentadoption"
        verbose_name = _("document adopted")
        verbose_name_plural = _("documents adopted")
        ordering = ["-year", "organization__path", "document"]
        constraints = [models.UniqueConstraint(fields=["organization", "document", "year"], name="adoption_once")]

    def __str__(self):
        return f"{self.document} {self.organization} {self.year}"


class PeriodicReport(models.Model):
    """A report organizations owe periodically (family DUE): quarterly by ``due_day`` of the quarter's last
    month, or yearly by ``due_day``/``due_month``. Reference data."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=255)
    frequency = models.CharField(_("frequency"), max_length=10, choices=ReportFrequency.choices)
    due_day = models.PositiveSmallIntegerField(_("due day"), validators=[MinValueValidator(1)])
    due_month = models.PositiveSmallIntegerField(_("due month (yearly)"), null=True, blank=True)

    class Meta:
        db_table = "targets_periodicreport"
        verbose_name = _("periodic report")
        verbose_name_plural = _("periodic reports")
        ordering = ["code"]

    def __str__(self):
        return self.name

    def due_date(self, year: int, quarter: int = 0) -> dt.date:
        if self.frequency == ReportFrequency.QUARTERLY:
            return dt.date(year, quarter * 3, self.due_day)
        return dt.date(year, self.due_month or 12, self.due_day)

    def periods(self) -> list[int]:
        """Quarter numbers of a year (0 for the single yearly report)."""
        return [1, 2, 3, 4] if self.frequency == ReportFrequency.QUARTERLY else [0]


class ReportSubmission(models.Model):
    """An organization submitted a periodic report (for a quarter, or 0 for a yearly one) on a date."""

    scope_field = "organization__path"  # the organization path visible_to scopes on (organizations.scoping)

    report = models.ForeignKey(PeriodicReport, verbose_name=_("report"), on_delete=models.PROTECT,
                               related_name="submissions")
    organization = models.ForeignKey(Organization, verbose_name=_("organization"), on_delete=models.CASCADE,
                                     related_name="report_submissions")
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), default=0)
    submitted_on = models.DateField(_("submitted on"))
    reference = models.CharField(_("number / reference"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    history = HistoricalRecords(table_name="targets_historicalreportsubmission")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        db_table = "targets_reportsubmission"
        verbose_name = _("report submission")
        verbose_name_plural = _("report submissions")
        ordering = ["-year", "-quarter", "organization__path"]
        constraints = [models.UniqueConstraint(fields=["report", "organization", "year", "quarter"],
                                               name="submission_once")]

    def __str__(self):
        return f"{self.report} {self.organization} {self.year}/{self.quarter}"

    @property
    def due_on(self) -> dt.date:
        return self.report.due_date(self.year, self.quarter)

    @property
    def late(self) -> bool:
        return self.submitted_on > self.due_on
