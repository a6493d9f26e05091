"""Admission pages. Reads start from Candidate.objects.visible_to(user) (404 outside the user's scope);
writes need RUN_ADMISSIONS on the candidate's cell (403 otherwise) and go through members.admissions.services,
which checks the user's right again."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.forms import add_service_error
from core.lists import export_response, list_page
from members.admissions.choices import ADMISSION_ATTRIBUTES, CandidateStatus, ProbationOutcome
from members.admissions.filters import CandidateFilterSet, ProbationFilterSet
from members.admissions.forms import (
    AdmitForm,
    CandidateForm,
    ProbationDecisionForm,
    SponsorForm,
    StageForm,
    default_year_range,
)
from members.admissions.models import AdmissionStage, Candidate
from members.admissions.queries import admissions_by_year, pipeline_by_stage, stuck_candidates
from members.admissions.services import (
    candidate_admit,
    candidate_checks,
    candidate_create,
    candidate_update,
    probation_decide,
    probation_end,
    probation_rows,
    sponsor_add,
    stage_record,
)
from members.admissions.tables import CandidateTable, ProbationTable
from organizations.models import Organization
from organizations.permissions import Perm
from organizations.scoping import require_anywhere, scope_roots, user_can, user_has_anywhere

PER_PAGE = 50


def _candidate_to_change(request, pk) -> Candidate:
    """404 when not visible at all, 403 when visible but the user may not run its admission."""
    candidate = get_object_or_404(Candidate.objects.visible_to(request.user).select_related("cell", "current_stage"),
                                  pk=pk)
    if not user_can(request.user, Perm.RUN_ADMISSIONS, candidate.cell):
        raise PermissionDenied
    return candidate


@login_required
def candidate_list(request):
    require_anywhere(request.user, Perm.VIEW)
    candidates = (Candidate.objects.visible_to(request.user).select_related("cell", "current_stage", "member")
                  .order_by("full_name", "id"))
    page = list_page(request, "candidates", candidates, filterset_class=CandidateFilterSet,
                     table_class=CandidateTable, per_page=PER_PAGE)
    if page.exporting:
        return export_response(page, "quan-chung-uu-tu")
    return render(request, "members/admissions/candidate_list.html", page.context(
        can_run=user_has_anywhere(request.user, Perm.RUN_ADMISSIONS)))


@login_required
@require_http_methods(["GET", "POST"])
def candidate_create_view(request):
    require_anywhere(request.user, Perm.RUN_ADMISSIONS)
    form = CandidateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            candidate = candidate_create(cell=form.cleaned_data["cell"], user=request.user, **form.candidate_data())
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Added %(name)s to the admission pipeline.") % {"name": candidate.full_name})
            return redirect("admissions:candidate_detail", pk=candidate.pk)
    return render(request, "members/admissions/form.html", {"form": form, "title": _("Add a candidate")})


@login_required
def candidate_detail(request, pk):
    candidate = get_object_or_404(
        Candidate.objects.visible_to(request.user).select_related("cell", "current_stage", "member"), pk=pk)
    recorded = {row.stage_id: row for row in candidate.stages.select_related("stage", "recorded_by")}
    timeline = [{"stage": s, "row": recorded.get(s.pk)} for s in AdmissionStage.objects.all()
                if s.active or s.pk in recorded]
    probation = probation_rows([candidate])[0] if candidate.admitted_on else None
    return render(request, "members/admissions/candidate_detail.html", {
        "candidate": candidate,
        "timeline": timeline,
        "sponsors": candidate.sponsors.select_related("member", "member__cell"),
        "checks": candidate_checks(candidate),
        "probation": probation,
        "can_run": user_can(request.user, Perm.RUN_ADMISSIONS, candidate.cell),
        "with_sensitive": user_can(request.user, Perm.VIEW_SENSITIVE, candidate.cell),
        "in_progress": candidate.status == CandidateStatus.IN_PROGRESS,
        "pending_probation": candidate.probation_outcome == ProbationOutcome.PENDING,
    })


@login_required
@require_http_methods(["GET", "POST"])
def candidate_edit(request, pk):
    candidate = _candidate_to_change(request, pk)
    with_sensitive = user_can(request.user, Perm.VIEW_SENSITIVE, candidate.cell)
    form = CandidateForm(request.POST or None, instance=candidate, user=request.user, with_sensitive=with_sensitive)
    if request.method == "POST" and form.is_valid():
        try:
            candidate_update(candidate=candidate, cell=form.cleaned_data["cell"], user=request.user,
                             **form.candidate_data())
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Saved the changes."))
            return redirect("admissions:candidate_detail", pk=candidate.pk)
    return render(request, "members/admissions/form.html", {
        "form": form, "candidate": candidate, "title": _("Edit %(name)s") % {"name": candidate.full_name}})


def _action(request, candidate, form, title, submit, *, danger=False, checks=None):
    return render(request, "members/admissions/form.html", {
        "form": form, "candidate": candidate, "title": title, "submit": submit, "danger": danger, "checks": checks})


@login_required
@require_http_methods(["GET", "POST"])
def stage_record_view(request, pk):
    candidate = _candidate_to_change(request, pk)
    form = StageForm(request.POST or None, candidate=candidate)
    if request.method == "POST" and form.is_valid():
        try:
            stage_record(candidate=candidate, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Recorded the stage."))
            return redirect("admissions:candidate_detail", pk=candidate.pk)
    return _action(request, candidate, form, _("Record a stage for %(name)s") % {"name": candidate.full_name},
                   _("Record"))


@login_required
@require_http_methods(["GET", "POST"])
def sponsor_add_view(request, pk):
    candidate = _candidate_to_change(request, pk)
    form = SponsorForm(request.POST or None, user=request.user, candidate=candidate)
    if request.method == "POST" and form.is_valid():
        try:
            sponsor_add(candidate=candidate, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Recorded the sponsor."))
            return redirect("admissions:candidate_detail", pk=candidate.pk)
    return _action(request, candidate, form, _("Add a sponsor for %(name)s") % {"name": candidate.full_name},
                   _("Add"))


@login_required
@require_http_methods(["GET", "POST"])
def candidate_admit_view(request, pk):
    candidate = _candidate_to_change(request, pk)
    form = AdmitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = candidate_admit(candidate=candidate, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("%(name)s was admitted and is now a probationary member.")
                             % {"name": member.full_name})
            return redirect("admissions:candidate_detail", pk=candidate.pk)
    return _action(request, candidate, form, _("Admit %(name)s") % {"name": candidate.full_name}, _("Admit"),
                   checks=candidate_checks(candidate))


@login_required
def probation_list(request):
    """Probationary members with the end of their 12 months and the cell's deadline; ``?overdue=1`` lists
    those whose deadline has passed without a decision."""
    require_anywhere(request.user, Perm.VIEW)
    today = dt.date.today()
    candidates = (Candidate.objects.visible_to(request.user).on_probation().select_related("cell", "member")
                  .order_by("admitted_on", "id"))
    page = list_page(request, "probation", candidates, filterset_class=ProbationFilterSet,
                     table_class=ProbationTable, per_page=PER_PAGE, today=today)
    if page.exporting:
        return export_response(page, "dang-vien-du-bi")
    filterset, table = page.filterset, page.table
    return render(request, "members/admissions/probation_list.html", {
        "filterset": filterset, "table": table, "list_page": page, "rows": list(table.probation.values()),
        "overdue_only": filterset.overdue_only(), "today": today,
    })


@login_required
@require_http_methods(["GET", "POST"])
def probation_decide_view(request, pk):
    candidate = _candidate_to_change(request, pk)
    if candidate.member_id is None:
        messages.error(request, _("%(name)s has not been admitted.") % {"name": candidate.full_name})
        return redirect("admissions:candidate_detail", pk=candidate.pk)
    form = ProbationDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            probation_decide(candidate=candidate, decided_on=data["decided_on"], fit=data["outcome"] == "fit",
                             decision=data["decision"], note=data["note"], user=request.user)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Recorded the decision on the probation."))
            return redirect("admissions:candidate_detail", pk=candidate.pk)
    end = probation_end(candidate.admitted_on)
    return render(request, "members/admissions/form.html", {
        "form": form, "candidate": candidate, "submit": _("Record"),
        "title": _("Full membership of %(name)s") % {"name": candidate.full_name},
        "intro": _("The probation ends on %(end)s; full membership counts from that date.") % {
            "end": end.strftime("%d/%m/%Y")},
    })


def _board_organization(request) -> Organization:
    visible = Organization.objects.visible_to(request.user)
    chosen = request.GET.get("organization")
    if chosen:
        return get_object_or_404(visible, pk=chosen)
    top = scope_roots(request.user).first()
    if top is None:
        raise Http404
    return top


@login_required
def board(request):
    """Admissions board of a scope organization: admissions per year by attribute (the same query the
    targets use), candidates in progress by stage, and who has been stuck for six months."""
    require_anywhere(request.user, Perm.VIEW)
    organization = _board_organization(request)
    years = default_year_range()
    counts = admissions_by_year([organization.pk], years)[organization.pk]
    table = [{"key": key, "label": label, "values": [counts[y][key] for y in years]}
             for key, label in ADMISSION_ATTRIBUTES]
    return render(request, "members/admissions/board.html", {
        "organization": organization,
        "organizations": [
            (o.pk, "\u2003" * max(o.depth - 1, 0) + o.name)
            for o in Organization.objects.visible_to(request.user).exclude(kind__in=["sub_cell", "party_group"])
            .only("pk", "name", "depth", "path")
        ],
        "years": years,
        "counts": counts,
        "table": table,
        "pipeline": pipeline_by_stage(organization),
        "stuck": stuck_candidates(organization, today=dt.date.today()),
    })
