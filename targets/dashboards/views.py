"""Leadership dashboards (issue 9): the overview of a resolution's targets for one organization and year, the
drill-down from a target to the subordinate organizations' figures and to the records behind a figure, the
trends over the years, and the overview as an Excel workbook.

Pages read only stored ``Attainment`` rows (and, for the records,
                                            the set-based lists of ``targets.dashboards.drilldown``),
each in a constant number of queries whatever the number of targets, organizations, members or years. Every
read starts from ``visible_to(request.user)``: an organization outside the user's scope is a 404.

Which resolutions an organization has figures under: those measuring it, a committee above it (the engine
stores rows for the scope and the committees and grassroots organizations under it) or an organization below
it. A target is visible when its resolution is, or when the user sees one of its figures."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import BooleanField, Case, F, IntegerField, Max, Q, Value, When
from django.db.models.expressions import RawSQL
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from core.charts import hbar_chart, line_chart
from core.formatting import number
from core.params import YEARS, int_param, year_param
from members.ratings.models import level_names
from organizations.display import parent_name
from organizations.models import Organization
from organizations.permissions import Perm
from organizations.population import was_under_during
from organizations.scoping import require_anywhere, scope_roots, user_can
from targets.dashboards import drilldown
from targets.dashboards.cache import cached_fragment
from targets.engine.choices import Comparator, Family, Status, Unit
from targets.engine.formatting import (
    STATUS_CLASSES,
    STATUS_ICONS,
    band_of,
    beside_text,
    bounds_text,
    missing_text,
    rule_notes_text,
)
from targets.engine.models import Attainment, Resolution, Target

PER_PAGE = 50
STEP = Organization.steplen


def _check_year(year: int) -> None:
    if year not in YEARS:
        raise Http404


# ------------------------------------------------------------------------------------------ scoped reads


def top_organization(user) -> Organization:
    """The organization a user's dashboard opens on: the first subtree of the user's scope (for a superuser,
    the root of the tree)."""
    require_anywhere(user, Perm.VIEW)
    found = scope_roots(user).first()
    if found is None:
        raise Http404
    return found


def visible_organization(user, pk) -> Organization:
    return get_object_or_404(Organization.objects.visible_to(user), pk=pk)


def _ancestor_paths(organization) -> list[str]:
    return [organization.path[:n] for n in range(STEP, len(organization.path), STEP)]


def related_resolutions_qs(user, organization):
    """The resolutions the user sees (``visible_to``) that have figures for ``organization``: measuring it or
    an organization below it, or a committee above it."""
    return Resolution.objects.visible_to(user).filter(
        Q(scope__path__startswith=organization.path) | Q(scope__path__in=_ancestor_paths(organization)))


def related_resolutions(user, organization) -> list[Resolution]:
    """``related_resolutions_qs`` ordered: the organization's own first, then those above (nearest first),
    then those below; within each, the latest first."""
    resolutions = list(related_resolutions_qs(user, organization).select_related("scope"))

    def key(r):
        if r.scope_id == organization.pk:
            place = (0, 0)
        elif organization.path.startswith(r.scope.path):
            place = (1, -r.scope.depth)
        else:
            place = (2, r.scope.depth)
        return (*place, -r.end_year, -r.start_year, r.code)

    return sorted(resolutions, key=key)


def _attainments(user):
    return Attainment.objects.visible_to(user)


# ------------------------------------------------------------------------------------------- presentation


def actual_text(attainment, unit: str) -> str:
    """"87,2% = 59/68" for a share, "83" for a count, "—" without a value."""
    if attainment is None or attainment.value is None:
        return "—"
    if unit == Unit.PERCENT:
        return f"{number(attainment.value)}% = {number(attainment.numerator)}/{number(attainment.denominator)}"
    return number(attainment.value)


def change_from(current, previous, unit: str) -> dict | None:
    """The value's change since the previous year: arrow, signed difference and what it is compared with."""
    if current is None or previous is None or current.value is None or previous.value is None:
        return None
    diff = Decimal(current.value) - Decimal(previous.value)
    if diff > 0:
        icon, sign, word = "bi-arrow-up-right", "+", _("up")
    elif diff < 0:
        icon, sign, word = "bi-arrow-down-right", "−", _("down")
    else:
        icon, sign, word = "bi-arrow-right", "±", _("unchanged")
    text = f"{sign}{number(abs(diff))}"
    if unit == Unit.PERCENT:
        text += " " + _("pp")
    previous_text = f"{number(previous.value)}%" if unit == Unit.PERCENT else number(previous.value)
    return {"icon": icon, "text": text, "word": word,
            "compared": _("compared with %(year)s (%(value)s)") % {"year": previous.year, "value": previous_text}}


def freshness(attainment) -> str:
    """When the figure was computed, in local time: the hour today, the hour and the date otherwise."""
    when = timezone.localtime(attainment.computed_at)
    if when.date() == timezone.localdate():
        return date_format(when, "H:i")
    return date_format(when, "H:i d/m/Y")


def status_badge(attainment) -> dict:
    return {"label": attainment.get_status_display(), "icon": STATUS_ICONS.get(attainment.status, "bi-question-circle"),
            "css": STATUS_CLASSES.get(attainment.status, "secondary")}


def figure_row(target, attainment, previous=None) -> dict:
    """What a card or a table row shows of one figure."""
    row = {"target": target, "bounds": bounds_text(target), "attainment": attainment, "in_years": None}
    if attainment is not None:
        row.update({
            "actual": actual_text(attainment, target.unit),
            "status": status_badge(attainment),
            "missing": missing_text(attainment.missing),
            "rule_notes": rule_notes_text(attainment),
            "beside": beside_text(attainment),
            "change": change_from(attainment, previous, target.unit),
            "updated": freshness(attainment),
            "stale": bool(attainment.inputs_changed_at and attainment.inputs_changed_at > attainment.computed_at),
        })
    return row


def chart_unit(target) -> str:
    return "%" if target.unit == Unit.PERCENT else ""


# ----------------------------------------------------------------------------------------------- overview


def overview_data(request) -> dict:
    """Everything the overview shows (the page and its Excel export): the organization, the resolution, the
    year and one row per target, from two reads of stored attainments (this year's and last year's figures
    in one query)."""
    user = request.user
    today = timezone.localdate()
    org_id = int_param(request.GET.get("org"))
    organization = visible_organization(user, org_id) if org_id is not None else top_organization(user)
    year_asked = year_param(request.GET.get("year"))
    resolutions = related_resolutions(user, organization)

    resolution_id = int_param(request.GET.get("resolution"))
    if resolution_id is not None:
        resolution = next((r for r in resolutions if r.pk == resolution_id), None)
        if resolution is None:
            raise Http404
    else:
        in_force = set(related_resolutions_qs(user, organization).in_force(year_asked or today.year)
                       .values_list("pk", flat=True)) if resolutions else set()
        resolution = next((r for r in resolutions if r.pk in in_force), None)
        if resolution is None and year_asked is None and resolutions:
            # Nothing in force this year: the most recent resolution, shown on its latest figures.
            resolution = max(resolutions, key=lambda r: (r.end_year, r.start_year))

    data = {"organization": organization, "resolutions": resolutions, "resolution": resolution,
            "year": year_asked or today.year, "years": [], "rows": [], "families": [], "family": "",
            "fallback_from": None, "no_figures": False}
    if resolution is None:
        return data

    targets = list(resolution.targets.filter(active=True).order_by("order", "code"))
    years = sorted(set(resolution.years).union(*(t.years for t in targets)))
    figures = _attainments(user).filter(target__resolution=resolution, organization=organization).order_by()
    if year_asked is not None:
        year = year_asked
    else:
        # This year, or — with no figure yet this year — the latest year that has figures (said on the page).
        latest = figures.filter(year__lte=today.year).aggregate(m=Max("year"))["m"]
        year = today.year if latest is None else latest
        data["no_figures"] = latest is None
        if latest is not None and latest != today.year:
            data["fallback_from"] = today.year
    if year not in years:
        years = sorted({*years, year})

    found = {(a.target_id, a.year): a for a in figures.filter(year__in=[year, year - 1])}
    family_codes = list(dict.fromkeys(t.family for t in targets))
    labels = dict(Family.choices)
    family = request.GET.get("family", "")
    if family not in family_codes:
        family = ""
    rows = []
    for target in targets:
        if family and target.family != family:
            continue
        current, previous = found.get((target.pk, year)), found.get((target.pk, year - 1))
        for a in (current, previous):
            if a is not None:
                a.target, a.organization = target, organization  # already fetched
        row = figure_row(target, current, previous)
        row["in_years"] = year in target.years
        row["drill_url"] = reverse("dashboard:target", args=[target.pk, organization.pk, year])
        row["records_url"] = reverse("dashboard:records", args=[target.pk, organization.pk, year])
        rows.append(row)
    counts = {}
    for row in rows:
        if row["attainment"] is not None:
            counts[row["attainment"].status] = counts.get(row["attainment"].status, 0) + 1
    summary = [(status_badge(Attainment(status=code)), counts[code]) for code in Status.values if code in counts]
    data.update({"year": year, "years": years, "rows": rows, "family": family, "summary": summary,
                 "families": [(code, labels.get(code, code)) for code in family_codes]})
    return data


def _navigator(user, organization) -> list[tuple[Organization, str]]:
    """The organizations offered in the overview's organization choice: the chosen one, those above it within
    the user's scope and its active children (one query), with their indentation."""
    qs = (Organization.objects.visible_to(user)
          .filter(Q(path__in=[*_ancestor_paths(organization), organization.path])
                  | Q(path__startswith=organization.path, depth=organization.depth + 1, dissolved_on__isnull=True))
          .order_by("path"))
    found = list(qs)
    top = min((o.depth for o in found), default=organization.depth)
    return [(o, "· " * (o.depth - top)) for o in found]


@login_required
@require_GET
def overview(request):
    """The overview. Its content is cached under the figures' freshness (``cache.cached_fragment``): the
    leadership's most read page costs a cache read until a recompute commits or a resolution is edited."""

    def content() -> str:
        data = overview_data(request)
        organization, resolution = data["organization"], data["resolution"]
        query = {"org": organization.pk, "year": data["year"]}
        if resolution is not None:
            query["resolution"] = resolution.pk
        if data["family"]:
            query["family"] = data["family"]
        data.update({
            "navigator": _navigator(request.user, organization),
            "xlsx_url": reverse("dashboard:overview_xlsx") + "?" + urlencode(query),
            "trends_url": (reverse("dashboard:trends", args=[resolution.pk]) + "?"
                           + urlencode({"org": organization.pk}) if resolution is not None else ""),
            "overview_url": reverse("dashboard:overview") + "?" + urlencode(query),
            "active": "overview",
        })
        return render_to_string("dashboard/_overview_content.html", data, request)

    return render(request, "dashboard/overview.html", {"content_html": cached_fragment(request, "overview", content),
                                                       "active": "overview"})


@login_required
@require_GET
def overview_xlsx(request):
    from targets.dashboards.excel import overview_workbook

    data = overview_data(request)
    content = overview_workbook(data)
    name = f"tong-quan-{data['resolution'].code if data['resolution'] else 'chi-tieu'}-{data['year']}.xlsx"
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --------------------------------------------------------------------------------------------- drill-down

# Condition on a target's row: its organization stood under the organization at some day of the period (the
# dated tree the engine used). Params: organization id, start, end. The rows are a few thousand at most (the
# target's slots): each is checked against its own ancestry rows, instead of listing the tens of thousands of
# organizations under a root and joining them.
_PLACED_UNDER_DURING = was_under_during('"targets_attainment"."organization_id"', "%s", "daterange(%s, %s, '[]')")

_STATUS_ORDER = Case(When(status=Status.NOT_MET, then=Value(0)), When(status=Status.NO_DATA, then=Value(1)),
                     When(status=Status.MET, then=Value(2)), When(status=Status.EXCEEDED, then=Value(3)),
                     default=Value(4), output_field=IntegerField())


def _lower_is_better(target) -> bool:
    return target.comparator in (Comparator.LTE, Comparator.LT, Comparator.ZERO)


def _sort_orders(target) -> dict[str, list]:
    worst_first = F("value").desc(nulls_last=True) if _lower_is_better(target) else F("value").asc(nulls_last=True)
    return {
        "status": [_STATUS_ORDER, worst_first, "organization__name", "organization_id"],
        "value": [F("value").asc(nulls_last=True), "organization__name", "organization_id"],
        "-value": [F("value").desc(nulls_last=True), "organization__name", "organization_id"],
        "name": ["organization__name", "organization_id"],
    }


SORT_LABELS = {"status": gettext_lazy("Status, worst first"), "value": gettext_lazy("Value, lowest first"),
               "-value": gettext_lazy("Value, highest first"), "name": gettext_lazy("Name")}


def _pulls_down(target, row, overall) -> bool:
    """A subordinate figure worse than the organization's own: it lowers the share (raises it, for a bound
    that must not be exceeded)."""
    if target.unit != Unit.PERCENT or row.value is None or overall is None or overall.value is None:
        return False
    return row.value > overall.value if _lower_is_better(target) else row.value < overall.value


@login_required
@require_GET
def target_detail(request, pk, org, year):
    """One target for one organization and year: its figure, its trend, and the subordinate organizations'
    figures (the rows the engine stored for the organizations placed under it that year), sortable and
    paginated. The checks run on every request; the content is cached under the figures' freshness like the
    overview's (``cache.cached_fragment``): at the root it reads and draws 2,530 rows' page."""
    user = request.user
    _check_year(year)
    target = get_object_or_404(Target.objects.visible_to(user).select_related("resolution__scope"), pk=pk)
    organization = visible_organization(user, org)

    def content() -> str:
        return render_to_string("dashboard/_target_content.html",
                                _target_context(request, target, organization, year), request)

    return render(request, "dashboard/target.html", {
        "target": target, "organization": organization,
        "content_html": cached_fragment(request, "target", content)})


def _target_context(request, target, organization, year) -> dict:
    user = request.user
    history = list(_attainments(user).filter(target=target, organization=organization).order_by("year"))
    attainment = next((a for a in history if a.year == year), None)
    previous = next((a for a in history if a.year == year - 1), None)

    orders = _sort_orders(target)
    sort = request.GET.get("sort", "status")
    if sort not in orders:
        sort = "status"
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    under = RawSQL(_PLACED_UNDER_DURING, [organization.pk, start, end], output_field=BooleanField())
    subordinates = (_attainments(user).filter(under, target=target, year=year)
                    .exclude(organization=organization).select_related("organization")
                    .annotate(organization_parent_name=parent_name("organization__")).order_by(*orders[sort]))
    page = Paginator(subordinates, PER_PAGE).get_page(request.GET.get("page"))
    rows = []
    for a in page.object_list:
        a.target = target
        a.organization.parent_name = a.organization_parent_name  # a cell is named with its đảng bộ
        row = figure_row(target, a)
        row.update({"organization": a.organization, "pulls_down": _pulls_down(target, a, attainment),
                    "below_bound": a.status == Status.NOT_MET,
                    "drill_url": reverse("dashboard:target", args=[target.pk, a.organization_id, year]),
                    "overview_url": reverse("dashboard:overview") + "?" + urlencode(
                        {"org": a.organization_id, "resolution": target.resolution_id, "year": year})})
        rows.append(row)

    values = {a.year: a.value for a in history}
    labels = [str(y) for y in target.years]
    trend = line_chart(labels, [(organization.name, [values.get(y) for y in target.years])],
                       title=_("%(code)s for %(organization)s over the years") % {
                           "code": target.code, "organization": organization.name},
                       unit=chart_unit(target), band=band_of(target))
    bars = ""
    if rows:
        bars = hbar_chart([(r["organization"].name, r["attainment"].value) for r in rows],
                          title=_("%(code)s %(year)s: the subordinate organizations on this page") % {
                              "code": target.code, "year": year},
                          unit=chart_unit(target), band=band_of(target))
    if attainment is not None:
        attainment.target, attainment.organization = target, organization
    return {
        "target": target, "resolution": target.resolution, "organization": organization, "year": year,
        "years": list(target.years), "figure": figure_row(target, attainment, previous), "page": page, "rows": rows,
        "sort": sort, "sorts": list(SORT_LABELS.items()),
        "querystring": urlencode({"sort": sort}), "trend_chart": trend, "bars_chart": bars,
        "records_url": reverse("dashboard:records", args=[target.pk, organization.pk, year]),
        "overview_url": reverse("dashboard:overview") + "?" + urlencode(
            {"org": organization.pk, "resolution": target.resolution_id, "year": year}),
    }


@login_required
@require_GET
def records(request, pk, org, year):
    """The records behind one figure (``targets.dashboards.drilldown``), 50 a page, within the user's scope."""
    user = request.user
    _check_year(year)
    target = get_object_or_404(Target.objects.visible_to(user).select_related("resolution__scope"), pk=pk)
    organization = visible_organization(user, org)
    attainment = _attainments(user).filter(target=target, organization=organization, year=year).first()
    if attainment is not None:
        attainment.target, attainment.organization = target, organization
    listing = drilldown.record_list(target, organization, year, user)
    levels = list(target.params.get("levels", []))
    if listing is not None and levels:
        # The description names the levels counted by their codes (drilldown); a user reads their names.
        listing = dataclasses.replace(listing, description=listing.description.replace(
            ", ".join(levels), "; ".join(level_names(levels))))
    page, rows = None, []
    if listing is not None:
        page = Paginator(listing.queryset, PER_PAGE).get_page(request.GET.get("page"))
        rows = [listing.row(obj) for obj in page.object_list]
    return render(request, "dashboard/records.html", {
        "target": target, "resolution": target.resolution, "organization": organization, "year": year,
        "figure": figure_row(target, attainment), "listing": listing, "page": page, "rows": rows, "querystring": "",
        "drill_url": reverse("dashboard:target", args=[target.pk, organization.pk, year]),
        "overview_url": reverse("dashboard:overview") + "?" + urlencode(
            {"org": organization.pk, "resolution": target.resolution_id, "year": year}),
    })


# ------------------------------------------------------------------------------------------------- trends


@login_required
@require_GET
def trends(request, pk):
    """Each target of a resolution over its years for one organization, with its band; beside it, the same
    measure (same family and parameters) under the other resolutions of the same organization measured, so
    one term can be read against the previous one."""
    user = request.user
    org_id = int_param(request.GET.get("org"))
    if org_id is not None:
        organization = visible_organization(user, org_id)
    else:
        own = Resolution.objects.visible_to(user).select_related("scope").filter(pk=pk).first()
        # A resolution of a committee above the user's scope opens on the user's own organization.
        seen = own is not None and own.scope is not None and user_can(user, Perm.VIEW, own.scope)
        organization = own.scope if seen else top_organization(user)
    resolution = next((r for r in related_resolutions(user, organization) if r.pk == pk), None)
    if resolution is None:
        raise Http404

    targets = list(resolution.targets.filter(active=True).order_by("order", "code"))
    peers = list(Target.objects.visible_to(user).filter(family__in={t.family for t in targets}, active=True,
                                              resolution__scope_id=resolution.scope_id)
                 .exclude(resolution=resolution).select_related("resolution")
                 .order_by("resolution__start_year", "code"))
    ids = [t.pk for t in targets] + [p.pk for p in peers]
    values: dict[int, dict[int, Decimal | None]] = {}
    for target_id, year, value in (_attainments(user).filter(target_id__in=ids, organization=organization)
                                   .order_by().values_list("target_id", "year", "value")):
        values.setdefault(target_id, {})[year] = value

    charts = []
    for target in targets:
        matching = [p for p in peers if p.family == target.family and p.params == target.params
                    and p.unit == target.unit]
        years = sorted(set(target.years).union(*(values.get(p.pk, {}).keys() for p in matching)))
        series = [(f"{target.code} ({resolution.number})", [values.get(target.pk, {}).get(y) for y in years])]
        series += [(f"{p.code} ({p.resolution.number})", [values.get(p.pk, {}).get(y) for y in years])
                   for p in matching if values.get(p.pk)]
        charts.append({
            "target": target, "bounds": bounds_text(target), "peers": [p for p in matching if values.get(p.pk)],
            "svg": line_chart([str(y) for y in years], series, title=f"{target.code} {target.short_text}",
                              unit=chart_unit(target), band=band_of(target), width=480, height=240),
            "drill_url": reverse("dashboard:target", args=[target.pk, organization.pk,
                                                           max(values.get(target.pk, {resolution.end_year: None}))]),
        })
    return render(request, "dashboard/trends.html", {
        "resolution": resolution, "organization": organization, "charts": charts, "active": "trends",
        "trends_url": request.get_full_path(),
        "overview_url": reverse("dashboard:overview") + "?" + urlencode(
            {"org": organization.pk, "resolution": resolution.pk}),
    })
