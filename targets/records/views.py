"""Pages of the records organizations supply: reported figures, models and exemplars, the required-document
checklist and periodic report submissions. Lists start from ``visible_to(user)`` (every role reads its
subtree); an object outside the user's scope is a 404, one visible but not changeable a 403. Writes go
through the forms' ``submit``, which calls targets.records.services."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from organizations.models import Organization
from organizations.permissions import Perm
from organizations.scoping import require_anywhere, user_can, user_has_anywhere
from targets.records import services
from targets.records.choices import Cadence
from targets.records.forms import (
    TERM_YEARS,
    DocumentChecklistForm,
    FigureFilter,
    ModelFilter,
    RecordFilter,
    RegisteredModelForm,
    ReportedFigureForm,
    ReportSubmissionForm,
    SubmissionFilter,
)
from targets.records.models import (
    DocumentAdoption,
    RegisteredModel,
    ReportedFigure,
    ReportIndicator,
    ReportSubmission,
    RequiredDocument,
)

PER_PAGE = 50
HISTORY_ROWS = 10


def _querystring(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _list_url(name: str, record) -> str:
    """The list narrowed to the record's organization and year: where the user lands after a save."""
    return reverse(name) + "?" + urlencode({"organization": record.organization_id, "year": record.year})


def _editable(user, records) -> set[int]:
    # scope_paths is cached on the user, so this is no query per row.
    return {r.pk for r in records if user_can(user, Perm.REPORT_FIGURES, r.organization)}


def _list(request, *, qs, filters, order, template, decorate=None):
    require_anywhere(request.user, Perm.VIEW)
    qs = filters.apply(qs.visible_to(request.user))
    page = Paginator(qs.order_by(*order), PER_PAGE).get_page(request.GET.get("page"))
    for record in page.object_list:
        if decorate is not None:
            decorate(record)
    return render(request, template, {
        "page": page, "filters": filters, "querystring": _querystring(request),
        "editable": _editable(request.user, page.object_list),
        "may_add": user_has_anywhere(request.user, Perm.REPORT_FIGURES)})


def _changeable(request, queryset, pk):
    """The record if the user sees it (else 404) and may change it (else 403)."""
    record = get_object_or_404(queryset.visible_to(request.user), pk=pk)
    if not user_can(request.user, Perm.REPORT_FIGURES, record.organization):
        raise PermissionDenied
    return record


def _history(record):
    return record.history.select_related("history_user").order_by("-history_date")[:HISTORY_ROWS]


def _form_page(request, *, form, title, list_name, record=None, delete=None, back=None):
    """Create or edit page: a valid POST runs the form's service; "delete" runs ``delete``."""
    if request.method == "POST" and record is not None and "delete" in request.POST:
        target = _list_url(list_name, record)
        delete(record)
        messages.success(request, _("Deleted."))
        return redirect(target)
    if request.method == "POST" and form.is_valid():
        saved = form.submit()
        if saved is not None:
            messages.success(request, _("Saved."))
            return redirect(_list_url(list_name, saved))
    return render(request, "targets/records/record_form.html", {
        "form": form, "title": title, "record": record, "active": list_name.split(":")[1],
        "back": back or reverse(list_name), "history": _history(record) if record is not None else [],
        "indicators": ReportIndicator.objects.order_by("code") if isinstance(form, ReportedFigureForm) else None})


# -------------------------------------------------------------------------------------- reported figures

@login_required
def figure_list(request):
    return _list(request, qs=ReportedFigure.objects.select_related("organization", "indicator"),
                 filters=FigureFilter(request.GET or None, user=request.user),
                 order=("-year", "organization__path", "indicator__code"), template="targets/records/figure_list.html")


@login_required
@require_http_methods(["GET", "POST"])
def figure_create(request):
    require_anywhere(request.user, Perm.REPORT_FIGURES)
    form = ReportedFigureForm(request.POST or None, user=request.user, initial=_initial(request))
    return _form_page(request, form=form, title=_("Report a figure"), list_name="records:figure_list")


@login_required
@require_http_methods(["GET", "POST"])
def figure_edit(request, pk):
    figure = _changeable(request, ReportedFigure.objects.select_related("organization", "indicator"), pk)
    form = ReportedFigureForm(request.POST or None, instance=figure, user=request.user)
    return _form_page(request, form=form, title=_("Edit the reported figure"), list_name="records:figure_list",
                      record=figure, delete=lambda r: services.reported_figure_delete(figure=r, user=request.user))


def _initial(request) -> dict:
    """Prefill a new record's organization and year from the list it was opened from."""
    initial = {}
    for name in ("organization", "year"):
        value = request.GET.get(name, "")
        if value.isdigit():
            initial[name] = int(value)
    return initial


# ------------------------------------------------------------------------------------ registered models

@login_required
def model_list(request):
    return _list(request, qs=RegisteredModel.objects.select_related("organization"),
                 filters=ModelFilter(request.GET or None, user=request.user),
                 order=("-year", "organization__path", "kind", "name"), template="targets/records/model_list.html")


@login_required
@require_http_methods(["GET", "POST"])
def model_create(request):
    require_anywhere(request.user, Perm.REPORT_FIGURES)
    form = RegisteredModelForm(request.POST or None, user=request.user, initial=_initial(request))
    return _form_page(request, form=form, title=_("Register a model or exemplar"), list_name="records:model_list")


@login_required
@require_http_methods(["GET", "POST"])
def model_edit(request, pk):
    model = _changeable(request, RegisteredModel.objects.select_related("organization"), pk)
    form = RegisteredModelForm(request.POST or None, instance=model, user=request.user)
    return _form_page(request, form=form, title=_("Edit the model or exemplar"), list_name="records:model_list",
                      record=model, delete=lambda r: services.registered_model_delete(model=r, user=request.user))


# ----------------------------------------------------------------------------------- report submissions

@login_required
def submission_list(request):
    return _list(request, qs=ReportSubmission.objects.select_related("organization", "report"),
                 filters=SubmissionFilter(request.GET or None, user=request.user),
                 order=("-year", "-quarter", "organization__path", "report__code"),
                 template="targets/records/submission_list.html", decorate=_with_due_date)


def _with_due_date(submission):
    submission.due_on = submission.report.due_date(submission.year, submission.quarter)
    submission.late = submission.submitted_on > submission.due_on


@login_required
@require_http_methods(["GET", "POST"])
def submission_create(request):
    require_anywhere(request.user, Perm.REPORT_FIGURES)
    initial = {"submitted_on": timezone.localdate(), **_initial(request)}
    form = ReportSubmissionForm(request.POST or None, user=request.user, initial=initial)
    return _form_page(request, form=form, title=_("Record a report submission"),
                      list_name="records:submission_list")


@login_required
@require_http_methods(["GET", "POST"])
def submission_edit(request, pk):
    submission = _changeable(request, ReportSubmission.objects.select_related("organization", "report"), pk)
    form = ReportSubmissionForm(request.POST or None, instance=submission, user=request.user)
    return _form_page(request, form=form, title=_("Edit the report submission"),
                      list_name="records:submission_list", record=submission,
                      delete=lambda r: services.report_submission_delete(submission=r, user=request.user))


# ---------------------------------------------------------------------------------- documents adopted

def _year(value) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return timezone.localdate().year
    return year if 1930 <= year <= 2100 else timezone.localdate().year


def _existing_in(year: int):
    """Organizations that existed during at least part of ``year``."""
    return Q(founded_on__lte=dt.date(year, 12, 31)) & (Q(dissolved_on__isnull=True)
                                                     | Q(dissolved_on__gt=dt.date(year, 1, 1)))


@login_required
def document_list(request):
    """The required-document checklist of a year: every cell of the chosen subtree with each document
    adopted or not (one cell chosen: its full checklist with dates and references)."""
    require_anywhere(request.user, Perm.VIEW)
    year = _year(request.GET.get("year"))
    data = request.GET.copy()
    data["year"] = str(year)  # the grid is always of one year: show which
    filters = RecordFilter(data, user=request.user)
    chosen = filters.cleaned_data.get("organization") if filters.is_valid() else None
    cells = Organization.objects.visible_to(request.user).cells().filter(_existing_in(year))
    if chosen is not None:
        cells = cells.filter(path__startswith=chosen.path)
    page = Paginator(cells.order_by("path"), PER_PAGE).get_page(request.GET.get("page"))
    documents = list(RequiredDocument.objects.order_by("cadence", "order", "code"))
    adoptions = DocumentAdoption.objects.filter(organization__in=list(page.object_list),
                                                year__range=(year - TERM_YEARS + 1, year)).order_by("year")
    term_ids = {d.pk for d in documents if d.cadence == Cadence.TERM}
    found: dict[tuple[int, int], DocumentAdoption] = {}
    for a in adoptions:
        # A yearly document counts in its year only; a term document adopted earlier in the term still holds.
        if a.year == year or a.document_id in term_ids:
            found[(a.organization_id, a.document_id)] = a
    rows = []
    for cell in page.object_list:
        checks = [(d, found.get((cell.pk, d.pk))) for d in documents]
        rows.append({"cell": cell, "checks": checks, "may_change": user_can(request.user, Perm.REPORT_FIGURES, cell),
                     "term_done": sum(1 for d, a in checks if a and d.cadence == Cadence.TERM),
                     "year_done": sum(1 for d, a in checks if a and d.cadence == Cadence.YEAR)})
    return render(request, "targets/records/document_list.html", {
        "page": page, "rows": rows, "filters": filters, "year": year, "documents": documents,
        "term_total": len(term_ids), "year_total": len(documents) - len(term_ids),
        "single": len(rows) == 1 and chosen is not None and chosen.is_cell,
        "querystring": _querystring(request)})


@login_required
@require_http_methods(["GET", "POST"])
def document_edit(request, organization, year):
    cell = get_object_or_404(Organization.objects.visible_to(request.user).cells(), pk=organization)
    if not user_can(request.user, Perm.REPORT_FIGURES, cell):
        raise PermissionDenied
    if not services.MIN_YEAR <= year <= timezone.localdate().year + 1:
        raise Http404
    form = DocumentChecklistForm(request.POST or None, organization=cell, year=year, user=request.user)
    if request.method == "POST" and form.is_valid():
        if form.submit() is not None:
            messages.success(request, _("Saved."))
            return redirect(reverse("records:document_list") + "?" + urlencode({"organization": cell.pk,
                                                                                "year": year}))
    return render(request, "targets/records/document_edit.html", {"form": form, "cell": cell, "year": year})
