"""Every write of the records only organizations can supply: reported figures (REP), registered models and
exemplars (MODEL), adopted documents (DOC) and periodic report submissions (DUE).

Services take the acting user as ``user=`` (None: a trusted system caller such as the demo loader) and
re-check its scope: writing needs REPORT_FIGURES on the organization the record belongs to (and, when a
record moves to another organization, on both). Every refusal is a ValidationError naming what and where,
never a database error: the unique constraints are checked before the write, and a concurrent duplicate
that slips past the check is turned into the same ValidationError. Each write emits its change event so
the targets reading these records are recomputed."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.events import emit
from members.ratings.rules import rating_date
from members.register.population import member_counts_on
from organizations.choices import CELL_KINDS, TCCSD_KINDS, OrgKind
from organizations.models import Organization
from organizations.permissions import Perm
from organizations.scoping import user_can
from targets.records.choices import Cadence, ModelKind, Reporters, ReportFrequency
from targets.records.models import (
    DocumentAdoption,
    PeriodicReport,
    RegisteredModel,
    ReportedFigure,
    ReportIndicator,
    ReportSubmission,
    RequiredDocument,
)

# Organizations that report a "scope" indicator: the committees resolutions are issued for.
COMMITTEE_KINDS = frozenset({OrgKind.DIRECT, OrgKind.PROVINCIAL})
# Who registers models and exemplars: cells (chi bộ cơ sở, chi bộ trực thuộc) and grassroots organizations.
MODEL_KINDS = CELL_KINDS | TCCSD_KINDS
# The oldest year a record may be for; the newest is next year (a plan entered before 1 January).
MIN_YEAR = 2000


# ------------------------------------------------------------------------------------------------ helpers

def _require(user, organization: Organization) -> None:
    if user is not None and not user_can(user, Perm.REPORT_FIGURES, organization):
        raise PermissionDenied(_("“%(org)s” is outside the organizations whose reports and records you may "
                                 "enter.") % {"org": organization})


def _acting(user):
    return user if user is not None and user.is_authenticated else None


def _save(obj, user, duplicate_message: str) -> None:
    """Save with history attributed to ``user``; a unique-constraint race becomes a ValidationError."""
    if _acting(user) is not None:
        obj._history_user = user
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        raise ValidationError({NON_FIELD_ERRORS: ValidationError(duplicate_message, code="duplicate")}) from exc


def _delete(obj, user) -> None:
    if _acting(user) is not None:
        obj._history_user = user
    obj.delete()


def _check_year(year, field: str = "year") -> None:
    latest = timezone.localdate().year + 1
    if year is None or not MIN_YEAR <= int(year) <= latest:
        raise ValidationError({field: ValidationError(
            _("The year must be between %(first)d and %(last)d.") % {"first": MIN_YEAR, "last": latest},
            code="year_out_of_range")})


def _check_existed(organization: Organization, year: int) -> None:
    """The organization existed during at least part of ``year`` (founded before its end, not dissolved
    before its start): a record for a year it did not exist would count nowhere."""
    if organization.founded_on > dt.date(year, 12, 31) or (
            organization.dissolved_on is not None and organization.dissolved_on <= dt.date(year, 1, 1)):
        raise ValidationError({"organization": ValidationError(
            _("“%(org)s” did not exist in %(year)d.") % {"org": organization, "year": year},
            code="organization_not_existing")})


def _apply(obj, changes: dict, allowed: tuple[str, ...]) -> None:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise TypeError(f"unexpected fields {sorted(unknown)}")
    for name, value in changes.items():
        setattr(obj, name, value)


def _emit_both(kind: str, before: tuple[int, int] | None, after: tuple[int, int] | None) -> None:
    """One event per distinct (organization, year) a write touched: an edit that moves a record to another
    organization or year changes the figures of both."""
    for pair in sorted({p for p in (before, after) if p is not None}):
        emit(kind, organization_ids=[pair[0]], years=[pair[1]])


# -------------------------------------------------------------------------------- reported figures (REP)

def register_whole_day(year: int) -> dt.date:
    """The day a member share's whole is taken on: the year's rating day (15 December), the day every
    yearly population of the targets is taken on (targets.engine.metrics.base.target_slot)."""
    return rating_date(int(year))


def register_whole(organization: Organization, year: int) -> tuple[int, dt.date]:
    """The register's members of ``organization`` (its subtree) on the year's rating day, and that day."""
    day = register_whole_day(year)
    return member_counts_on([(organization.pk, day)]).get((organization.pk, day), 0), day


def _validate_figure(figure: ReportedFigure) -> None:
    indicator: ReportIndicator = figure.indicator
    organization: Organization = figure.organization
    _check_year(figure.year)
    if indicator.reporters == Reporters.SCOPE:
        if organization.kind not in COMMITTEE_KINDS:
            raise ValidationError({"organization": ValidationError(
                _("“%(indicator)s” is reported by the committee the resolution measures (a directly "
                  "subordinate or provincial party committee), not by “%(org)s”.")
                % {"indicator": indicator, "org": organization}, code="wrong_reporter")})
    elif organization.kind not in TCCSD_KINDS:
        raise ValidationError({"organization": ValidationError(
            _("“%(indicator)s” is reported by each grassroots party organization; “%(org)s” is not one.")
            % {"indicator": indicator, "org": organization}, code="wrong_reporter")})
    _check_existed(organization, figure.year)
    if figure.numerator is None or figure.numerator < 0:
        raise ValidationError({"numerator": ValidationError(_("Enter a number of zero or more."),
                                                            code="negative")})
    if indicator.is_count:
        if figure.denominator is not None:
            raise ValidationError({"denominator": ValidationError(
                _("“%(indicator)s” is a plain count: leave “out of” empty.") % {"indicator": indicator},
                code="count_has_whole")})
    elif indicator.whole_from_register:
        # The whole is the register's, whatever was typed (the form shows it read-only): a member share
        # cannot count more members than the organization has.
        whole, day = register_whole(organization, figure.year)
        figure.denominator = whole
        if figure.numerator > whole:
            raise ValidationError({"numerator": ValidationError(
                _("%(part)d reported for “%(indicator)s” is more than the %(whole)d members the register holds "
                  "in “%(org)s” on %(day)s.") % {"part": figure.numerator, "whole": whole, "org": organization,
                                                  "day": day.strftime("%d/%m/%Y"), "indicator": indicator},
                code="part_exceeds_register")})
    else:
        if figure.denominator is None:
            raise ValidationError({"denominator": ValidationError(
                _("Enter “%(whole)s” for “%(indicator)s”.") % {"whole": indicator.denominator_label,
                                                               "indicator": indicator},
                code="whole_required")})
        if figure.denominator < 0:
            raise ValidationError({"denominator": ValidationError(_("Enter a number of zero or more."),
                                                                  code="negative")})
        if figure.numerator > figure.denominator:
            raise ValidationError({"numerator": ValidationError(
                _("%(part)d cannot exceed the whole (%(whole)d) it is part of: “%(org)s”, %(year)d, "
                  "“%(indicator)s”.") % {"part": figure.numerator, "whole": figure.denominator,
                                           "org": organization, "year": figure.year, "indicator": indicator},
                code="part_exceeds_whole")})
    clash = ReportedFigure.objects.filter(indicator=indicator, organization=organization, year=figure.year)
    if figure.pk:
        clash = clash.exclude(pk=figure.pk)
    if clash.exists():
        raise ValidationError({NON_FIELD_ERRORS: ValidationError(_figure_duplicate(figure), code="duplicate")})


def _figure_duplicate(figure: ReportedFigure) -> str:
    return _("“%(org)s” has already reported “%(indicator)s” for %(year)d: edit that figure instead.") % {
        "org": figure.organization, "indicator": figure.indicator, "year": figure.year}


@transaction.atomic
def reported_figure_create(*, indicator: ReportIndicator, organization: Organization, year: int, numerator: int,
                           denominator: int | None = None, note: str = "", user=None) -> ReportedFigure:
    """Record one organization's figure of an indicator for a year."""
    _require(user, organization)
    figure = ReportedFigure(indicator=indicator, organization=organization, year=year, numerator=numerator,
                            denominator=denominator, note=note or "", reported_by=_acting(user))
    _validate_figure(figure)
    _save(figure, user, _figure_duplicate(figure))
    emit("reported_figure", organization_ids=[organization.pk], years=[year])
    return figure


@transaction.atomic
def reported_figure_update(*, figure: ReportedFigure, user=None, **changes) -> ReportedFigure:
    """Change a figure (indicator, organization, year, numerator, denominator, note)."""
    figure = ReportedFigure.objects.select_for_update().select_related("organization", "indicator").get(pk=figure.pk)
    _require(user, figure.organization)
    before = (figure.organization_id, figure.year)
    _apply(figure, changes, ("indicator", "organization", "year", "numerator", "denominator", "note"))
    if figure.organization_id != before[0]:
        _require(user, figure.organization)
    figure.note = figure.note or ""
    figure.reported_by = _acting(user) or figure.reported_by
    _validate_figure(figure)
    _save(figure, user, _figure_duplicate(figure))
    _emit_both("reported_figure", before, (figure.organization_id, figure.year))
    return figure


@transaction.atomic
def reported_figure_delete(*, figure: ReportedFigure, user=None) -> None:
    _require(user, figure.organization)
    where = (figure.organization_id, figure.year)
    _delete(figure, user)
    _emit_both("reported_figure", where, None)


# ------------------------------------------------------------------------ registered models (MODEL)

def _validate_model(model: RegisteredModel) -> None:
    _check_year(model.year)
    if model.organization.kind not in MODEL_KINDS:
        raise ValidationError({"organization": ValidationError(
            _("Models and exemplars are registered by party cells and grassroots party organizations; "
              "“%(org)s” is neither.") % {"org": model.organization}, code="wrong_organization_kind")})
    _check_existed(model.organization, model.year)
    if model.kind not in ModelKind.values:
        raise ValidationError({"kind": ValidationError(_("Choose the kind of model."), code="invalid_kind")})
    if not (model.name or "").strip():
        raise ValidationError({"name": ValidationError(_("Enter the model's name."), code="required")})


@transaction.atomic
def registered_model_create(*, organization: Organization, year: int, kind: str, name: str, description: str = "",
                            recognised_by: str = "", user=None) -> RegisteredModel:
    """Register a model or exemplar of a cell or grassroots organization for a year."""
    _require(user, organization)
    model = RegisteredModel(organization=organization, year=year, kind=kind, name=(name or "").strip(),
                            description=description or "", recognised_by=recognised_by or "",
                            recorded_by=_acting(user))
    _validate_model(model)
    _save(model, user, _("This model is already registered."))
    emit("registered_model", organization_ids=[organization.pk], years=[year])
    return model


@transaction.atomic
def registered_model_update(*, model: RegisteredModel, user=None, **changes) -> RegisteredModel:
    model = RegisteredModel.objects.select_for_update().select_related("organization").get(pk=model.pk)
    _require(user, model.organization)
    before = (model.organization_id, model.year)
    _apply(model, changes, ("organization", "year", "kind", "name", "description", "recognised_by"))
    if model.organization_id != before[0]:
        _require(user, model.organization)
    model.name = (model.name or "").strip()
    model.description, model.recognised_by = model.description or "", model.recognised_by or ""
    _validate_model(model)
    _save(model, user, _("This model is already registered."))
    _emit_both("registered_model", before, (model.organization_id, model.year))
    return model


@transaction.atomic
def registered_model_delete(*, model: RegisteredModel, user=None) -> None:
    _require(user, model.organization)
    where = (model.organization_id, model.year)
    _delete(model, user)
    _emit_both("registered_model", where, None)


# -------------------------------------------------------------------------- documents adopted (DOC)

def _validate_adoption(adoption: DocumentAdoption) -> None:
    organization, document = adoption.organization, adoption.document
    _check_year(adoption.year)
    if organization.kind not in CELL_KINDS:
        raise ValidationError({"organization": ValidationError(
            _("Required documents are adopted by party cells; “%(org)s” is not a cell.") % {"org": organization},
            code="not_a_cell")})
    _check_existed(organization, adoption.year)
    if adoption.adopted_on is None:
        raise ValidationError({"adopted_on": ValidationError(
            _("Enter the date “%(document)s” was adopted.") % {"document": document}, code="required")})
    # A yearly document is adopted within its year; a term document at the start of the term, which may
    # be late in the year before the term's first year, so any date is accepted for it.
    if document.cadence == Cadence.YEAR and adoption.adopted_on.year != adoption.year:
        raise ValidationError({"adopted_on": ValidationError(
            _("“%(document)s” of %(year)d must be adopted within %(year)d (%(org)s).")
            % {"document": document, "year": adoption.year, "org": organization}, code="date_outside_year")})
    clash = DocumentAdoption.objects.filter(organization=organization, document=document, year=adoption.year)
    if adoption.pk:
        clash = clash.exclude(pk=adoption.pk)
    if clash.exists():
        raise ValidationError({NON_FIELD_ERRORS: ValidationError(_adoption_duplicate(adoption), code="duplicate")})


def _adoption_duplicate(adoption: DocumentAdoption) -> str:
    return _("“%(org)s” has already recorded “%(document)s” for %(year)d.") % {
        "org": adoption.organization, "document": adoption.document, "year": adoption.year}


@transaction.atomic
def document_adoption_create(*, organization: Organization, document: RequiredDocument, year: int,
                             adopted_on: dt.date, reference: str = "", user=None) -> DocumentAdoption:
    """Record that a cell adopted a required document for a year (a term document: the term's first year)."""
    _require(user, organization)
    adoption = DocumentAdoption(organization=organization, document=document, year=year, adopted_on=adopted_on,
                                reference=reference or "", recorded_by=_acting(user))
    _validate_adoption(adoption)
    _save(adoption, user, _adoption_duplicate(adoption))
    emit("document_adoption", organization_ids=[organization.pk], years=[year])
    return adoption


@transaction.atomic
def document_checklist_save(*, organization: Organization, year: int, entries: dict, user=None) -> dict:
    """Save a cell's checklist for a year in one go: ``entries`` maps each RequiredDocument to
    ``(adopted_on, reference)`` (adopted) or None (not adopted). Adoptions of that year are created,
    changed or removed to match; documents left out of ``entries`` are not touched. All or nothing: the
    first invalid row refuses the whole checklist, its error keyed by ``<field>_<document id>``.
    Returns {"created": n, "updated": n, "deleted": n}."""
    _require(user, organization)
    _check_year(year)
    current = {a.document_id: a for a in DocumentAdoption.objects.select_for_update()
               .filter(organization=organization, year=year, document__in=list(entries))
               .select_related("document")}
    counts = {"created": 0, "updated": 0, "deleted": 0}
    for document, entry in entries.items():
        existing = current.get(document.pk)
        try:
            if entry is None:
                if existing is not None:
                    _delete(existing, user)
                    counts["deleted"] += 1
                continue
            adopted_on, reference = entry
            if existing is None:
                adoption = DocumentAdoption(organization=organization, document=document, year=year,
                                            adopted_on=adopted_on, reference=reference or "",
                                            recorded_by=_acting(user))
                _validate_adoption(adoption)
                _save(adoption, user, _adoption_duplicate(adoption))
                counts["created"] += 1
            elif (existing.adopted_on, existing.reference) != (adopted_on, reference or ""):
                existing.adopted_on, existing.reference = adopted_on, reference or ""
                existing.recorded_by = _acting(user) or existing.recorded_by
                _validate_adoption(existing)
                _save(existing, user, _adoption_duplicate(existing))
                counts["updated"] += 1
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                raise
            raise ValidationError({f"{field}_{document.pk}" if field != NON_FIELD_ERRORS else field: errors
                                   for field, errors in exc.error_dict.items()}) from exc
    if any(counts.values()):
        emit("document_adoption", organization_ids=[organization.pk], years=[year])
    return counts


# ------------------------------------------------------------------------- report submissions (DUE)

def _validate_submission(submission: ReportSubmission) -> None:
    report, organization = submission.report, submission.organization
    _check_year(submission.year)
    if organization.kind not in TCCSD_KINDS:
        raise ValidationError({"organization": ValidationError(
            _("“%(report)s” is submitted by grassroots party organizations; “%(org)s” is not one.")
            % {"report": report, "org": organization}, code="wrong_organization_kind")})
    _check_existed(organization, submission.year)
    quarter = submission.quarter
    if report.frequency == ReportFrequency.QUARTERLY:
        if quarter not in (1, 2, 3, 4):
            raise ValidationError({"quarter": ValidationError(
                _("“%(report)s” is quarterly: choose quarter 1 to 4.") % {"report": report},
                code="quarter_required")})
        period_start = dt.date(submission.year, quarter * 3 - 2, 1)
    else:
        if quarter not in (0, None):
            raise ValidationError({"quarter": ValidationError(
                _("“%(report)s” is yearly: leave the quarter empty.") % {"report": report},
                code="quarter_not_allowed")})
        submission.quarter = 0
        period_start = dt.date(submission.year, 1, 1)
    day = submission.submitted_on
    if day is None:
        raise ValidationError({"submitted_on": ValidationError(_("Enter the date the report was submitted."),
                                                               code="required")})
    # Reported after the period began and at the latest within the next year (a late Q4 report in January).
    if not period_start <= day <= dt.date(submission.year + 1, 12, 31):
        raise ValidationError({"submitted_on": ValidationError(
            _("A report for %(period)s cannot have been submitted on %(day)s.")
            % {"period": submission_period(report, submission.year, submission.quarter),
               "day": day.strftime("%d/%m/%Y")}, code="date_outside_period")})
    clash = ReportSubmission.objects.filter(report=report, organization=organization, year=submission.year,
                                            quarter=submission.quarter)
    if submission.pk:
        clash = clash.exclude(pk=submission.pk)
    if clash.exists():
        raise ValidationError({NON_FIELD_ERRORS: ValidationError(_submission_duplicate(submission),
                                                                 code="duplicate")})


def submission_period(report: PeriodicReport, year: int, quarter: int) -> str:
    if report.frequency == ReportFrequency.QUARTERLY:
        return _("quarter %(quarter)d/%(year)d") % {"quarter": quarter, "year": year}
    return _("the year %(year)d") % {"year": year}


def _submission_duplicate(submission: ReportSubmission) -> str:
    return _("“%(org)s” has already submitted “%(report)s” for %(period)s.") % {
        "org": submission.organization, "report": submission.report,
        "period": submission_period(submission.report, submission.year, submission.quarter)}


@transaction.atomic
def report_submission_create(*, report: PeriodicReport, organization: Organization, year: int, submitted_on: dt.date,
                             quarter: int | None = 0, reference: str = "", user=None) -> ReportSubmission:
    """Record that a grassroots organization submitted a periodic report (a quarter's, or 0: the year's)."""
    _require(user, organization)
    submission = ReportSubmission(report=report, organization=organization, year=year, quarter=quarter or 0,
                                  submitted_on=submitted_on, reference=reference or "", recorded_by=_acting(user))
    _validate_submission(submission)
    _save(submission, user, _submission_duplicate(submission))
    emit("report_submission", organization_ids=[organization.pk], years=[year])
    return submission


@transaction.atomic
def report_submissions_receive(*, report: PeriodicReport, organizations, year: int, submitted_on: dt.date,
                               quarter: int | None = 0, reference: str = "", user=None) -> int:
    """Mark many organizations' report received on one date: each through ``report_submission_create`` (its
    checks and its change event), all in one transaction, so one refusal records none."""
    for organization in organizations:
        report_submission_create(report=report, organization=organization, year=year, quarter=quarter,
                                 submitted_on=submitted_on, reference=reference, user=user)
    return len(organizations)


@transaction.atomic
def report_submission_update(*, submission: ReportSubmission, user=None, **changes) -> ReportSubmission:
    submission = (ReportSubmission.objects.select_for_update().select_related("organization", "report")
                  .get(pk=submission.pk))
    _require(user, submission.organization)
    before = (submission.organization_id, submission.year)
    _apply(submission, changes, ("report", "organization", "year", "quarter", "submitted_on", "reference"))
    if submission.organization_id != before[0]:
        _require(user, submission.organization)
    submission.quarter = submission.quarter or 0
    submission.reference = submission.reference or ""
    _validate_submission(submission)
    _save(submission, user, _submission_duplicate(submission))
    _emit_both("report_submission", before, (submission.organization_id, submission.year))
    return submission


@transaction.atomic
def report_submission_delete(*, submission: ReportSubmission, user=None) -> None:
    _require(user, submission.organization)
    where = (submission.organization_id, submission.year)
    _delete(submission, user)
    _emit_both("report_submission", where, None)
