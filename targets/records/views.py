"""Pages of the records organizations supply: reported figures, models and exemplars, the required-document
checklist and periodic report submissions. Lists start from ``visible_to(user)`` (every role reads its
subtree); an object outside the user's scope is a 404, one visible but not changeable a 403. Writes go
through the forms' ``submit``, which calls targets.records.services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from core.lists import export_response, filter_rows, list_page, paginate
from organizations.display import parent_name
from organizations.models import Organization
from organizations.permissions import Perm
from organizations.scoping import require_anywhere, user_can, user_has_anywhere
from targets.records import services
from targets.records.choices import ReportFrequency
from targets.records.filters import (
    DocumentFilterSet,
    FigureFilterSet,
    ModelFilterSet,
    OwedFilterSet,
    SubmissionFilterSet,
)
from targets.records.forms import (
    DocumentChecklistForm,
    ReceivedForm,
    RegisteredModelForm,
    ReportedFigureForm,
    ReportSubmissionForm,
)
from targets.records.models import RegisteredModel, ReportedFigure, ReportIndicator, ReportSubmission, RequiredDocument
from targets.records.tables import DocumentTable, FigureTable, ModelTable, OwedTable, SubmissionTable

PER_PAGE = 50
HISTORY_ROWS = 10


def _querystring(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _list_url(name: str, record) -> str:
    """The list narrowed to the record's organization and year: where the user lands after a save."""
    return reverse(name) + "?" + urlencode({"organization": record.organization_id, "year": record.year})


def _list(request, key, queryset, *, filterset_class, table_class, template):
    """A record list: ``queryset`` starts from the model's ``visible_to(request.user)``."""
    require_anywhere(request.user, Perm.VIEW)
    page = list_page(request, key, queryset, filterset_class=filterset_class, table_class=table_class,
                     per_page=PER_PAGE)
    if page.exporting:
        return export_response(page, key.replace("_", "-"))
    filterset, table = page.filterset, page.table
    return render(request, template, {
        "filterset": filterset, "table": table, "list_page": page, "editable": table.editable,
        "querystring": _querystring(request),
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
    figures = (ReportedFigure.objects.visible_to(request.user).select_related("organization", "indicator")
               .order_by("-year", "organization__path", "indicator__code"))
    return _list(request, "figures", figures, filterset_class=FigureFilterSet, table_class=FigureTable,
                 template="targets/records/figure_list.html")


@login_required
@require_http_methods(["GET", "POST"])
def figure_create(request):
    require_anywhere(request.user, Perm.REPORT_FIGURES)
    form = ReportedFigureForm(request.POST or None, user=request.user,
                              initial=_initial(request, "indicator", "numerator"), refresh_url=request.path)
    return _form_page(request, form=form, title=_("Report a figure"), list_name="records:figure_list")


@login_required
@require_http_methods(["GET", "POST"])
def figure_edit(request, pk):
    figure = _changeable(request, ReportedFigure.objects.select_related("organization", "indicator"), pk)
    form = ReportedFigureForm(request.POST or None, instance=figure, user=request.user,
                              initial=_initial(request, "indicator", "numerator"), refresh_url=request.path)
    return _form_page(request, form=form, title=_("Edit the reported figure"), list_name="records:figure_list",
                      record=figure, delete=lambda r: services.reported_figure_delete(figure=r, user=request.user))


def _initial(request, *more: str) -> dict:
    """Prefill a new record's organization and year from the list it was opened from (and the form's own
    choices when it is redrawn after one changed)."""
    initial = {}
    for name in ("organization", "year", *more):
        value = request.GET.get(name, "")
        if value.isdigit():
            initial[name] = int(value)
    return initial


# ------------------------------------------------------------------------------------ registered models

@login_required
def model_list(request):
    models = (RegisteredModel.objects.visible_to(request.user).select_related("organization")
              .order_by("-year", "organization__path", "kind", "name"))
    return _list(request, "models", models, filterset_class=ModelFilterSet, table_class=ModelTable,
                 template="targets/records/model_list.html")


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
    # The due date and lateness are read from the select_related report (no query a row).
    submissions = (ReportSubmission.objects.visible_to(request.user).select_related("organization", "report")
                   .order_by("-year", "-quarter", "organization__path", "report__code"))
    return _list(request, "submissions", submissions, filterset_class=SubmissionFilterSet, table_class=SubmissionTable,
                 template="targets/records/submission_list.html")


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


@login_required
@require_http_methods(["GET", "POST"])
def submission_owed(request):
    """The grassroots organizations under the user that owe one period of a report (active and founded by its
    due date, not submitted yet), to tick and mark received on one date: all of them or, if one is refused
    (not the user's to record, a date outside the period), none (services.report_submissions_receive)."""
    require_anywhere(request.user, Perm.VIEW)
    may_record = user_has_anywhere(request.user, Perm.REPORT_FIGURES)
    if request.method == "POST" and not may_record:
        raise PermissionDenied
    # The POST repeats the report, the period and the subtree (hidden fields), so it acts on the rows shown.
    filterset = OwedFilterSet(request.POST if request.method == "POST" else request.GET, request=request,
                              queryset=Organization.objects.none())
    report = year = quarter = due = None
    organizations = Organization.objects.none()
    if filterset.is_valid():
        data = filterset.form.cleaned_data
        report, year = data["report"], data["year"]
        quarter = int(data.get("quarter") or 0) if report.frequency == ReportFrequency.QUARTERLY else 0
        if report.frequency == ReportFrequency.QUARTERLY and not quarter:
            filterset.form.add_error("quarter", _("“%(report)s” is quarterly: choose quarter 1 to 4.")
                                     % {"report": report})
        else:
            due = report.due_date(year, quarter)
            submitted = ReportSubmission.objects.filter(report=report, year=year, quarter=quarter)
            organizations = (Organization.objects.visible_to(request.user).tccsd().filter(founded_on__lte=due)
                             .filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=due))
                             .exclude(pk__in=submitted.values("organization_id"))
                             .annotate(parent_name=parent_name()).order_by("path"))
            if data.get("organization"):
                organizations = organizations.filter(path__startswith=data["organization"].path)
    form = ReceivedForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and due is not None and form.is_valid():
        ids = {int(v) for v in request.POST.getlist("selected") if v.isdigit() and int(v) < 2**31}
        chosen = list(organizations.filter(pk__in=ids))
        if not chosen or len(chosen) != len(ids):
            messages.error(request, _("Tick the organizations whose report was received (those still owing it)."))
        else:
            try:
                n = services.report_submissions_receive(
                    report=report, organizations=chosen, year=year, quarter=quarter, user=request.user,
                    submitted_on=form.cleaned_data["submitted_on"], reference=form.cleaned_data["reference"])
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, " ".join(exc.messages) if isinstance(exc, ValidationError)
                               else _("You may not record reports for some of the ticked organizations."))
            else:
                messages.success(request, ngettext("Marked %(n)s report received.", "Marked %(n)s reports received.",
                                                   n) % {"n": n})
                return redirect(reverse("records:submission_owed") + "?" + filterset_query(filterset))
    table = paginate(request, OwedTable(organizations, exclude=() if may_record else ("selected",)), PER_PAGE)
    return render(request, "targets/records/submission_owed.html", {
        "filterset": filterset, "table": table, "form": form, "report": report, "due": due, "year": year,
        "quarter": quarter, "may_record": may_record, "repeat": {k: filterset.data.get(k) for k in (
            "report", "year", "quarter", "organization") if filterset.data.get(k)}})


def filterset_query(filterset) -> str:
    return urlencode({k: filterset.data.get(k) for k in ("report", "year", "quarter", "organization")
                      if filterset.data.get(k)})


# ---------------------------------------------------------------------------------- documents adopted

@login_required
def document_list(request):
    """The required-document checklist of a year: every cell of the chosen subtree with each document
    adopted or not (one cell chosen: its full checklist with dates and references)."""
    require_anywhere(request.user, Perm.VIEW)
    documents = list(RequiredDocument.objects.order_by("cadence", "order", "code"))
    filterset, cells = filter_rows(request, DocumentFilterSet,
                                   Organization.objects.visible_to(request.user).cells().order_by("path"))
    table = paginate(request, DocumentTable(cells, year=filterset.year, documents=documents), PER_PAGE)
    rows = list(table.rows_by_cell.values())  # the cells of this page with their checklists
    chosen = filterset.chosen_organization()
    return render(request, "targets/records/document_list.html", {
        "filterset": filterset, "table": table, "rows": rows, "year": filterset.year, "documents": documents,
        "single": len(rows) == 1 and chosen is not None and chosen.is_cell})


@login_required
@require_http_methods(["GET", "POST"])
def document_edit(request, organization, year):
    cell = get_object_or_404(Organization.objects.visible_to(request.user).cells(), pk=organization)
    if not user_can(request.user, Perm.REPORT_FIGURES, cell):
        raise PermissionDenied
    if not services.MIN_YEAR <= year <= timezone.localdate().year + 1:
        raise Http404
    form = DocumentChecklistForm(request.POST or None, organization=cell, year=year, user=request.user)
    if request.method == "POST" and form.is_valid() and form.submit() is not None:
        messages.success(request, _("Saved."))
        return redirect(reverse("records:document_list") + "?" + urlencode({"organization": cell.pk, "year": year}))
    return render(request, "targets/records/document_edit.html", {"form": form, "cell": cell, "year": year})
