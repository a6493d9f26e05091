"""Writes to the organization tree. Every change runs in one transaction, checks the kind rules and the
acting user's scope, records a dated OrganizationEvent and keeps OrganizationPlacement in step, so that
forms, imports, the admin and the demo loader obey the same rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.events import emit, years_from
from organizations import hooks
from organizations.choices import ALLOWED_PARENTS, CELL_KINDS, EventKind, OrgKind
from organizations.models import HostUnit, MassOrganization, Organization, OrganizationEvent, OrganizationPlacement
from organizations.permissions import Perm
from organizations.scoping import user_can


def _d(day: dt.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def _require(user, perm: str, organization: Organization | None) -> None:
    """Refuse a change outside the acting user's subtree. ``user=None`` is a trusted system caller
    (demo loader, migrations, Celery)."""
    if user is None:
        return
    if organization is None:
        if not user.is_superuser:
            raise PermissionDenied(_("Only a system administrator can create a top-level organization."))
        return
    if not user_can(user, perm, organization):
        raise PermissionDenied(_("“%(org)s” is outside the organizations you may change.") % {"org": organization})


def check_kind_under(kind: str, parent: Organization | None) -> None:
    parent_kind = parent.kind if parent else None
    if parent_kind not in ALLOWED_PARENTS[kind]:
        allowed = ", ".join(str(OrgKind(k).label) for k in ALLOWED_PARENTS[kind] if k) or _("none (top level)")
        raise ValidationError(
            {"parent": _("A %(kind)s cannot sit under %(parent)s. Allowed: %(allowed)s.") % {
                "kind": OrgKind(kind).label,
                "parent": OrgKind(parent_kind).label if parent_kind else _("nothing (top level)"),
                "allowed": allowed,
            }}
        )


def _check_active_on(organization: Organization, day: dt.date, field: str = "date") -> None:
    if not organization.existed_on(day):
        raise ValidationError({field: _("“%(org)s” did not exist on %(day)s.") % {"org": organization, "day": _d(day)}})


def _check_not_before_last_change(organizations: Sequence[Organization], day: dt.date) -> None:
    """A dated operation may not be placed before a later recorded change of the same organizations:
    the placements after it would no longer be true."""
    last = (
        OrganizationPlacement.objects.filter(organization__in=[o.pk for o in organizations])
        .aggregate(m=Max("valid__startswith"))["m"]
    )
    if last and day < last:
        raise ValidationError(
            {"date": _("The date %(day)s is before a change already recorded on %(last)s; record operations in order.")
             % {"day": _d(day), "last": _d(last)}}
        )


def sync_placements(day: dt.date, organization_ids: Sequence[int] | None = None) -> None:
    """Bring OrganizationPlacement in line with today's tree from ``day`` on, set-based: close every open
    placement whose path, depth, name or kind no longer matches, open one for every organization that
    has none and is not dissolved. ``organization_ids`` limits the work to the organizations an
    operation touched (a moved subtree, a new node); None checks the whole tree."""
    only = "" if organization_ids is None else " AND o.id = ANY(%(ids)s)"
    params = {"day": day, "ids": list(organization_ids or [])}
    # Every tree operation ends here: the targets engine hears of it once, after commit.
    emit("organization", years=years_from(day),
         organization_ids=params["ids"] or Organization.objects.filter(depth=1).values_list("pk", flat=True))
    with connection.cursor() as cur:
        cur.execute(
            """
            UPDATE organizations_organizationplacement p
               SET valid = daterange(lower(p.valid), %(day)s, '[)')
              FROM organizations_organization o
             WHERE p.organization_id = o.id AND upper_inf(p.valid)
               AND (p.path <> o.path OR p.depth <> o.depth OR p.name <> o.name OR p.kind <> o.kind
                    OR (o.dissolved_on IS NOT NULL AND o.dissolved_on <= %(day)s))
               AND lower(p.valid) < %(day)s""" + only,
            params,
        )
        # A placement opened today and changed again today never held: drop it rather than keep an empty span.
        cur.execute(
            """
            DELETE FROM organizations_organizationplacement p
             USING organizations_organization o
             WHERE p.organization_id = o.id AND upper_inf(p.valid) AND lower(p.valid) >= %(day)s
               AND (p.path <> o.path OR p.depth <> o.depth OR p.name <> o.name OR p.kind <> o.kind
                    OR o.dissolved_on IS NOT NULL)""" + only,
            params,
        )
        cur.execute(
            """
            INSERT INTO organizations_organizationplacement (organization_id, path, depth, name, kind, valid)
            SELECT o.id, o.path, o.depth, o.name, o.kind, daterange(GREATEST(o.founded_on, %(day)s), NULL, '[)')
              FROM organizations_organization o
             WHERE o.dissolved_on IS NULL
               AND NOT EXISTS (SELECT 1 FROM organizations_organizationplacement p
                                WHERE p.organization_id = o.id AND upper_inf(p.valid))""" + only,
            params,
        )


def _event(organization, kind, day, user, *, related=(), details=None, note="", decision=""):
    event = OrganizationEvent.objects.create(
        organization=organization, kind=kind, date=day, details=details or {}, note=note, decision=decision,
        recorded_by=user if user and user.is_authenticated else None,
    )
    if related:
        event.related.set(related)
    return event


def _host_unit(name: str | None, sector: str, current: HostUnit | None) -> HostUnit | None:
    """The host unit a form describes by name and sector: the current one renamed, or a new one (validated,
    not saved: the caller saves it once the organization itself has passed validation)."""
    name = (name or "").strip()
    if not name:
        return None
    unit = current if current is not None else HostUnit()
    unit.name, unit.sector = name, sector
    unit.full_clean()
    return unit


@transaction.atomic
def organization_create(
    *, name: str, kind: str, parent: Organization | None, founded_on: dt.date, user=None,
    short_name: str = "", code: str = "", host_unit: HostUnit | None = None, host_unit_name: str | None = None,
    host_unit_sector: str = "", notes: str = "", decision: str = "", records_from: dt.date | None = None,
) -> Organization:
    """Found an organization under ``parent``. Its host unit is an existing one (``host_unit``) or one described
    by ``host_unit_name`` and ``host_unit_sector``, created only when everything else is valid. ``records_from``
    is the first day whose records are kept for it (an organization entered long after its founding); by
    default its founding date."""
    _require(user, Perm.CHANGE_TREE, parent)
    check_kind_under(kind, parent)
    if parent is not None:
        _check_active_on(parent, founded_on, "founded_on")
    described = _host_unit(host_unit_name, host_unit_sector, None)
    org = Organization(name=name.strip(), kind=kind, short_name=short_name, code=code, host_unit=host_unit,
                       founded_on=founded_on, notes=notes, records_from=records_from or founded_on)
    org.full_clean(exclude=["path", "depth", "numchild", "host_unit"])
    if described is not None:
        described.save()
        org.host_unit = described
    org = Organization.objects.add_child(parent,
                                         instance=org) if parent else Organization.objects.add_root(instance=org)
    sync_placements(founded_on, [org.pk])
    _event(org, EventKind.FOUNDED, founded_on, user, decision=decision,
           details={"parent": parent.name if parent else None})
    return org


@transaction.atomic
def organization_update(*, organization: Organization, user=None, host_unit_name: str | None = None,
                        host_unit_sector: str = "", **fields) -> Organization:
    """Edit attributes that carry no history (short name, code, host unit, notes). A host unit described by
    name and sector renames the current one (or creates one); it is written only when the whole edit is
    valid, so a refused edit changes nothing."""
    _require(user, Perm.CHANGE_TREE, organization)
    allowed = {"short_name", "code", "host_unit", "notes", "founded_on", "records_from"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(_("These fields change through a dated operation: %s") % ", ".join(sorted(unknown)))
    described = None
    if host_unit_name is not None:
        current = HostUnit.objects.filter(pk=organization.host_unit_id).first() if organization.host_unit_id else None
        described = _host_unit(host_unit_name, host_unit_sector, current)
    before = organization.records_kept_from
    for key, value in fields.items():
        setattr(organization, key, value)
    if "records_from" in fields and not fields["records_from"]:
        organization.records_from = organization.founded_on
    organization.full_clean(exclude=["path", "depth", "numchild", "host_unit"])
    if organization.records_kept_from != before:
        # Which periods have records to judge changed: the targets over this organization are recomputed.
        earliest = min(before, organization.records_kept_from)
        emit("organization", years=years_from(earliest), organization_ids=[organization.pk])
    if host_unit_name is not None:
        if described is not None:
            described.save()
        organization.host_unit = described
    organization.save()
    return organization


@transaction.atomic
def organization_rename(*, organization: Organization, new_name: str, date: dt.date, user=None,
                        decision: str = "") -> Organization:
    _require(user, Perm.CHANGE_TREE, organization)
    _check_active_on(organization, date)
    _check_not_before_last_change([organization], date)
    old = organization.name
    new_name = new_name.strip()
    if not new_name or new_name == old:
        raise ValidationError({"new_name": _("Enter a new name different from the current one.")})
    organization.name = new_name
    organization.save(update_fields=["name"])
    sync_placements(date, [organization.pk])
    _event(organization, EventKind.RENAMED, date, user, details={"old_name": old, "new_name": new_name},
           decision=decision)
    return organization


@transaction.atomic
def organization_move(*, organization: Organization, new_parent: Organization, date: dt.date, user=None,
                      decision: str = "") -> Organization:
    organization.refresh_from_db()
    new_parent.refresh_from_db()
    _require(user, Perm.CHANGE_TREE, organization)
    _require(user, Perm.CHANGE_TREE, new_parent)
    check_kind_under(organization.kind, new_parent)
    _check_active_on(organization, date)
    _check_active_on(new_parent, date, "new_parent")
    if new_parent.path.startswith(organization.path):
        raise ValidationError(
            {"new_parent": _("An organization cannot move under itself or its own sub-organization.")})
    old_parent = Organization.objects.get_parent(organization)
    if old_parent and old_parent.pk == new_parent.pk:
        raise ValidationError({"new_parent": _("The organization is already under “%(org)s”.") % {"org": new_parent}})
    subtree = list(Organization.objects.subtree_of(organization))
    _check_not_before_last_change(subtree, date)
    Organization.objects.move(organization, new_parent, "last-child")
    # "last-child" renumbers only the moved subtree (its ids do not change), so only it needs syncing.
    sync_placements(date, [o.pk for o in subtree])
    organization.refresh_from_db()
    _event(organization, EventKind.MOVED, date, user, decision=decision,
           details={"old_parent": old_parent.name if old_parent else None, "new_parent": new_parent.name})
    return organization


@transaction.atomic
def organization_dissolve(*, organization: Organization, date: dt.date, user=None, decision: str = "",
                          note: str = "", _event_kind: str = EventKind.DISSOLVED, _details=None) -> Organization:
    """Dissolve an organization that has no active sub-organization and no current member left: move or
    dissolve those first (or use merge/split, which do it for you)."""
    organization.refresh_from_db()
    _require(user, Perm.CHANGE_TREE, organization)
    _check_active_on(organization, date)
    if date <= organization.founded_on:
        raise ValidationError({"date": _("The dissolution date must be after the founding date.")})
    active_children = Organization.objects.children_of(organization).active().count()
    members = hooks.members().current_count([organization.pk])
    if active_children or members:
        raise ValidationError(
            _("“%(org)s” still has %(children)d active sub-organization(s) and %(members)d member(s): move or "
              "dissolve them first.") % {"org": organization, "children": active_children, "members": members}
        )
    _check_not_before_last_change([organization], date)
    organization.dissolved_on = date
    organization.save(update_fields=["dissolved_on"])
    sync_placements(date, [organization.pk])
    _event(organization, _event_kind, date, user, decision=decision, note=note, details=_details or {})
    return organization


@transaction.atomic
def organizations_merge(*, sources: Sequence[Organization], into: Organization, date: dt.date, user=None,
                        decision: str = "") -> Organization:
    """Merge several organizations into one (existing or just created): their sub-organizations move
    under it, members of merged cells transfer to it when it is a cell, and the sources are dissolved."""
    sources = [s for s in sources if s.pk != into.pk]
    if not sources:
        raise ValidationError({"sources": _("Choose at least one organization to merge.")})
    _require(user, Perm.CHANGE_TREE, into)
    _check_active_on(into, date, "into")
    for source in sources:
        _require(user, Perm.CHANGE_TREE, source)
        _check_active_on(source, date, "sources")
        if into.path.startswith(source.path):
            raise ValidationError(
                {"into": _("Cannot merge “%(org)s” into its own sub-organization.") % {"org": source}})
    for source in sources:
        for child in Organization.objects.children_of(source).active():
            organization_move(organization=child, new_parent=into, date=date, user=user, decision=decision)
        moving = [m.pk for m in hooks.members().current_in(source)]
        if moving:
            if into.kind not in CELL_KINDS:
                raise ValidationError(
                    {"into": _("“%(src)s” has members; it can only be merged into a party cell.") % {"src": source}}
                )
            hooks.members().transfer(member_ids=moving, to_cell=into, date=date, user=user)
        organization_dissolve(organization=source, date=date, user=user, decision=decision,
                              _details={"merged_into": into.name, "merged_into_id": into.pk})
    _event(into, EventKind.MERGED, date, user, related=sources, decision=decision,
           details={"sources": [s.name for s in sources]})
    return into


@transaction.atomic
def organization_split(*, source: Organization, parts: Sequence[dict], member_assignment: dict[int, int],
                       date: dt.date, user=None, decision: str = "") -> list[Organization]:
    """Split ``source`` into new organizations under the same parent. ``parts`` are dicts with name and
    kind; ``member_assignment`` maps every current member id of ``source`` to the index of its part.
    Sub-organizations must be moved first. The source is dissolved."""
    source.refresh_from_db()
    _require(user, Perm.CHANGE_TREE, source)
    _check_active_on(source, date)
    if len(parts) < 2:
        raise ValidationError({"parts": _("A split needs at least two new organizations.")})
    if Organization.objects.children_of(source).active().exists():
        raise ValidationError(_("Move the sub-organizations of “%(org)s” before splitting it.") % {"org": source})
    current = {m.pk for m in hooks.members().current_in(source)}
    unassigned = current - set(member_assignment)
    if unassigned:
        raise ValidationError(
            {"member_assignment": _("%(n)d member(s) of “%(org)s” are not assigned to a new organization.")
             % {"n": len(unassigned), "org": source}}
        )
    parent = Organization.objects.get_parent(source)
    created = [
        organization_create(name=part["name"], kind=part.get("kind", source.kind), parent=parent, founded_on=date,
                            user=user, host_unit=part.get("host_unit", source.host_unit), decision=decision)
        for part in parts
    ]
    for index, org in enumerate(created):
        ids = [mid for mid, part in member_assignment.items() if part == index and mid in current]
        if ids:
            if org.kind not in CELL_KINDS:
                raise ValidationError({"parts": _("Members can only be assigned to a party cell.")})
            hooks.members().transfer(member_ids=ids, to_cell=org, date=date, user=user)
    organization_dissolve(organization=source, date=date, user=user, decision=decision,
                          _details={"split_into": [o.name for o in created]})
    _event(source, EventKind.SPLIT, date, user, related=created, decision=decision,
           details={"parts": [o.name for o in created]})
    return created


# --- Mass organizations -------------------------------------------------------------------------------

MASS_ORGANIZATION_FIELDS = ("name", "kind", "level", "active")


@transaction.atomic
def mass_organization_create(*, organization: Organization, user=None, **fields) -> MassOrganization:
    """Attach a mass organization (Công đoàn, Đoàn TNCS …) to a party organization the user may change."""
    _require(user, Perm.CHANGE_TREE, organization)
    mass = MassOrganization(organization=organization, **_mass_fields(fields))
    mass.full_clean()
    mass.save()
    return mass


@transaction.atomic
def mass_organization_update(*, mass: MassOrganization, user=None, **fields) -> MassOrganization:
    _require(user, Perm.CHANGE_TREE, mass.organization)
    for name, value in _mass_fields(fields).items():
        setattr(mass, name, value)
    mass.full_clean()
    mass.save()
    return mass


def _mass_fields(fields: dict) -> dict:
    unknown = set(fields) - set(MASS_ORGANIZATION_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be changed here: %s") % ", ".join(sorted(unknown)))
    return fields


# --- Role assignments --------------------------------------------------------------------------------

@transaction.atomic
def role_assign(*, user_to, role: str, organization: Organization, by=None):
    """Grant ``role`` over ``organization``'s subtree. Only someone who manages roles over that subtree
    may grant it, so nobody can hand out more than they hold."""
    from organizations.models import RoleAssignment

    _require(by, Perm.MANAGE_ROLES, organization)
    if not organization.is_active:
        raise ValidationError({"organization": _("“%(org)s” is dissolved.") % {"org": organization}})
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user_to, role=role, organization=organization, defaults={"granted_by": by}
    )
    if not created:
        raise ValidationError(_("%(user)s already holds this role over “%(org)s”.") % {"user": user_to,
                                                                                       "org": organization})
    return assignment


@transaction.atomic
def role_revoke(*, assignment, by=None) -> None:
    _require(by, Perm.MANAGE_ROLES, assignment.organization)
    if by is not None and assignment.user_id == by.pk and assignment.role == "administrator":
        raise ValidationError(_("You cannot remove your own administrator role."))
    assignment.delete()


@transaction.atomic
def user_create_with_role(*, username: str, full_name: str, email: str, password: str, role: str,
                          organization: Organization, by=None):
    from django.contrib.auth import get_user_model

    _require(by, Perm.MANAGE_ROLES, organization)
    # Vietnamese names read family name first; Django's get_full_name() puts first_name first, so the whole
    # name goes there and reads correctly everywhere.
    user = get_user_model().objects.create_user(username=username, email=email, password=password,
                                                first_name=" ".join(full_name.split()), last_name="")
    role_assign(user_to=user, role=role, organization=organization, by=by)
    return user
