"""Pages of resolutions, targets and recompute runs. Reads start from ``visible_to(user)`` (404 outside the
user's scope, 403 when visible but not changeable). Resolutions not attached to an organization yet
(catalogue entries, scope empty) are seen only by users who may change targets somewhere: they are the
ones who attach them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.forms import add_service_error
from core.params import int_param
from organizations.models import Organization
from organizations.permissions import Perm
from organizations.scoping import is_administrator, require_administrator, require_anywhere
from targets.engine import services
from targets.engine.formatting import (
    STATUS_CLASSES,
    STATUS_ICONS,
    attainment_text,
    bounds_text,
    missing_text,
    rule_notes_text,
    with_unit,
)
from targets.engine.forms import ResolutionForm, TargetForm
from targets.engine.metrics import REGISTRY
from targets.engine.models import Attainment, RecomputeRun, Resolution, Target
from targets.engine.recompute import start_full_recompute
from targets.engine.services import may_change


@login_required
def resolution_list(request):
    require_anywhere(request.user, Perm.VIEW)
    resolutions = (Resolution.objects.visible_to(request.user).select_related("scope", "issuing_body")
                   .annotate(target_count=Count("targets")).order_by("-end_year", "code"))
    return render(request, "targets/resolution_list.html", {
        "resolutions": resolutions, "may_recompute": is_administrator(request.user)})


def default_year(resolution) -> int:
    """This year while the resolution is in force, else its last year (its final figures)."""
    this_year = timezone.localdate().year
    return this_year if resolution.start_year <= this_year <= resolution.end_year else resolution.end_year


@login_required
def resolution_detail(request, pk):
    """The resolution's targets with their figures for one organization and year. A constant number of
    queries: the targets, the organizations to choose from and the chosen figures are one query each."""
    user = request.user
    resolution = get_object_or_404(Resolution.objects.visible_to(user).select_related("scope", "issuing_body"), pk=pk)
    # Through the reverse manager each target shares this resolution object (no query per target).
    targets = list(resolution.targets.order_by("order", "code"))
    years = sorted(set(resolution.years).union(*(t.years for t in targets)))
    year = int_param(request.GET.get("year"))
    if year not in years:
        year = default_year(resolution)

    organizations, organization = [], None
    if resolution.scope_id:
        # The scope, and the organizations under it that have figures of this resolution.
        with_rows = Attainment.objects.filter(target__resolution=resolution).values("organization_id")
        organizations = list(Organization.objects.visible_to(user)
                             .filter(path__startswith=resolution.scope.path)
                             .filter(Q(pk=resolution.scope_id) | Q(pk__in=with_rows)).order_by("path"))
        asked = int_param(request.GET.get("organization"))
        if asked is not None:
            organization = next((o for o in organizations if o.pk == asked), None)
            if organization is None:
                raise Http404
        else:
            organization = next((o for o in organizations if o.pk == resolution.scope_id),
                                organizations[0] if organizations else None)

    found = {}
    if organization is not None:
        found = {a.target_id: a for a in Attainment.objects.visible_to(user).filter(
            target__resolution=resolution, organization=organization, year=year)}
    rows = []
    for target in targets:
        attainment = found.get(target.pk)
        row = {"target": target, "bounds": bounds_text(target), "attainment": attainment}
        if attainment is not None:
            attainment.target, attainment.organization = target, organization  # already fetched
            row.update({
                "actual": attainment_text(attainment),
                "status_label": attainment.get_status_display(),
                "icon": STATUS_ICONS.get(attainment.status, "bi-question-circle"),
                "css": STATUS_CLASSES.get(attainment.status, "secondary"),
                "missing": missing_text(attainment.missing),
                "rule_notes": rule_notes_text(attainment),
                "projection": (with_unit(attainment.projection, target.unit)
                               if attainment.projection is not None else ""),
                "stale": bool(attainment.inputs_changed_at and attainment.inputs_changed_at > attainment.computed_at),
            })
        rows.append(row)
    changeable = may_change(user, resolution)
    return render(request, "targets/resolution_detail.html", {
        "resolution": resolution, "rows": rows, "years": years, "year": year, "organizations": organizations,
        "organization": organization, "may_change": changeable,
        "may_recompute": changeable and resolution.scope_id is not None})


def _after_save(request, run, resolution_pk: int):
    """Where a saved edit leads: the recompute it started (its figures depend on what changed), or the
    resolution's page."""
    if run is not None:
        messages.success(request, _("Saved. The figures are being recomputed."))
        return redirect("targets:run_detail", pk=run.pk)
    messages.success(request, _("Saved."))
    return redirect("targets:resolution_detail", pk=resolution_pk)


@login_required
@require_http_methods(["GET", "POST"])
def resolution_edit(request, pk):
    resolution = get_object_or_404(Resolution.objects.visible_to(request.user).select_related("scope"), pk=pk)
    if not may_change(request.user, resolution):
        raise PermissionDenied
    form = ResolutionForm(request.POST or None, instance=resolution, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            resolution, run = services.resolution_update(resolution=resolution, user=request.user,
                                                         **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            return _after_save(request, run, resolution.pk)
    return render(request, "targets/resolution_form.html", {"form": form, "resolution": resolution})


@login_required
@require_http_methods(["GET", "POST"])
def target_edit(request, pk):
    target = get_object_or_404(Target.objects.visible_to(request.user).select_related("resolution__scope"), pk=pk)
    if not may_change(request.user, target.resolution):
        raise PermissionDenied
    form = TargetForm(request.POST or None, instance=target)
    if request.method == "POST" and form.is_valid():
        try:
            target, run = services.target_update(target=target, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            return _after_save(request, run, target.resolution_id)
    metric = REGISTRY.get(target.family)
    return render(request, "targets/target_form.html", {
        "form": form, "target": target, "resolution": target.resolution,
        "params_help": sorted(metric.params_help.items()) if metric else []})


@login_required
@require_POST
def recompute(request):
    """Queue a full recompute: of one resolution (``resolution`` in the form) the user may change, or — for
    administrators only — of every target: a full run rewrites every organization's figures."""
    require_anywhere(request.user, Perm.CHANGE_TARGETS)
    resolution = None
    if request.POST.get("resolution"):
        resolution = get_object_or_404(Resolution.objects.visible_to(request.user).select_related("scope"),
                                       pk=int_param(request.POST["resolution"], 0))
        if not may_change(request.user, resolution):
            raise PermissionDenied
    else:
        require_administrator(request.user)
    run = start_full_recompute(user=request.user, resolution=resolution)
    return redirect("targets:run_detail", pk=run.pk)


def _run_for(request, pk) -> RecomputeRun:
    """Runs are for users who may change targets; the run is the object checked: a run of one resolution
    only for who may change that resolution, a run of everything (full, or of the changes of every
    organization) only for administrators. Outside that the run does not exist for the user (404)."""
    require_anywhere(request.user, Perm.CHANGE_TARGETS)
    run = get_object_or_404(RecomputeRun.objects.select_related("resolution__scope", "requested_by"), pk=pk)
    allowed = may_change(request.user, run.resolution) if run.resolution_id else is_administrator(request.user)
    if not allowed:
        raise Http404
    return run


def _progress_context(run) -> dict:
    return {"run": run, "progress_url": reverse("targets:run_progress", args=[run.pk]),
            "note_template": "targets/_run_note.html", "after_template": "targets/_run_after.html"}


@login_required
def run_detail(request, pk):
    run = _run_for(request, pk)
    return render(request, "targets/run_detail.html", _progress_context(run))


@login_required
def run_progress(request, pk):
    """Just the progress bar: the run page polls it every second until the run has ended."""
    run = _run_for(request, pk)
    return render(request, "_run_progress.html", _progress_context(run))
