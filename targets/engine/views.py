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
from organizations.scoping import is_administrator, require_administrator, require_anywhere, user_has_anywhere
from targets.engine import services
from targets.engine.baselines import compare
from targets.engine.choices import Family
from targets.engine.compute import preview_target
from targets.engine.formatting import (
    STATUS_CLASSES,
    STATUS_ICONS,
    attainment_text,
    beside_text,
    bounds_text,
    missing_text,
    rule_notes_text,
    with_unit,
)
from targets.engine.forms import (
    BASELINE_PREFIX,
    FamilyForm,
    ResolutionCopyForm,
    ResolutionCreateForm,
    ResolutionForm,
    TargetCreateForm,
    TargetForm,
    baseline_formset,
)
from targets.engine.models import Attainment, RecomputeRun, Resolution, Target
from targets.engine.recompute import start_full_recompute
from targets.engine.services import may_change


@login_required
def resolution_list(request):
    require_anywhere(request.user, Perm.VIEW)
    resolutions = (Resolution.objects.visible_to(request.user).select_related("scope", "issuing_body")
                   .annotate(target_count=Count("targets")).order_by("-end_year", "code"))
    return render(request, "targets/resolution_list.html", {
        "resolutions": resolutions, "may_recompute": is_administrator(request.user),
        "may_create": user_has_anywhere(request.user, Perm.CHANGE_TARGETS)})


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
                "beside": beside_text(attainment),
                "projection": (with_unit(attainment.projection, target.unit)
                               if attainment.projection is not None else ""),
                "stale": bool(attainment.inputs_changed_at and attainment.inputs_changed_at > attainment.computed_at),
            })
        rows.append(row)
    changeable = may_change(user, resolution)
    return render(request, "targets/resolution_detail.html", {
        "resolution": resolution, "rows": rows, "years": years, "year": year, "organizations": organizations,
        "organization": organization, "may_change": changeable,
        # The document's own baseline figures beside the register's (one query, and the register's composition
        # once per date the figures are given for).
        "comparisons": compare(resolution),
        "may_copy": user_has_anywhere(user, Perm.CHANGE_TARGETS),
        "may_recompute": changeable and resolution.scope_id is not None})


def _after_save(request, run, resolution_pk: int):
    """Where a saved edit leads: the recompute it started (its figures depend on what changed), or the
    resolution's page."""
    if run is not None:
        messages.success(request, _("Saved. The figures are being recomputed."))
        return redirect("targets:run_detail", pk=run.pk)
    messages.success(request, _("Saved."))
    return redirect("targets:resolution_detail", pk=resolution_pk)


def _baselines_posted(request, resolution=None):
    """The baseline formset, bound when the post carries it (its management form); a post without it (an API-like
    client, an older page) leaves the figures as they are."""
    posted = request.method == "POST" and f"{BASELINE_PREFIX}-TOTAL_FORMS" in request.POST
    return baseline_formset(request.POST if posted else None, resolution), posted


@login_required
@require_http_methods(["GET", "POST"])
def resolution_edit(request, pk):
    resolution = get_object_or_404(Resolution.objects.visible_to(request.user).select_related("scope"), pk=pk)
    if not may_change(request.user, resolution):
        raise PermissionDenied
    form = ResolutionForm(request.POST or None, instance=resolution, user=request.user)
    baselines, posted = _baselines_posted(request, resolution)
    if request.method == "POST" and form.is_valid() and (not posted or baselines.is_valid()):
        try:
            resolution, run = services.resolution_update(resolution=resolution, user=request.user,
                                                         baselines=baselines.rows() if posted else None,
                                                         **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            return _after_save(request, run, resolution.pk)
    return render(request, "targets/resolution_form.html", {"form": form, "baselines": baselines,
                                                            "resolution": resolution})


@login_required
@require_http_methods(["GET", "POST"])
def resolution_create(request):
    require_anywhere(request.user, Perm.CHANGE_TARGETS)
    form = ResolutionCreateForm(request.POST or None, user=request.user)
    baselines, posted = _baselines_posted(request)
    if request.method == "POST" and form.is_valid() and (not posted or baselines.is_valid()):
        try:
            resolution = services.resolution_create(user=request.user, baselines=baselines.rows() if posted else [],
                                                    **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Saved. Add its targets."))
            return redirect("targets:resolution_detail", pk=resolution.pk)
    return render(request, "targets/resolution_form.html", {"form": form, "baselines": baselines,
                                                            "resolution": None})


@login_required
@require_http_methods(["GET", "POST"])
def resolution_copy(request, pk):
    """A new resolution from this one (next year's annual resolution from this year's): the form proposes the
    years after the source's."""
    require_anywhere(request.user, Perm.CHANGE_TARGETS)
    source = get_object_or_404(Resolution.objects.visible_to(request.user).select_related("scope"), pk=pk)
    span = source.end_year - source.start_year + 1
    initial = {"number": source.number, "title": source.title, "scope": source.scope_id,
               "start_year": source.start_year + span, "end_year": source.end_year + span}
    form = ResolutionCopyForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            resolution, run = services.resolution_copy(source=source, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            return _after_save(request, run, resolution.pk)
    return render(request, "targets/resolution_form.html", {"form": form, "resolution": None, "source": source})


def _preview_year() -> int:
    return timezone.localdate().year - 1


def _preview(target) -> dict:
    """The figure the target as filled in would have for the resolution's organization last year, computed
    by the engine and written nowhere (``compute.preview_target``)."""
    year = _preview_year()
    try:
        services.check_target(target)
        attainment = preview_target(target, year)
    except ValidationError:
        raise
    except Exception as exc:  # a metric that cannot compute these parameters: said, not a 500
        return {"year": year, "error": services.computation_error_text(exc)}
    if attainment is None:
        return {"year": year, "unattached": True}
    return {"year": year, "attainment": attainment, "actual": attainment_text(attainment),
            "beside": beside_text(attainment), "status_label": attainment.get_status_display(),
            "missing": missing_text(attainment.missing),
            "css": STATUS_CLASSES.get(attainment.status, "secondary"),
            "icon": STATUS_ICONS.get(attainment.status, "bi-question-circle")}


def _target_page(request, form, target, resolution, *, save):
    """The target form's POST: "preview" computes the target as filled in without saving anything; "save"
    calls ``save(cleaned_data)`` (the service)."""
    preview = None
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        if request.POST.get("action") == "preview":
            for name, value in fields.items():
                if name != "code":
                    setattr(target, name, value)
            try:
                preview = _preview(target)
            except ValidationError as exc:
                add_service_error(form, exc)
        else:
            try:
                target, run = save(fields)
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                return _after_save(request, run, resolution.pk)
    return render(request, "targets/target_form.html", {
        "form": form, "target": target, "resolution": resolution, "metric": form.metric,
        "family_label": Family(form.metric.family).label, "preview": preview, "preview_year": _preview_year()})


@login_required
@require_http_methods(["GET", "POST"])
def target_create(request, pk):
    """A new target of a resolution: first its metric family (GET ``family``), then its fields and the
    parameters that family declares."""
    resolution = get_object_or_404(Resolution.objects.visible_to(request.user).select_related("scope"), pk=pk)
    if not may_change(request.user, resolution):
        raise PermissionDenied
    # The family comes in the query (the first step's GET form) or with the POST (the form repeats it).
    chosen = request.GET.get("family") or request.POST.get("family")
    family_form = FamilyForm({"family": chosen} if chosen else None)
    if not family_form.is_valid():
        return render(request, "targets/target_family.html", {"form": family_form, "resolution": resolution})
    family = family_form.cleaned_data["family"]
    number = resolution.targets.count() + 1
    target = Target(resolution=resolution, family=family)
    form = TargetCreateForm(request.POST or None, instance=target, family=family,
                            initial={"code": f"{resolution.code.upper()}-{number}"})
    return _target_page(request, form, target, resolution, save=lambda fields: services.target_create(
        resolution=resolution, user=request.user, family=family, **fields))


@login_required
@require_http_methods(["GET", "POST"])
def target_edit(request, pk):
    target = get_object_or_404(Target.objects.visible_to(request.user).select_related("resolution__scope"), pk=pk)
    if not may_change(request.user, target.resolution):
        raise PermissionDenied
    form = TargetForm(request.POST or None, instance=target, family=target.family)
    return _target_page(request, form, target, target.resolution, save=lambda fields: services.target_update(
        target=target, user=request.user, **fields))


@login_required
@require_POST
def target_move(request, pk):
    """Move a target up or down its resolution's list (``direction`` up | down)."""
    target = get_object_or_404(Target.objects.visible_to(request.user).select_related("resolution__scope"), pk=pk)
    if not may_change(request.user, target.resolution):
        raise PermissionDenied
    services.target_move(target=target, user=request.user, up=request.POST.get("direction") != "down")
    return redirect(reverse("targets:resolution_detail", args=[target.resolution_id]) + f"#target-{target.pk}")


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
