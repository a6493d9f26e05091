"""Pages of annual ratings: the members' grid of one organization and year, its Excel template and
upload, the export of decided ratings, the index of organizations to rate, and the grid of the
organizations (collectives, mass organizations, host units) a committee rates for a year.

Reads start from ``Organization.objects.visible_to(user)`` (404 outside the scope). Both grids are one
page flow (``_grid_page``) over the one grid engine: every save goes through
``members.ratings.services.ratings_save`` — the page, the Excel dry run and the Excel commit alike —,
which checks the rights, the party's rules and the grid's version again."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import OuterRef, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.forms import add_service_error
from core.middleware import many_post_fields
from core.uploads import XLSX, XlsxUpload, preview_context
from members.ratings import excel as rating_excel
from members.ratings.choices import OrgRatingKind, RatingStatus
from members.ratings.forms import GridForm, GridUploadForm, Rights, grid_lines, rows_from_data
from members.ratings.models import MemberRating
from members.ratings.rules import rating_date
from members.ratings.services import (
    COMMITTEE_KINDS,
    Grid,
    GridErrors,
    RowInput,
    member_grid,
    organization_grid,
    other_decided,
    ratings_save,
)
from members.register.models import MembershipPeriod
from organizations.choices import TCCSD_KINDS, OrgKind
from organizations.models import Organization
from organizations.permissions import Perm
from organizations.scoping import require_anywhere, scope_roots, user_can
from organizations.views import SubqueryCount

FIRST_YEAR = 2014  # the earliest scheme shipped (Hướng dẫn 27-HD/BTCTW, 2014)
UNITS_BELOW_TCCSD = (OrgKind.PARTIAL_COMMITTEE, OrgKind.SUB_CELL)
UPLOAD_SESSION_KEY = "ratings_import"
INDEX_PER_PAGE = 100


def default_year(today: dt.date | None = None) -> int:
    """The year being rated: ratings are made in December, so until then it is last year's."""
    today = today or dt.date.today()
    return today.year if today.month == 12 else today.year - 1


def _check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= dt.date.today().year:
        raise Http404


def _organization(request, pk) -> Organization:
    return get_object_or_404(Organization.objects.visible_to(request.user), pk=pk)


def grid_url(org_pk: int, year: int) -> str:
    return reverse("ratings:member_grid", kwargs={"org_pk": org_pk, "year": year})


def org_grid_url(committee_pk: int, kind: str, year: int) -> str:
    return reverse("ratings:organization_grid", kwargs={"committee_pk": committee_pk, "kind": kind, "year": year})


def _years() -> list[int]:
    return list(range(dt.date.today().year, FIRST_YEAR - 1, -1))


# --- Saving: one path for both grids, the page, the dry run and the commit --------------------------------

@dataclass
class SaveOutcome:
    errors: dict = field(default_factory=dict)  # {row key or None: {field: [messages]}}
    stale: str = ""  # the service's message when the grid changed since it was loaded
    result: dict | None = None
    committed: bool = False


def _merge(errors: dict, more: dict) -> dict:
    for key, fields in more.items():
        for fieldname, msgs in fields.items():
            errors.setdefault(key, {}).setdefault(fieldname, []).extend(str(m) for m in msgs)
    return errors


def run_grid_save(grid: Grid, *, rows: list[RowInput], user, grid_version: str, cap_exception_reason: str = "",
                  errors: dict | None = None, commit: bool) -> SaveOutcome:
    """Hand the rows to ``ratings_save`` for ``grid``'s subject, organization, kind and year inside a
    savepoint that is rolled back for a dry run and whenever anything is wrong (including read errors
    found before), so a preview shows exactly what the commit would do and a refused grid saves nothing."""
    outcome = SaveOutcome(errors=_merge({}, errors or {}))  # a copy: the caller's lists stay as they are
    with transaction.atomic():
        try:
            outcome.result = ratings_save(grid.subject, organization=grid.organization, kind=grid.kind,
                                          year=grid.year, rows=rows, user=user, grid_version=grid_version,
                                          cap_exception_reason=cap_exception_reason)
        except GridErrors as exc:
            _merge(outcome.errors, exc.grid_errors)
        except ValidationError as exc:
            if getattr(exc, "code", None) == "stale":
                outcome.stale = " ".join(exc.messages)
            else:
                _merge(outcome.errors, {None: {"grid": exc.messages}})
        except PermissionDenied as exc:
            _merge(outcome.errors, {None: {"rights": [str(exc) or _("You may not change these ratings.")]}})
        if outcome.errors or outcome.stale or not commit:
            transaction.set_rollback(True)
        else:
            outcome.committed = True
    return outcome


# --- The grid page, members' and organizations' ------------------------------------------------------------

def cap_text(scheme, top, limit, base) -> str:
    return _("%(top_code)s: %(top)s / at most %(limit)s (%(cap)s%% × %(base)s %(base_code)s)") % {
        "top_code": scheme.cap_top_level, "top": top, "limit": limit, "base": base,
        "cap": f"{scheme.cap_percent.normalize():f}", "base_code": scheme.cap_base_level}


def summary(grid: Grid, lines, other: dict[str, int]) -> dict:
    """Counts per level of the page's values and the cap headroom (the decided levels of the whole
    deciding organization, ``other`` being those outside the grid). rating_grid.js recomputes the same
    figures as the selects change."""
    codes = [lvl.code for lvl in grid.levels]
    counts = {f: dict.fromkeys(codes, 0) for f in ("proposed_level", "decided_level")}
    for line in lines:
        if not line.row.rated:
            continue
        for fieldname in counts:
            value = line.cells[fieldname].value
            if value in counts[fieldname]:
                counts[fieldname][value] += 1
    result = {"codes": codes, "proposed": counts["proposed_level"], "decided": counts["decided_level"],
              "other": other, "cap": None}
    scheme = grid.scheme
    if grid.cap_applies:
        top = counts["decided_level"].get(scheme.cap_top_level, 0) + other.get(scheme.cap_top_level, 0)
        base = counts["decided_level"].get(scheme.cap_base_level, 0) + other.get(scheme.cap_base_level, 0)
        limit = int(base * scheme.cap_percent / 100)
        result["cap"] = {"text": cap_text(scheme, top, limit, base), "over": top * 100 > scheme.cap_percent * base,
                         "template": cap_text(scheme, "{top}", "{limit}", "{base}"),
                         "percent": f"{scheme.cap_percent.normalize():f}", "top_code": scheme.cap_top_level,
                         "base_code": scheme.cap_base_level}
    return result


def _grid_page(request, grid: Grid, *, template: str, url: str, context: dict):
    """A grid rated in one form and saved in one POST. Decided levels are editable with the deciding
    right on the grid's decider, proposals with PROPOSE_RATINGS on the row's organization; the service
    checks both again."""
    rights = Rights.of(request.user, grid)
    errors, stale, data = {}, "", None
    form = GridForm(initial={"grid_version": grid.version})
    if request.method == "POST":
        if not rights.any:
            raise PermissionDenied
        form = GridForm(request.POST)
        if form.is_valid():
            rows, read_errors = rows_from_data(grid, request.POST, rights)
            outcome = run_grid_save(grid, rows=rows, user=request.user,
                                    grid_version=form.cleaned_data["grid_version"],
                                    cap_exception_reason=form.cleaned_data["cap_exception_reason"],
                                    errors=read_errors, commit=True)
            if outcome.committed:
                result = outcome.result or {}
                messages.success(request, _("Saved the ratings: %(created)d new, %(updated)d changed, "
                                            "%(annulled)d earlier decisions replaced.") % {
                    "created": result.get("created", 0), "updated": result.get("updated", 0),
                    "annulled": result.get("annulled", 0)})
                return redirect(url)
            if outcome.stale:
                # Show what is saved now, with the new version: keeping the entries would let a second
                # submit overwrite the other person's changes.
                stale = outcome.stale
                form = GridForm(initial={"grid_version": grid.version,
                                         "cap_exception_reason": form.cleaned_data["cap_exception_reason"]})
            else:
                errors, data = outcome.errors, request.POST
        else:
            data = request.POST
    lines = grid_lines(grid, rights, data=data, errors=errors)
    return render(request, template, context | {
        "grid": grid, "year": grid.year, "lines": lines, "form": form, "rights": rights, "stale": stale,
        "grid_errors": [msg for msgs in errors.get(None, {}).values() for msg in msgs],
        "error_count": sum(len(m) for key, f in errors.items() if key is not None for m in f.values()),
        "summary": summary(grid, lines, other_decided(grid)), "years": _years(),
        "rating_day": rating_date(grid.year), "rated_count": sum(1 for ln in lines if ln.row.rated),
    })


def _grid_or_unavailable(request, org: Organization, year: int):
    """The grid, or the page that explains why there is none (above TCCSĐ level, no scheme, not founded)."""
    try:
        return member_grid(organization=org, year=year), None
    except ValidationError as exc:
        tccsd = (Organization.objects.visible_to(request.user).subtree_of(org).tccsd().active()
                 .order_by("path"))
        return None, render(request, "members/ratings/grid_unavailable.html", {
            "organization": org, "year": year, "messages_": exc.messages, "tccsd": tccsd,
            "years": _years(),
        })


def _units(request, grid: Grid) -> list[Organization]:
    """The grids one can switch to: the grassroots organization and its cells and đảng bộ bộ phận."""
    return list(Organization.objects.visible_to(request.user).subtree_of(grid.decider).active()
                .filter(Q(pk=grid.decider.pk) | Q(kind__in=UNITS_BELOW_TCCSD)).order_by("path"))


def _committee_above(request, org: Organization) -> Organization | None:
    """The committee that rates ``org`` (its parent), when the user sees it."""
    if org.depth <= 1:
        return None
    return Organization.objects.visible_to(request.user).filter(path=org.path[:-Organization.steplen]).first()



@login_required
@require_http_methods(["GET", "POST"])
@many_post_fields("GRID_MAX_POST_FIELDS")
def member_grid_view(request, org_pk: int, year: int):
    """All members of an organization on the year's rating date, decided by its grassroots organization."""
    org = _organization(request, org_pk)
    _check_year(year)
    if request.method == "GET" and request.GET.get("year", "").isdigit():
        return redirect(grid_url(org.pk, int(request.GET["year"])))
    grid, unavailable = _grid_or_unavailable(request, org, year)
    if unavailable:
        return unavailable
    return _grid_page(request, grid, template="members/ratings/member_grid.html", url=grid_url(org.pk, year),
                      context={"organization": org, "committee_above": _committee_above(request, org),
                               "units": _units(request, grid)})


@login_required
@require_http_methods(["GET", "POST"])
@many_post_fields("GRID_MAX_POST_FIELDS")
def organization_grid_view(request, committee_pk: int, kind: str, year: int):
    """The subjects a committee rates for a year (its sub-organizations, their leadership collectives,
    their mass organizations or host units), decided by the committee."""
    committee = _organization(request, committee_pk)
    _check_year(year)
    if kind not in OrgRatingKind.values:
        raise Http404
    if request.method == "GET" and request.GET.get("year", "").isdigit():
        return redirect(org_grid_url(committee.pk, kind, int(request.GET["year"])))
    context = {"organization": committee, "committee": committee, "kind": kind, "year": year, "years": _years(),
               "kinds": OrgRatingKind.choices, "kind_label": OrgRatingKind(kind).label,
               "rating_day": rating_date(year), "committee_above": _committee_above(request, committee),
               "unit": kind == OrgRatingKind.UNIT}
    try:
        grid = organization_grid(committee=committee, kind=kind, year=year)
    except ValidationError as exc:  # no scheme for the year, or the committee did not exist yet: nothing to save
        return render(request, "members/ratings/organization_grid.html", context | {"unavailable": exc.messages})
    return _grid_page(request, grid, template="members/ratings/organization_grid.html",
                      url=org_grid_url(committee.pk, kind, year), context=context)


# --- Excel: template, upload with preview, export ------------------------------------------------------

@login_required
@require_http_methods(["GET"])
def member_grid_template(request, org_pk: int, year: int):
    org = _organization(request, org_pk)
    _check_year(year)
    grid, unavailable = _grid_or_unavailable(request, org, year)
    if unavailable:
        return unavailable
    buffer = io.BytesIO()
    rating_excel.build_grid_template(buffer, grid)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="xep-loai-dang-vien-{year}-{org.pk}.xlsx"'
    return response


def grid_upload_runner(user, pending):
    """The rating upload's ``run`` built in the worker for a large file (core.uploads.run_queued_import): the
    grid of the organization and year the preview was for, with the user's rights on it."""
    org = get_object_or_404(Organization.objects.visible_to(user), pk=pending["org"])
    grid = member_grid(organization=org, year=pending["year"])
    return _grid_upload_run(grid, Rights.of(user, grid), user)


def _upload_flow(request, grid: Grid, rights: Rights) -> XlsxUpload:
    """The rating upload through the shared upload flow (core.uploads): parse the kept file against the
    grid and save it through the engine. The grid's version is the one at preview time, so a save by
    someone else in between refuses the confirmation."""
    return XlsxUpload(UPLOAD_SESSION_KEY, _grid_upload_run(grid, rights, request.user),
                      runner="members.ratings.views.grid_upload_runner")


def _grid_upload_run(grid: Grid, rights: Rights, user):
    def run(path, pending, commit):
        parsed = rating_excel.parse_grid_workbook(path, grid, rights)
        if parsed.fatal:
            return parsed.problems, 0
        outcome = run_grid_save(grid, rows=parsed.rows, user=user, grid_version=pending["version"],
                                cap_exception_reason=pending["cap_exception_reason"], errors=parsed.read_errors,
                                commit=commit and not parsed.problems)
        problems = list(parsed.problems) + parsed.service_problems(outcome.errors)
        if outcome.stale:
            problems.insert(0, rating_excel.ImportProblem(None, None, outcome.stale))
        problems.sort(key=lambda p: p.row or 0)
        result = outcome.result or {}
        return problems, result.get("created", 0) + result.get("updated", 0)

    return run


def _render_upload_preview(request, grid, outcome, *, committing):
    return render(request, "members/ratings/upload_preview.html", {
        "organization": grid.organization, "grid": grid, "year": grid.year,
        **preview_context(outcome, committing=committing)})


@login_required
@require_http_methods(["GET", "POST"])
def member_grid_upload(request, org_pk: int, year: int):
    """Upload a filled template in two steps, like the member import: a preview that saves nothing, then
    a confirmation that saves the whole file or nothing."""
    org = _organization(request, org_pk)
    _check_year(year)
    grid, unavailable = _grid_or_unavailable(request, org, year)
    if unavailable:
        return unavailable
    rights = Rights.of(request.user, grid)
    if not rights.any:
        raise PermissionDenied
    flow = _upload_flow(request, grid, rights)
    if request.method == "POST" and request.POST.get("action") == "commit":
        outcome = flow.confirm(request, request.POST.get("token"), expect={"org": org.pk, "year": year},
                               next_url=grid_url(org.pk, year))
        if outcome is None:
            messages.error(request, _("This upload is no longer waiting for confirmation. Upload the file again."))
            return redirect("ratings:member_grid_upload", org_pk=org.pk, year=year)
        if outcome.run is not None:  # a large file: the worker imports it, its page shows the progress
            return redirect("import_run_detail", pk=outcome.run.pk)
        if not outcome.committed:
            return _render_upload_preview(request, grid, outcome, committing=True)
        messages.success(request, _("Imported the ratings from “%(name)s”.") % {"name": outcome.pending["name"]})
        return redirect(grid_url(org.pk, year))
    form = GridUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        outcome = flow.preview(request, form.cleaned_data["file"], org=org.pk, year=year, version=grid.version,
                               cap_exception_reason=form.cleaned_data["cap_exception_reason"])
        return _render_upload_preview(request, grid, outcome, committing=False)
    return render(request, "members/ratings/upload.html", {"organization": org, "grid": grid, "year": year,
                                                            "form": form})


@login_required
@require_http_methods(["GET"])
def decided_export(request, org_pk: int, year: int):
    """The decided ratings of the organization's subtree for the year, streamed from a temporary file."""
    org = _organization(request, org_pk)
    _check_year(year)
    ratings = (MemberRating.objects.decided().visible_to(request.user)
               .filter(year=year, cell__path__startswith=org.path)
               .select_related("member", "cell", "grassroots", "decided_level", "decided_by")
               .order_by("grassroots__path", "cell__path", "member__full_name", "member_id"))
    tmp = rating_excel.export_decided(ratings)
    return FileResponse(tmp, as_attachment=True, filename=f"xep-loai-dang-vien-{year}-{org.pk}.xlsx",
                        content_type=XLSX)


# --- Index ---------------------------------------------------------------------------------------------

def _index_organizations(user, year: int):
    """TCCSĐ in the user's scope, and the cells or đảng bộ bộ phận a user's role starts at (a cell
    secretary sees no TCCSĐ), each with its counts for the year: one query for the page."""
    own_units = Q(pk__in=scope_roots(user).filter(kind__in=UNITS_BELOW_TCCSD).values("pk"))
    day = rating_date(year)
    current = MemberRating.objects.current().filter(year=year, cell__path__startswith=OuterRef("path"))
    return (Organization.objects.visible_to(user).active().filter(Q(kind__in=TCCSD_KINDS) | own_units)
            .annotate(decided_count=SubqueryCount(current.filter(status=RatingStatus.DECIDED).values("pk")),
                      proposed_count=SubqueryCount(current.filter(status=RatingStatus.PROPOSED).values("pk")),
                      members_count=SubqueryCount(MembershipPeriod.objects.on(day)
                                                  .filter(cell__path__startswith=OuterRef("path")).values("pk")))
            .order_by("path"))


@login_required
@require_http_methods(["GET"])
def index(request):
    require_anywhere(request.user, Perm.VIEW)
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() and FIRST_YEAR <= int(year) <= dt.date.today().year else default_year()
    page = Paginator(_index_organizations(request.user, year), INDEX_PER_PAGE).get_page(request.GET.get("page"))
    committees = (Organization.objects.visible_to(request.user).active().filter(kind__in=COMMITTEE_KINDS)
                  .order_by("path"))
    return render(request, "members/ratings/index.html", {"page": page, "year": year, "years": _years(),
                                                          "committees": committees,
                                                          "party_org": OrgRatingKind.PARTY_ORG})


# --- Not rated for another reason ------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def member_not_rated_view(request, member_pk: int, year: int):
    """Record (or withdraw) that a member is not rated for ``year`` for a reason outside the rules' list.
    The member is fetched within the user's view (404 outside it); the service checks the deciding right on
    the member's grassroots organization (403)."""
    from members.ratings.forms import NotRatedForm
    from members.ratings.models import MemberNotRated
    from members.ratings.services import member_not_rated_record, member_not_rated_remove
    from members.register.models import Member

    _check_year(year)
    member = get_object_or_404(Member.objects.visible_to(request.user).select_related("cell"), pk=member_pk)
    if not user_can(request.user, Perm.DECIDE_MEMBER_RATINGS, member.cell):
        raise PermissionDenied
    record = MemberNotRated.objects.filter(member=member, year=year).first()
    back = grid_url(member.cell_id, year)
    form = NotRatedForm(request.POST or None, initial={"reason": record.reason if record else ""})
    if request.method == "POST":
        try:
            if request.POST.get("action") == "remove" and record is not None:
                member_not_rated_remove(record=record, user=request.user)
                messages.success(request, _("%(name)s is rated for %(year)d again.")
                                 % {"name": member.full_name, "year": year})
                return redirect(back)
            if form.is_valid():
                member_not_rated_record(member=member, year=year, reason=form.cleaned_data["reason"],
                                        user=request.user)
                messages.success(request, _("Recorded that %(name)s is not rated for %(year)d.")
                                 % {"name": member.full_name, "year": year})
                return redirect(back)
        except ValidationError as exc:
            add_service_error(form, exc)
    return render(request, "members/ratings/not_rated.html", {
        "member": member, "year": year, "record": record, "form": form, "back": back,
    })


# --- Recognitions of organizations -------------------------------------------------------------------------

@login_required
def recognition_list(request):
    from core.lists import export_response, list_page
    from members.ratings.filters import RecognitionFilterSet
    from members.ratings.models import RecognitionAward
    from members.ratings.tables import RecognitionTable
    from organizations.scoping import scope_paths, user_has_anywhere

    require_anywhere(request.user, Perm.VIEW)
    queryset = (RecognitionAward.objects.visible_to(request.user).select_related("organization", "deciding_body")
                .order_by("-year", "organization__name", "title"))
    deciding = scope_paths(request.user, Perm.DECIDE_ORG_RATINGS)

    def can_edit(record):
        return deciding is None or any(record.organization.path.startswith(p) for p in deciding)

    page = list_page(request, "recognitions", queryset, filterset_class=RecognitionFilterSet,
                     table_class=RecognitionTable, per_page=INDEX_PER_PAGE, can_edit=can_edit)
    if page.exporting:
        return export_response(page, "danh-hieu")
    return render(request, "members/ratings/recognition_list.html", page.context(
        can_add=user_has_anywhere(request.user, Perm.DECIDE_ORG_RATINGS)))


def _recognition_form_page(request, form, *, award=None):
    from members.ratings.services import recognition_award, recognition_update

    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if award is None:
                recognition_award(user=request.user, **data)
            else:
                recognition_update(award=award, user=request.user, **data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Saved the recognition."))
            return redirect("ratings:recognition_list")
    history = list(award.history.select_related("history_user").order_by("-history_date")) if award else []
    return render(request, "members/ratings/recognition_form.html", {
        "form": form, "award": award, "history": history,
        "title": _("Edit a recognition") if award else _("Record a recognition")})


@login_required
@require_http_methods(["GET", "POST"])
def recognition_create(request):
    from members.ratings.forms import RecognitionForm

    require_anywhere(request.user, Perm.DECIDE_ORG_RATINGS)
    return _recognition_form_page(request, RecognitionForm(request.POST or None, user=request.user,
                                                           initial={"year": default_year()}))


@login_required
@require_http_methods(["GET", "POST"])
def recognition_edit(request, pk: int):
    from members.ratings.forms import RecognitionForm
    from members.ratings.models import RecognitionAward

    award = get_object_or_404(RecognitionAward.objects.visible_to(request.user).select_related("organization"), pk=pk)
    if not user_can(request.user, Perm.DECIDE_ORG_RATINGS, award.organization):
        raise PermissionDenied
    initial = {"organization": award.organization_id, "year": award.year, "title": award.title,
               "deciding_body": award.deciding_body_id, "decision": award.decision}
    return _recognition_form_page(request, RecognitionForm(request.POST or None, user=request.user, initial=initial),
                                  award=award)
