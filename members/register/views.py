"""Pages of the member register. Reads start from Member.objects.visible_to(user) (404 outside the
user's scope); writes go through members.register.services, which checks the user's right to change again."""

from __future__ import annotations

import datetime as dt
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from core.forms import add_service_error
from core.lists import export_response, filter_rows, list_page, paginate
from core.uploads import XLSX, UploadResult, XlsxUpload, preview_context
from members.register import excel
from members.register.choices import MembershipReason
from members.register.filters import MemberFilterSet, StatusPeriodFilterSet
from members.register.forms import (
    MemberCreateForm,
    MemberEditForm,
    MemberImportForm,
    MemberLeaveForm,
    MemberTransferForm,
    StatusPeriodForm,
    member_label,
)
from members.register.models import SENSITIVE_FIELDS, Member, SensitiveAccess, StatusPeriod
from members.register.sections import read_sections
from members.register.services import (
    member_create,
    member_leave,
    member_transfer,
    member_update,
    members_transfer_bulk,
    sensitive_access_record,
    status_period_add,
    status_period_update,
)
from members.register.sizes import size_warnings_for
from members.register.statistics import composition, summary_sentence
from members.register.tables import MemberTable, SensitiveAccessTable, StatusPeriodTable
from organizations.display import parent_name
from organizations.forms import CompositionForm
from organizations.models import Organization
from organizations.permissions import PERMS, Perm
from organizations.scoping import require_anywhere, scope_paths, scope_roots, user_can, user_has_anywhere

PER_PAGE = 50
BULK_MAX = 500  # members moved by one bulk transfer (a page of the list holds 50; "select all" ticks a page)
IMPORT_SESSION_KEY = "members_import"


def _filtered_members(request):
    """The filterset and the members it selects, within the user's scope. The list page and the export
    both use this, so an export holds exactly the rows of the list it was started from."""
    return filter_rows(request, MemberFilterSet, Member.objects.visible_to(request.user).select_related("cell"))


def _log_organization(request, filterset):
    """The organization a list or export was about, for the sensitive-data log: the one chosen, else the top of
    the user's scope."""
    return filterset.chosen_organization() or scope_roots(request.user, Perm.VIEW).first()


def _log_member_page(request, member: Member, what: str) -> None:
    sensitive_access_record(user=request.user, kind=SensitiveAccess.Kind.PAGE, what=what, organization=member.cell,
                            member_ids=[member.pk])


def _member_to_change(request, pk) -> Member:
    """A member the user may change: 404 if not visible at all, 403 if visible but not changeable."""
    member = get_object_or_404(Member.objects.visible_to(request.user).select_related("cell"), pk=pk)
    if not user_can(request.user, Perm.CHANGE_MEMBERS, member.cell):
        raise PermissionDenied
    return member


@login_required
def member_list(request):
    require_anywhere(request.user, Perm.VIEW)
    can_change = user_has_anywhere(request.user, Perm.CHANGE_MEMBERS)
    # Each row's cell is named with its đảng bộ (read for the page's rows only). Counts in the filters are
    # off unless the user turns them on: at 500,000 members each filter's counts are a scan of the scope.
    # The export is the register's own (members:member_export), with its sensitive columns gated and logged.
    queryset = Member.objects.visible_to(request.user).select_related("cell").annotate(
        cell_parent_name=parent_name("cell__"))
    page = list_page(request, "members", queryset, filterset_class=MemberFilterSet, table_class=MemberTable,
                     per_page=PER_PAGE, counts_default=False, export=False,
                     exclude=() if can_change else ("selected",))
    filterset, table = page.filterset, page.table
    # Where staff work on members: the size rules' warnings of the grassroots organization (or unit) the list
    # is filtered to, so a cell below 3 full members is seen while its members are being changed.
    warnings = size_warnings_for(filterset.chosen_organization())
    sensitive = filterset.sensitive_filters()
    if sensitive:  # the list reveals who has that ethnicity: logged like an export of it
        sensitive_access_record(user=request.user, kind=SensitiveAccess.Kind.LIST, what="members",
                                organization=_log_organization(request, filterset), filters=filterset.params(),
                                member_ids=[row.record.pk for row in table.paginated_rows],
                                rows=table.paginator.count)
    return render(request, "members/member_list.html", page.context(
        size_warnings=warnings, export_query=urlencode(filterset.params()), can_change=can_change,
        bulk_max=BULK_MAX))


@login_required
@require_http_methods(["GET", "POST"])
def member_transfer_selected(request):
    """The members ticked on the list, moved to one cell: this page lists them and asks where and when (the
    one confirmation); its POST moves them all or none (services.members_transfer_bulk, one transaction,
    the same checks as one transfer). Every member must be visible, still in the party and changeable."""
    require_anywhere(request.user, Perm.CHANGE_MEMBERS)
    data = request.POST if request.method == "POST" else request.GET
    ids = sorted({int(v) for v in data.getlist("selected") if v.isdigit() and int(v) < 2**31})
    back = reverse("members:member_list") + ("?" + data["back"] if data.get("back", "").strip() else "")
    if not ids:
        messages.error(request, _("Tick the members to transfer first."))
        return redirect(back)
    if len(ids) > BULK_MAX:
        messages.error(request, _("Transfer at most %(n)s members at a time.") % {"n": BULK_MAX})
        return redirect(back)
    members = list(Member.objects.visible_to(request.user).in_party().filter(pk__in=ids).select_related("cell")
                   .annotate(cell_parent_name=parent_name("cell__")).order_by("full_name", "id"))
    if len(members) != len(ids):
        messages.error(request, _("Some of the ticked members are not in your register any more: tick them again."))
        return redirect(back)
    if any(not user_can(request.user, Perm.CHANGE_MEMBERS, m.cell) for m in members):
        raise PermissionDenied
    # Its button sends confirm=1; any other POST (or the GET from the list) shows the form.
    confirming = request.method == "POST" and request.POST.get("confirm") == "1"
    form = MemberTransferForm(request.POST if confirming else None, user=request.user, member=None)
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        try:
            moved = members_transfer_bulk(members=members, to_cell=d["to_cell"], date=d["date"], reason=d["reason"],
                                          note=d["note"], user=request.user)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, ngettext("%(n)s member now belongs to %(cell)s.",
                                               "%(n)s members now belong to %(cell)s.", moved)
                             % {"n": moved, "cell": d["to_cell"].name})
            return redirect(reverse("members:member_list") + "?" + urlencode({"organization": d["to_cell"].pk}))
    return render(request, "members/member_transfer_selected.html", {
        "form": form, "members": members, "ids": ids, "back": data.get("back", ""), "back_url": back})


def _history(member: Member, *, with_sensitive: bool) -> list[dict]:
    """The audit trail, newest first: who, when, and for each change the field with its old and new
    value. Sensitive fields are left out for users who may not see them."""
    records = list(member.history.select_related("history_user").order_by("history_date", "history_id"))
    fields = {f.name: f for f in Member._meta.fields}
    cell_ids = {r.cell_id for r in records}
    cell_names = dict(Organization.objects.filter(pk__in=cell_ids).values_list("pk", "name"))

    def show(name, value):
        if value in (None, ""):
            return "—"
        if name == "cell":
            return cell_names.get(value, value)
        model_field = fields[name]
        if model_field.choices:
            return dict(model_field.flatchoices).get(value, value)
        if isinstance(value, dt.date):
            return value.strftime("%d/%m/%Y")
        return value

    # Bulk writes (transfers) record the membership reason as the change reason.
    reasons = dict(MembershipReason.choices)
    entries = []
    previous = None
    for record in records:
        changes = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous, excluded_fields=["created_at"])
            for change in delta.changes:
                if change.field in SENSITIVE_FIELDS and not with_sensitive:
                    continue
                changes.append({"field": fields[change.field].verbose_name,
                                "old": show(change.field, change.old), "new": show(change.field, change.new)})
        reason = record.history_change_reason or ""
        entries.append({"record": record, "changes": changes, "reason": reasons.get(reason, reason)})
        previous = record
    entries.reverse()
    return entries


@login_required
def member_detail(request, pk):
    """A member's whole story on one page: the profile, membership periods (transfers among them),
    status periods, positions and the audit trail from the register; ratings by year, this year's
    attendance, admission and probation, inspections and discipline from the sections the apps above the
    register provide (``members.register.sections``). Each section links to its records."""
    member = get_object_or_404(Member.objects.visible_to(request.user).select_related("cell")
                               .annotate(cell_parent_name=parent_name("cell__")), pk=pk)
    with_sensitive = user_can(request.user, Perm.VIEW_SENSITIVE, member.cell)
    if with_sensitive:
        _log_member_page(request, member, "member_detail")
    return render(request, "members/member_detail.html", {
        "member": member,
        "is_full": member.is_full_member_on(dt.date.today()),
        "with_sensitive": with_sensitive,
        "can_change": user_can(request.user, Perm.CHANGE_MEMBERS, member.cell),
        "periods": member.periods.select_related("cell").annotate(cell_parent_name=parent_name("cell__"))
        .order_by("-valid"),
        "status_periods": member.status_periods.order_by("-valid"),
        "positions": member.positions.select_related("organization").order_by("-valid"),
        "history": _history(member, with_sensitive=with_sensitive),
        # Ratings, attendance, admission, inspections: the sections higher apps register (sections.py).
        "sections": read_sections(request.user, member),
    })


@login_required
@require_http_methods(["GET", "POST"])
def member_create_view(request):
    require_anywhere(request.user, Perm.CHANGE_MEMBERS)
    form = MemberCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            member = member_create(cell=data["cell"], start_date=data["start_date"], start_reason=data["start_reason"],
                                   user=request.user, **form.profile_data())
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Added %(name)s to the register.") % {"name": member.full_name})
            return redirect("members:member_detail", pk=member.pk)
    return render(request, "members/member_form.html", {"form": form, "title": _("Add a party member")})


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request, pk):
    """Edit the profile. The form carries the version the page was loaded with; if someone saved in
    between, the service refuses the save and nothing changes."""
    member = _member_to_change(request, pk)
    with_sensitive = user_can(request.user, Perm.VIEW_SENSITIVE, member.cell)
    if request.method == "POST":
        form = MemberEditForm(request.POST, instance=member, with_sensitive=with_sensitive)
        if form.is_valid():
            try:
                member_update(member=member, expected_version=form.cleaned_data["version"], user=request.user,
                              **form.profile_data())
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("Saved the changes."))
                return redirect("members:member_detail", pk=member.pk)
    else:
        form = MemberEditForm(instance=member, initial={"version": member.version}, with_sensitive=with_sensitive)
    if with_sensitive:  # the form shows the sensitive values (or takes new ones)
        _log_member_page(request, member, "member_edit")
    return render(request, "members/member_form.html", {
        "form": form, "member": member, "title": _("Edit %(name)s") % {"name": member.full_name},
    })


@login_required
@require_http_methods(["GET", "POST"])
def member_transfer_view(request, pk):
    member = _member_to_change(request, pk)
    form = MemberTransferForm(request.POST or None, user=request.user, member=member)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            member_transfer(member=member, to_cell=data["to_cell"], date=data["date"], reason=data["reason"],
                            note=data["note"], user=request.user)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("%(name)s now belongs to %(cell)s.")
                             % {"name": member.full_name, "cell": data["to_cell"].name})
            return redirect("members:member_detail", pk=member.pk)
    return render(request, "members/member_action.html", {
        "form": form, "member": member, "title": _("Transfer %(name)s to another cell") % {"name": member.full_name},
        "submit": _("Transfer"),
    })


@login_required
@require_http_methods(["GET", "POST"])
def member_leave_view(request, pk):
    member = _member_to_change(request, pk)
    form = MemberLeaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            member_leave(member=member, date=data["date"], reason=data["reason"], note=data["note"], user=request.user)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Recorded that %(name)s left the party organization.")
                             % {"name": member.full_name})
            return redirect("members:member_detail", pk=member.pk)
    return render(request, "members/member_action.html", {
        "form": form, "member": member,
        "title": _("%(name)s leaves the party organization") % {"name": member.full_name},
        "submit": _("Record"), "danger": True,
    })


@login_required
@require_http_methods(["GET"])
def member_export(request):
    """The filtered list as .xlsx, streamed from a temporary file. Sensitive columns only for users who
    may see them for every exported member; such exports are logged in SensitiveAccess."""
    require_anywhere(request.user, Perm.VIEW)
    filterset, queryset = _filtered_members(request)
    sensitive = excel.can_export_sensitive(request.user, filterset.chosen_organization())
    tmp, _rows = excel.export_members(queryset, user=request.user, sensitive=sensitive, filters=filterset.params(),
                                      organization=_log_organization(request, filterset))
    filename = f"dang-vien-{dt.date.today():%Y%m%d}.xlsx"
    return FileResponse(tmp, as_attachment=True, filename=filename, content_type=XLSX)


@login_required
@require_http_methods(["GET"])
def member_import_template(request):
    require_anywhere(request.user, Perm.CHANGE_MEMBERS)
    buffer = io.BytesIO()  # a small workbook: two example rows and the lists of allowed values
    excel.build_template(buffer, user=request.user)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-dang-vien.xlsx"'
    return response


def import_runner(user, pending):
    """The member import's ``run`` for ``user``: parse the kept file, hand its rows to the service. Also built
    by the worker for a large file (core.uploads.run_queued_import)."""

    def run(path, pending, commit):
        parsed = excel.parse_workbook(path, user=user)
        outcome = excel.run_import(parsed, user=user, start_reason=pending["start_reason"], commit=commit)
        return outcome.problems, outcome.count

    return run


def _import_flow(request) -> XlsxUpload:
    """The member import through the shared upload flow."""
    return XlsxUpload(IMPORT_SESSION_KEY, import_runner(request.user, None),
                      runner="members.register.views.import_runner")


def _render_preview(request, outcome: UploadResult, *, committing: bool):
    return render(request, "members/member_import_preview.html", preview_context(outcome, committing=committing))


@login_required
@require_http_methods(["GET", "POST"])
def member_import(request):
    """Import members from Excel in two steps (core.uploads): the upload is checked by the service in a
    transaction that is always rolled back and every error is listed by row and column; confirming runs
    the kept file again for real, and any error then still changes nothing."""
    require_anywhere(request.user, Perm.CHANGE_MEMBERS)
    flow = _import_flow(request)
    if request.method == "POST" and request.POST.get("action") == "commit":
        outcome = flow.confirm(request, request.POST.get("token"), next_url=reverse("members:member_list"))
        if outcome is None:
            messages.error(request, _("This import is no longer waiting for confirmation. Upload the file again."))
            return redirect("members:member_import")
        if outcome.run is not None:  # a large file: the worker imports it, its page shows the progress
            return redirect("import_run_detail", pk=outcome.run.pk)
        if not outcome.committed:
            return _render_preview(request, outcome, committing=True)
        messages.success(request, ngettext("Imported %(count)d party member.", "Imported %(count)d party members.",
                                           outcome.count) % {"count": outcome.count})
        return redirect(reverse("members:member_list"))
    form = MemberImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        outcome = flow.preview(request, form.cleaned_data["file"], start_reason=form.cleaned_data["start_reason"])
        return _render_preview(request, outcome, committing=False)
    return render(request, "members/member_import.html", {"form": form})


@login_required
def organization_composition(request, pk):
    """The composition of an organization's members on a date (seed 000's opening statistics). Served under
    the organizations' URLs: it is a page about an organization, computed from the register."""
    org = get_object_or_404(Organization.objects.visible_to(request.user), pk=pk)
    form = CompositionForm(request.GET or None)
    day = form.day()
    comp = composition(org, day)
    return render(request, "members/organization_composition.html", {
        "org": org, "form": form, "comp": comp, "day": day, "sentence": summary_sentence(comp),
    })


# --- Status periods (exempted, suspended, special duty, sick leave) -----------------------------------------

def _period_history(period: StatusPeriod) -> list:
    """The period's audit trail, newest first: who changed it and when, with the fields that changed."""
    records = list(period.history.select_related("history_user").order_by("history_date", "history_id"))
    fields = {f.name: f for f in StatusPeriod._meta.fields}
    entries, previous = [], None
    for record in records:
        changes = []
        if previous is not None and record.history_type == "~":
            for change in record.diff_against(previous).changes:
                model_field = fields[change.field]
                choices = dict(model_field.flatchoices) if model_field.choices else {}
                changes.append({"field": model_field.verbose_name, "old": choices.get(change.old, change.old) or "—",
                                "new": choices.get(change.new, change.new) or "—"})
        entries.append({"record": record, "changes": changes})
        previous = record
    entries.reverse()
    return entries


@login_required
def status_period_list(request):
    require_anywhere(request.user, Perm.VIEW)
    queryset = StatusPeriod.objects.visible_to(request.user).select_related("member__cell").order_by("-valid", "pk")
    editable = scope_paths(request.user, Perm.CHANGE_MEMBERS)

    def can_edit(record):
        return editable is None or any(record.member.cell.path.startswith(p) for p in editable)

    page = list_page(request, "status_periods", queryset, filterset_class=StatusPeriodFilterSet,
                     table_class=StatusPeriodTable, per_page=PER_PAGE, can_edit=can_edit)
    if page.exporting:
        return export_response(page, "dien-mien-va-trang-thai")
    return render(request, "members/status_period_list.html", page.context())


@login_required
@require_http_methods(["GET", "POST"])
def status_period_create(request, pk):
    member = _member_to_change(request, pk)
    form = StatusPeriodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            status_period_add(member=member, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Recorded the period."))
            return redirect("members:member_detail", pk=member.pk)
    return render(request, "members/member_action.html", {
        "form": form, "member": member, "submit": _("Record"),
        "title": _("A status period of %(name)s") % {"name": member.full_name},
    })


@login_required
@require_http_methods(["GET", "POST"])
def status_period_edit(request, pk):
    period = get_object_or_404(StatusPeriod.objects.visible_to(request.user).select_related("member__cell"), pk=pk)
    member = period.member
    if not user_can(request.user, Perm.CHANGE_MEMBERS, member.cell):
        raise PermissionDenied
    form = StatusPeriodForm(request.POST or None, initial=StatusPeriodForm.initial_of(period))
    if request.method == "POST" and form.is_valid():
        try:
            status_period_update(period=period, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Saved the changes."))
            return redirect("members:member_detail", pk=member.pk)
    return render(request, "members/status_period_form.html", {
        "form": form, "member": member, "period": period, "submit": _("Save"),
        "title": _("A status period of %(name)s") % {"name": member.full_name},
        "history": _period_history(period),
    })
@login_required
@require_GET
def member_autocomplete(request):
    """The members a picker proposes for ``?q=`` (name, with or without diacritics): party members the user
    may act on with ``?action=``, ``?under=`` an organization the user sees (its subtree), ``?full=1`` full
    members only; each named with the cell and its đảng bộ. The form still validates the value against its
    own queryset: this only proposes."""
    from core.autocomplete import autocomplete_response, query_text
    action = request.GET.get("action") or Perm.VIEW
    if action not in PERMS:
        raise Http404
    qs = Member.objects.visible_to(request.user, action).in_party()
    under = request.GET.get("under", "")
    if under:
        organization = get_object_or_404(Organization.objects.visible_to(request.user),
                                         pk=int(under) if under.isdigit() else 0)
        qs = qs.filter(cell__path__startswith=organization.path)
    if request.GET.get("full"):
        qs = qs.exclude(full_membership_date__isnull=True)
    q = query_text(request)
    if q:
        qs = qs.search(q)
    qs = (qs.select_related("cell").annotate(cell_parent_name=parent_name("cell__"))
          .order_by("full_name", "pk"))
    return autocomplete_response(qs, member_label)



@login_required
def sensitive_log(request):
    """Who read sensitive personal data, when, of which members or with which filter: for administrators, of the
    organizations they administer (MANAGE_ROLES), newest first."""
    require_anywhere(request.user, Perm.MANAGE_ROLES)
    entries = (SensitiveAccess.objects.visible_to(request.user, Perm.MANAGE_ROLES)
               .select_related("user", "organization").order_by("-at", "-pk"))
    table = paginate(request, SensitiveAccessTable(entries), PER_PAGE)
    return render(request, "members/sensitive_log.html", {"table": table})
