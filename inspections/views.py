"""Pages of inspections, supervision, discipline and coverage. Reads start from ``visible_to(user)``
(404 outside the user's scope, 403 when visible but not changeable); writes go through
inspections.services."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.forms import add_service_error
from core.lists import export_response, list_page
from core.params import YEARS, int_param
from inspections.coverage import member_coverage, sub_cell_coverage, tccsd_coverage, term_period, year_period
from inspections.filters import DisciplineFilterSet, InspectionFilterSet
from inspections.forms import DisciplineRecordForm, InspectionForm
from inspections.models import Discipline, Inspection
from inspections.services import discipline_record, inspection_create, inspection_update
from inspections.tables import DisciplineTable, InspectionTable
from members.ratings.choices import OrgRatingKind
from members.ratings.models import MemberRating, OrganizationRating
from organizations.models import Organization
from organizations.permissions import Perm
from organizations.scoping import require_anywhere, scope_roots, user_can, user_has_anywhere

PER_PAGE = 50


@login_required
def inspection_list(request):
    require_anywhere(request.user, Perm.VIEW)
    queryset = (Inspection.objects.visible_to(request.user).select_related("conducting_body")
                .prefetch_related("members", "organizations").order_by("-decision_date", "-id"))
    page = list_page(request, "inspections", queryset, filterset_class=InspectionFilterSet,
                     table_class=InspectionTable, per_page=PER_PAGE)
    if page.exporting:
        return export_response(page, "kiem-tra-giam-sat")
    return render(request, "inspections/inspection_list.html", page.context(**{
        "may_add": user_has_anywhere(request.user, Perm.CHANGE_INSPECTIONS)}))


def _inspection_visible(request, pk) -> Inspection:
    return get_object_or_404(Inspection.objects.visible_to(request.user).select_related("conducting_body"), pk=pk)


@login_required
def inspection_detail(request, pk):
    inspection = _inspection_visible(request, pk)
    return render(request, "inspections/inspection_detail.html", {
        "inspection": inspection,
        "members": inspection.members.select_related("cell").order_by("full_name"),
        "organizations": inspection.organizations.order_by("path"),
        "may_change": user_can(request.user, Perm.CHANGE_INSPECTIONS, inspection.conducting_body)})


@login_required
@require_http_methods(["GET", "POST"])
def inspection_create_view(request):
    require_anywhere(request.user, Perm.CHANGE_INSPECTIONS)
    form = InspectionForm(request.POST or None, user=request.user, initial={"start_date": dt.date.today(),
                                                                           "decision_date": dt.date.today()})
    if request.method == "POST" and form.is_valid():
        try:
            inspection = inspection_create(members=form.cleaned_data["members"],
                                           organizations=form.cleaned_data["organizations"],
                                           user=request.user, **form.service_fields())
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("inspections:inspection_detail", pk=inspection.pk)
    return render(request, "inspections/inspection_form.html", {"form": form,
                                                                "title": _("Record an inspection or supervision")})


@login_required
@require_http_methods(["GET", "POST"])
def inspection_edit(request, pk):
    inspection = _inspection_visible(request, pk)
    if not user_can(request.user, Perm.CHANGE_INSPECTIONS, inspection.conducting_body):
        raise PermissionDenied
    form = InspectionForm(request.POST or None, instance=inspection, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            inspection_update(inspection=inspection, expected_version=form.cleaned_data.get("version"),
                              members=form.cleaned_data["members"], organizations=form.cleaned_data["organizations"],
                              user=request.user, **form.service_fields())
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("inspections:inspection_detail", pk=inspection.pk)
    return render(request, "inspections/inspection_form.html", {"form": form, "inspection": inspection,
                                                                "title": _("Edit the record")})


@login_required
def discipline_list(request):
    require_anywhere(request.user, Perm.VIEW)
    queryset = (Discipline.objects.visible_to(request.user).select_related("member", "organization", "deciding_body")
                .order_by("-decision_date", "-id"))
    page = list_page(request, "discipline", queryset, filterset_class=DisciplineFilterSet,
                     table_class=DisciplineTable, per_page=PER_PAGE)
    if page.exporting:
        return export_response(page, "ky-luat")
    return render(request, "inspections/discipline_list.html", page.context(
        may_add=user_has_anywhere(request.user, Perm.CHANGE_INSPECTIONS)))


@login_required
def discipline_detail(request, pk):
    discipline = get_object_or_404(Discipline.objects.visible_to(request.user)
                                   .select_related("member", "organization", "deciding_body", "recorded_by"), pk=pk)
    # Every rating of the violation year, annulled ones included: both decisions stay visible.
    if discipline.member_id:
        ratings = MemberRating.objects.filter(member_id=discipline.member_id, year=discipline.violation_year)
    else:
        ratings = OrganizationRating.objects.filter(organization_id=discipline.organization_id,
                                                    year=discipline.violation_year,
                                                    kind__in=[OrgRatingKind.PARTY_ORG, OrgRatingKind.LEADERSHIP])
    ratings = ratings.select_related("decided_level", "decided_by").order_by("id")
    return render(request, "inspections/discipline_detail.html", {"discipline": discipline, "ratings": ratings})


@login_required
@require_http_methods(["GET", "POST"])
def discipline_create_view(request):
    require_anywhere(request.user, Perm.CHANGE_INSPECTIONS)
    form = DisciplineRecordForm(request.POST or None, user=request.user,
                                initial={"decision_date": dt.date.today(), "violation_year": dt.date.today().year})
    if request.method == "POST" and form.is_valid():
        try:
            discipline = discipline_record(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("inspections:discipline_detail", pk=discipline.pk)
    return render(request, "inspections/discipline_form.html", {"form": form})


@login_required
def coverage(request):
    """Members, chi bộ trực thuộc and TCCSĐ inspected or supervised in a subtree for a year or a term."""
    require_anywhere(request.user, Perm.VIEW)
    visible = Organization.objects.visible_to(request.user)
    if request.GET.get("organization"):
        organization = get_object_or_404(visible, pk=int_param(request.GET["organization"], 0))
    else:
        organization = scope_roots(request.user).first()
        if organization is None:
            raise PermissionDenied
    this_year = dt.date.today().year
    year = int_param(request.GET.get("year"), None)
    start_year = int_param(request.GET.get("start"), None)
    end_year = int_param(request.GET.get("end"), None)
    if start_year in YEARS and end_year in YEARS and start_year <= end_year:
        start, end = term_period(start_year, end_year)
        label = f"{start_year}–{end_year}"
    else:
        year = year if year in YEARS else this_year
        start, end = year_period(year)
        label = str(year)
    article = (request.GET.get("article") or "30").strip()[:10]
    figures = [
        (_("Party members inspected or supervised"), member_coverage(organization, start, end)),
        (_("Subordinate party cells inspected or supervised"), sub_cell_coverage(organization, start, end)),
        (_("Grassroots party organizations inspected or supervised"), tccsd_coverage(organization, start, end)),
        (_("Grassroots party organizations under article %(article)s") % {"article": article},
         tccsd_coverage(organization, start, end, article=article)),
    ]
    covered_ids = set(figures[1][1].covered_ids) | set(figures[2][1].covered_ids)
    covered = Organization.objects.filter(pk__in=covered_ids).filter(
        Q(path__startswith=organization.path)).order_by("path")[:200]
    return render(request, "inspections/coverage.html", {
        "organization": organization, "figures": figures, "label": label, "year": year, "start": start_year,
        "end": end_year, "article": article, "covered": covered,
        "organizations": visible.exclude(kind__in=["sub_cell", "party_group"]).order_by("path")[:300]})
