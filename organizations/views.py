"""Organization pages: the tree, an organization's page, its edits and dated operations, composition,
mass organizations and role assignments. Views are thin: they scope, call a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import IntegerField, OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.lists import export_response, list_page, paginate
from organizations import hooks, services
from organizations.choices import OrgKind
from organizations.filters import OrganizationFilterSet
from organizations.forms import (
    DissolveForm,
    MassOrganizationForm,
    MergeForm,
    MoveForm,
    OrganizationCreateForm,
    OrganizationEditForm,
    RenameForm,
    RoleAssignmentForm,
    SplitForm,
    UserCreateForm,
)
from organizations.models import MassOrganization, Organization, RoleAssignment
from organizations.permissions import PERMS, Perm
from organizations.scoping import is_administrator, require_anywhere, scope_paths, user_can
from organizations.tables import OrganizationTable

PER_PAGE = 100  # organizations a page: a search result, or the sub-organizations on an organization's page


class SubqueryCount(Subquery):
    """COUNT(*) of a correlated subquery: one query for a whole page of rows."""

    template = "(SELECT count(*) FROM (%(subquery)s) _count)"
    output_field = IntegerField()


def with_counts(qs):
    children = Organization.objects.filter(path__startswith=OuterRef("path"), depth=OuterRef("depth") + 1,
                                           dissolved_on__isnull=True).values("pk")
    members = hooks.members().current_under_subquery(OuterRef("path"))
    return qs.annotate(children_count=SubqueryCount(children), members_count=SubqueryCount(members))


def get_organization(request, pk, perm: str = Perm.VIEW) -> Organization:
    """The organization if the user may see it (404 otherwise: its existence is not revealed), and 403
    when seen but ``perm`` is not granted there."""
    org = get_object_or_404(Organization.objects.visible_to(request.user), pk=pk)
    if perm != Perm.VIEW and not user_can(request.user, perm, org):
        raise PermissionDenied
    return org


def _form_errors_from(exc: ValidationError, form) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
def organization_list(request):
    """The top of the user's scope, or a search across it."""
    if not request.GET.get("q", "").strip():
        require_anywhere(request.user, Perm.VIEW)
    organizations = with_counts(Organization.objects.visible_to(request.user).select_related("host_unit"))
    page = list_page(request, "organizations", organizations, filterset_class=OrganizationFilterSet,
                     table_class=OrganizationTable, per_page=PER_PAGE)
    if page.exporting:
        return export_response(page, "to-chuc-dang")
    return render(request, "organizations/organization_list.html", page.context(
        q=page.filterset.search(), can_create=request.user.is_superuser))


@login_required
def organization_detail(request, pk):
    org = get_organization(request, pk)
    ancestors = list(Organization.objects.get_ancestors(org)) if org.depth > 1 else []
    visible_paths = scope_paths(request.user, Perm.VIEW)
    crumbs = [(a, visible_paths is None or any(a.path.startswith(p) for p in visible_paths)) for a in ancestors]
    children = paginate(request, OrganizationTable(with_counts(Organization.objects.children_of(org).select_related(
        "host_unit")).order_by("dissolved_on", "name")), PER_PAGE)
    counts = with_counts(Organization.objects.filter(pk=org.pk)).values("children_count", "members_count").get()
    history = org.history.select_related("history_user").order_by("-history_date")[:20]
    return render(request, "organizations/organization_detail.html", {
        "org": org, "crumbs": crumbs, "children": children, "counts": counts,
        "events": org.events.select_related("recorded_by").prefetch_related("related")[:50],
        "mass_organizations": org.mass_organizations.all(),
        "history": history,
        "size_warnings": hooks.members().size_warnings_for(org),
        "can_change": user_can(request.user, Perm.CHANGE_TREE, org) and org.is_active,
        "can_split": org.is_cell, "child_kinds": [k for k in OrgKind if k],
    })


@login_required
def organization_create(request):
    require_anywhere(request.user, Perm.CHANGE_TREE)
    initial = {}
    if parent_pk := request.GET.get("parent"):
        initial["parent"] = get_organization(request, parent_pk, Perm.CHANGE_TREE)
    form = OrganizationCreateForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            org = services.organization_create(
                name=d["name"], kind=d["kind"], parent=d["parent"], founded_on=d["founded_on"], user=request.user,
                short_name=d["short_name"], code=d["code"], decision=d["decision"],
                host_unit_name=d["host_unit_name"], host_unit_sector=d["host_unit_sector"],
                records_from=d.get("records_from"),
            )
        except ValidationError as exc:
            _form_errors_from(exc, form)
        else:
            messages.success(request, _("Created “%(org)s”.") % {"org": org})
            return redirect("organizations:organization_detail", pk=org.pk)
    return render(request, "organizations/organization_form.html", {"form": form, "title": _("New organization")})


@login_required
def organization_edit(request, pk):
    org = get_organization(request, pk, Perm.CHANGE_TREE)
    initial = {"short_name": org.short_name, "code": org.code, "notes": org.notes,
               "records_from": org.records_kept_from}
    if org.host_unit:
        initial.update(host_unit_name=org.host_unit.name, host_unit_sector=org.host_unit.sector)
    form = OrganizationEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.organization_update(organization=org, user=request.user, short_name=d["short_name"],
                                         code=d["code"], notes=d["notes"], host_unit_name=d["host_unit_name"],
                                         host_unit_sector=d["host_unit_sector"], records_from=d["records_from"])
        except ValidationError as exc:
            _form_errors_from(exc, form)
        else:
            messages.success(request, _("Saved."))
            return redirect("organizations:organization_detail", pk=org.pk)
    return render(request, "organizations/organization_form.html",
                  {"form": form, "org": org, "title": _("Edit %(org)s") % {"org": org}})


def _operation(request, pk, form_class, run, title, template="organizations/operation_form.html", **form_kwargs):
    """A dated tree operation: the form explains the effect, asks for confirmation, calls the service."""
    org = get_organization(request, pk, Perm.CHANGE_TREE)
    if not org.is_active:
        raise Http404
    kwargs = {key: (org if value == "org" else request.user) for key, value in form_kwargs.items()}
    form = form_class(request.POST or None, **kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            result = run(org, form)
        except ValidationError as exc:
            _form_errors_from(exc, form)
        else:
            messages.success(request, _("Done: %(title)s.") % {"title": title})
            target = result if isinstance(result, Organization) and result.is_active else org
            return redirect("organizations:organization_detail", pk=target.pk)
    effects = {
        "members": hooks.members().current_count_under(org.path),
        "children": Organization.objects.children_of(org).active().count(),
    }
    return render(request, template, {"form": form, "org": org, "title": title, "effects": effects})


@login_required
def organization_rename(request, pk):
    return _operation(request, pk, RenameForm, lambda org, f: services.organization_rename(
        organization=org, new_name=f.cleaned_data["new_name"], date=f.cleaned_data["date"], user=request.user,
        decision=f.cleaned_data["decision"]), _("Rename"))


@login_required
def organization_move(request, pk):
    return _operation(request, pk, MoveForm, lambda org, f: services.organization_move(
        organization=org, new_parent=f.cleaned_data["new_parent"], date=f.cleaned_data["date"], user=request.user,
        decision=f.cleaned_data["decision"]), _("Move under another organization"), user="user", organization="org")


@login_required
def organization_dissolve(request, pk):
    return _operation(request, pk, DissolveForm, lambda org, f: services.organization_dissolve(
        organization=org, date=f.cleaned_data["date"], user=request.user, decision=f.cleaned_data["decision"],
        note=f.cleaned_data["note"]), _("Dissolve"))


@login_required
def organization_merge(request, pk):
    return _operation(request, pk, MergeForm, lambda org, f: services.organizations_merge(
        sources=list(f.cleaned_data["sources"]), into=org, date=f.cleaned_data["date"], user=request.user,
        decision=f.cleaned_data["decision"]), _("Merge other organizations into this one"),
        user="user", organization="org")


@login_required
def organization_split(request, pk):
    def run(org, form):
        created = services.organization_split(
            source=org, parts=[{"name": n} for n in form.cleaned_data["parts"]], member_assignment=form.assignment(),
            date=form.cleaned_data["date"], user=request.user, decision=form.cleaned_data["decision"])
        return created[0]

    org = get_organization(request, pk, Perm.CHANGE_TREE)
    if not org.is_cell:
        messages.error(request, _("Only a party cell is split here; move the sub-organizations of a party committee "
                                  "instead."))
        return redirect("organizations:organization_detail", pk=org.pk)
    return _operation(request, pk, SplitForm, run, _("Split"), organization="org")


@login_required
def massorg_create(request, pk):
    org = get_organization(request, pk, Perm.CHANGE_TREE)
    form = MassOrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            mass = services.mass_organization_create(organization=org, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors_from(exc, form)
        else:
            messages.success(request, _("Added “%(name)s”.") % {"name": mass.name})
            return redirect("organizations:organization_detail", pk=org.pk)
    return render(request, "organizations/organization_form.html",
                  {"form": form, "org": org, "title": _("Add a mass organization")})


@login_required
def massorg_edit(request, pk):
    mass = get_object_or_404(MassOrganization.objects.visible_to(request.user).select_related("organization"), pk=pk)
    if not user_can(request.user, Perm.CHANGE_TREE, mass.organization):
        raise PermissionDenied
    form = MassOrganizationForm(request.POST or None, instance=mass)
    if request.method == "POST" and form.is_valid():
        try:
            services.mass_organization_update(mass=mass, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors_from(exc, form)
        else:
            messages.success(request, _("Saved."))
            return redirect("organizations:organization_detail", pk=mass.organization_id)
    return render(request, "organizations/organization_form.html",
                  {"form": form, "org": mass.organization, "title": mass.name})


# --- Role assignments -----------------------------------------------------------------------------


@login_required
def role_list(request):
    require_anywhere(request.user, Perm.MANAGE_ROLES)
    assignments = (RoleAssignment.objects.visible_to(request.user, Perm.MANAGE_ROLES)
                   .select_related("user", "organization").order_by("organization__path", "user__username"))
    return render(request, "organizations/role_list.html", {"assignments": assignments[:500],
                                                            "may_reset": is_administrator(request.user)})


@login_required
def role_create(request):
    require_anywhere(request.user, Perm.MANAGE_ROLES)
    form = RoleAssignmentForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.role_assign(user_to=d["user"], role=d["role"], organization=d["organization"], by=request.user)
        except ValidationError as exc:
            _form_errors_from(exc, form)
        else:
            messages.success(request, _("Role granted."))
            return redirect("organizations:role_list")
    return render(request, "organizations/organization_form.html", {"form": form, "title": _("Grant a role")})


@login_required
def user_create(request):
    require_anywhere(request.user, Perm.MANAGE_ROLES)
    form = UserCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            new_user = services.user_create_with_role(
                username=d["username"], full_name=d["full_name"], email=d["email"], password=d["password"],
                role=d["role"], organization=d["organization"], by=request.user)
        except ValidationError as exc:
            _form_errors_from(exc, form)
        else:
            messages.success(request, _("User %(user)s created.") % {"user": new_user.username})
            return redirect("organizations:role_list")
    return render(request, "organizations/organization_form.html", {"form": form, "title": _("New user")})


@login_required
@require_POST
def role_delete(request, pk):
    assignment = get_object_or_404(RoleAssignment.objects.visible_to(request.user, Perm.MANAGE_ROLES), pk=pk)
    try:
        services.role_revoke(assignment=assignment, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Role removed."))
    return redirect(reverse("organizations:role_list"))


# ------------------------------------------------------------------------------------- remote pickers

@login_required
@require_GET
def organization_autocomplete(request):
    """The organizations a picker proposes for ``?q=`` (name or code, with or without diacritics): those the
    user may act on with ``?action=`` (the permission the form narrows its field by), ``?kind=cell`` only
    active cells, ``?active=1`` only active organizations; in tree order, each named with its đảng bộ. The
    form still validates the value against its own queryset: this only proposes."""
    from core.autocomplete import autocomplete_response, query_text
    from organizations.display import parent_name
    from organizations.forms import organization_label

    action = request.GET.get("action") or Perm.VIEW
    if action not in PERMS:
        raise Http404
    qs = Organization.objects.visible_to(request.user, action)
    if request.GET.get("kind") == "cell":
        qs = qs.cells().active()
    elif request.GET.get("active"):
        qs = qs.active()
    q = query_text(request)
    if q:
        qs = qs.filter(Q(name__unaccent__icontains=q) | Q(code__iexact=q))
    qs = qs.annotate(parent_name=parent_name()).only("id", "name", "code", "depth", "path").order_by("path")
    return autocomplete_response(qs, lambda o: organization_label(o, indented=False))
