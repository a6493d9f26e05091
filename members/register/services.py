"""Writes to the member register, in one transaction each, with the party's rules and the acting user's
scope checked here once for forms, imports, the admin and the demo loader alike.

``Member.cell`` mirrors the cell of the member's open membership period; only these functions write
either, always together."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from psycopg2.extras import DateRange
from simple_history.utils import bulk_create_with_history

from core.events import emit, years_from
from members.register.choices import LEAVING_REASONS, MembershipReason, StatusPeriodKind
from members.register.models import CommitteePosition, Member, MembershipPeriod, SensitiveAccess, StatusPeriod
from organizations.models import Organization
from organizations.permissions import Perm
from organizations.scoping import scope_paths, user_can

# Fields a profile form or import may set directly; the cell and the periods change through transfers.
PROFILE_FIELDS = (
    "full_name", "gender", "birth_date", "ethnicity", "religion", "citizen_id", "party_card_number",
    "admission_date", "full_membership_date", "professional_level", "political_theory", "job_title", "phone",
)


def _d(day: dt.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def _require(user, organization: Organization) -> None:
    if user is not None and not user_can(user, Perm.CHANGE_MEMBERS, organization):
        raise PermissionDenied(_("“%(org)s” is outside the organizations whose members you may change.")
                               % {"org": organization})


def _audit_as(instance, user) -> None:
    """Name the acting user in the audit row even outside a web request (imports in Celery, commands)."""
    if user is not None and user.is_authenticated:
        instance._history_user = user


def may_see_sensitive(user, organization=None) -> bool:
    """Whether ``user`` may see the sensitive data of every member a list or an export can contain: the
    VIEW_SENSITIVE subtrees cover the organization the list is narrowed to, or all the VIEW subtrees."""
    sensitive = scope_paths(user, Perm.VIEW_SENSITIVE)
    if sensitive is None:
        return True
    if organization is not None and user_can(user, Perm.VIEW_SENSITIVE, organization):
        return True
    visible = scope_paths(user, Perm.VIEW)
    if visible is None or not sensitive:
        return False
    return all(any(path.startswith(s) for s in sensitive) for path in visible)


def sensitive_access_record(*, user, kind: str, what: str, organization=None, member_ids=(), filters=None,
                            rows: int = 0) -> SensitiveAccess | None:
    """Log a read of sensitive personal data (Decree 13/2023/NĐ-CP): who, when, which members or which filter,
    about which organization. Trusted system callers (``user=None``) are not logged: no person read anything."""
    if user is None or not user.is_authenticated:
        return None
    return SensitiveAccess.objects.create(user=user, kind=kind, what=what[:100], organization=organization,
                                          member_ids=sorted(member_ids), filters=filters or {}, rows=rows)


def sensitive_export_record(*, user, what: str, filters: dict, rows: int, organization=None) -> SensitiveAccess | None:
    return sensitive_access_record(user=user, kind=SensitiveAccess.Kind.EXPORT, what=what, filters=filters,
                                   rows=rows, organization=organization)


def check_cell(cell: Organization, day: dt.date, field: str = "cell") -> None:
    if not cell.is_cell:
        raise ValidationError({field: _("Members belong to party cells only; “%(org)s” is a %(kind)s.")
                               % {"org": cell, "kind": cell.get_kind_display()}})
    if not cell.existed_on(day):
        raise ValidationError({field: _("“%(org)s” did not exist on %(day)s.") % {"org": cell, "day": _d(day)}})


def _normalise(data: dict) -> dict:
    clean = {k: data[k] for k in PROFILE_FIELDS if k in data}
    for key in ("citizen_id", "party_card_number"):
        if key in clean:
            clean[key] = (clean[key] or "").strip() or None
    if "full_name" in clean:
        clean["full_name"] = " ".join((clean["full_name"] or "").split())
    return clean


def validate_profile(member: Member) -> None:
    """Cross-field rules of a profile, with the field each error belongs to."""
    errors = {}
    if member.birth_date and member.admission_date and member.admission_date < member.birth_date:
        errors["admission_date"] = _("The admission date is before the date of birth.")
    if member.full_membership_date and not member.admission_date:
        errors["admission_date"] = _("A full member needs an admission date.")
    if member.full_membership_date and member.admission_date and member.full_membership_date < member.admission_date:
        errors["full_membership_date"] = _("Full membership cannot come before admission.")
    if member.citizen_id and not (member.citizen_id.isdigit() and len(member.citizen_id) == 12):
        errors["citizen_id"] = _("A citizen ID has 12 digits.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def member_create(*, cell: Organization, start_date: dt.date, start_reason: str = MembershipReason.TRANSFERRED_IN,
                  user=None, **data) -> Member:
    _require(user, cell)
    check_cell(cell, start_date)
    member = Member(cell=cell, **_normalise(data))
    validate_profile(member)
    member.full_clean(exclude=["cell"])
    _audit_as(member, user)
    member.save()
    period = MembershipPeriod(member=member, cell=cell, valid=DateRange(start_date, None, "[)"),
                              start_reason=start_reason)
    _audit_as(period, user)
    period.save()
    emit("membership", organization_ids=[cell.pk], years=years_from(start_date))
    return member


@transaction.atomic
def member_update(*, member: Member, expected_version: int | None = None, user=None, **data) -> Member:
    """Update the profile. ``expected_version`` is the version the editor loaded: when someone saved in
    between, the second save is refused instead of silently overwriting the first."""
    locked = Member.objects.select_for_update().get(pk=member.pk)
    _require(user, locked.cell)
    if expected_version is not None and locked.version != expected_version:
        raise ValidationError(_("Someone else changed this member while you were editing. Reload the page to see "
                                "their changes, then make yours again."), code="stale")
    for key, value in _normalise(data).items():
        setattr(locked, key, value)
    validate_profile(locked)
    locked.full_clean(exclude=["cell"])
    locked.version += 1
    _audit_as(locked, user)
    locked.save()
    return locked


@transaction.atomic
def member_transfer(*, member: Member, to_cell: Organization, date: dt.date, user=None,
                    reason: str = MembershipReason.MOVED, note: str = "") -> Member:
    members_transfer_bulk(members=Member.objects.filter(pk=member.pk), to_cell=to_cell, date=date, reason=reason,
                          user=user, note=note)
    member.refresh_from_db()
    return member


@transaction.atomic
def members_transfer_bulk(*, members: QuerySet | Iterable[Member], to_cell: Organization, date: dt.date, user=None,
                          reason: str = MembershipReason.MOVED, note: str = "") -> int:
    """Move many members to ``to_cell`` from ``date`` in three statements, whatever their number: close
    each open period at ``date``, open a period in the new cell, point ``Member.cell`` at it."""
    ids = list(members.values_list("pk", flat=True)) if isinstance(members, QuerySet) else [m.pk for m in members]
    if not ids:
        return 0
    _require(user, to_cell)
    check_cell(to_cell, date, "to_cell")
    if user is not None:
        for cell in Organization.objects.filter(current_members__pk__in=ids).distinct():
            _require(user, cell)
    open_periods = MembershipPeriod.objects.select_for_update().filter(member_id__in=ids, valid__upper_inf=True)
    by_member = {p.member_id: p for p in open_periods}
    missing = [mid for mid in ids if mid not in by_member]
    if missing:
        names = ", ".join(Member.objects.filter(pk__in=missing[:5]).values_list("full_name", flat=True))
        raise ValidationError(_("Not currently in a party cell: %(names)s.") % {"names": names})
    too_early = [p for p in by_member.values() if p.valid.lower >= date]
    if too_early:
        p = too_early[0]
        raise ValidationError({"date": _(
            "%(name)s joined the current cell on %(start)s; the transfer date must be later.")
            % {"name": p.member.full_name, "start": _d(p.valid.lower)}})
    already = [p for p in by_member.values() if p.cell_id == to_cell.pk]
    if already:
        raise ValidationError({"to_cell": _("%(name)s is already in “%(cell)s”.")
                               % {"name": already[0].member.full_name, "cell": to_cell}})
    end_reason = reason if reason in LEAVING_REASONS else (
        MembershipReason.RESTRUCTURED if reason == MembershipReason.RESTRUCTURED else MembershipReason.MOVED)
    with connection.cursor() as cur:
        cur.execute(
            """UPDATE members_membershipperiod SET valid = daterange(lower(valid), %s, '[)'), end_reason = %s
               WHERE member_id = ANY(%s) AND upper_inf(valid)""",
            [date, end_reason, ids],
        )
        cur.execute(
            """INSERT INTO members_membershipperiod (member_id, cell_id, valid, start_reason, end_reason, note)
               SELECT unnest(%s::bigint[]), %s, daterange(%s, NULL, '[)'), %s, '', %s""",
            [ids, to_cell.pk, date, reason if reason not in LEAVING_REASONS else MembershipReason.MOVED, note],
        )
    Member.objects.filter(pk__in=ids).update(cell=to_cell)
    # The statements above bypass the ORM's signals; write the audit rows for every changed row in bulk.
    actor = user if user is not None and user.is_authenticated else None
    changed_periods = list(MembershipPeriod.objects.filter(
        Q(pk__in=[p.pk for p in by_member.values()]) | Q(member_id__in=ids, valid__upper_inf=True)))
    MembershipPeriod.history.bulk_history_create(changed_periods, default_user=actor, update=True,
                                                 default_change_reason=str(reason))
    Member.history.bulk_history_create(list(Member.objects.filter(pk__in=ids)), default_user=actor, update=True,
                                       default_change_reason=str(reason))
    emit("membership", organization_ids={p.cell_id for p in by_member.values()} | {to_cell.pk},
         years=years_from(date))
    return len(ids)


@transaction.atomic
def member_leave(*, member: Member, date: dt.date, reason: str, user=None, note: str = "") -> Member:
    """The member leaves the party organization (transferred out, struck off, expelled, resigned, died)."""
    if reason not in LEAVING_REASONS:
        raise ValidationError({"reason": _("Choose why the member leaves.")})
    locked = Member.objects.select_for_update().get(pk=member.pk)
    _require(user, locked.cell)
    period = locked.periods.filter(valid__upper_inf=True).first()
    if period is None:
        raise ValidationError(_("%(name)s is not currently in a party cell.") % {"name": locked.full_name})
    if date <= period.valid.lower:
        raise ValidationError({"date": _("The date must be after %(start)s, when the current period began.")
                               % {"start": _d(period.valid.lower)}})
    period.valid = DateRange(period.valid.lower, date, "[)")
    period.end_reason = reason
    if note:
        period.note = note
    _audit_as(period, user)
    period.save()
    locked.left_on = date
    locked.version += 1
    _audit_as(locked, user)
    locked.save(update_fields=["left_on", "version", "updated_at"])
    emit("membership", organization_ids=[period.cell_id], years=years_from(date))
    return locked


@transaction.atomic
def status_period_add(*, member: Member, kind: str, start: dt.date, end: dt.date | None = None, user=None,
                      decision: str = "", reason: str = "") -> StatusPeriod:
    _require(user, member.cell)
    if kind not in StatusPeriodKind.values:
        raise ValidationError({"kind": _("Unknown kind of period.")})
    if end is not None and end <= start:
        raise ValidationError({"end": _("The end must be after the start.")})
    valid = DateRange(start, end, "[)")
    if StatusPeriod.objects.filter(member=member, kind=kind, valid__overlap=valid).exists():
        raise ValidationError({"start": _("This overlaps a period of the same kind already recorded.")})
    period = StatusPeriod(member=member, kind=kind, valid=valid, decision=decision, reason=reason)
    _audit_as(period, user)
    period.save()
    emit("membership", organization_ids=[member.cell_id] if member.cell_id else [], years=years_from(start))
    return period


@transaction.atomic
def position_add(*, member: Member, organization: Organization, position: str, start: dt.date,
                 end: dt.date | None = None, user=None) -> CommitteePosition:
    _require(user, organization)
    if end is not None and end <= start:
        raise ValidationError({"end": _("The end must be after the start.")})
    held = CommitteePosition(member=member, organization=organization, position=position,
                             valid=DateRange(start, end, "[)"))
    _audit_as(held, user)
    held.save()
    return held


class RowErrors(ValidationError):
    """Errors of a batch, by row number (1-based, as the user sees it) and field."""

    def __init__(self, errors: dict[int, dict[str, list[str]]]):
        self.row_errors = errors
        super().__init__([f"{row}: {field}: {'; '.join(msgs)}" for row, fields in errors.items()
                          for field, msgs in fields.items()])


def members_bulk_create(*, rows: list[dict], user=None, start_reason: str = MembershipReason.TRANSFERRED_IN,
                        first_row_number: int = 1) -> list[Member]:
    """Create many members at once, all or nothing. Each row is a profile dict plus ``cell`` (an
    Organization) and ``start_date``. Every row is validated before anything is written; duplicate
    party card numbers or citizen IDs, within the batch or against the register, are errors of the row.
    Raises RowErrors naming every bad row; otherwise writes with two bulk inserts."""
    errors: dict[int, dict[str, list[str]]] = {}
    members: list[Member] = []
    seen: dict[tuple[str, str], int] = {}

    def add(row_no, field, message):
        errors.setdefault(row_no, {}).setdefault(field, []).append(str(message))

    for offset, row in enumerate(rows):
        row_no = first_row_number + offset
        cell, start = row.get("cell"), row.get("start_date")
        if cell is None:
            add(row_no, "cell", _("Choose a party cell."))
        if start is None:
            add(row_no, "start_date", _("Enter the date the member joined the cell."))
        if cell is not None and start is not None:
            try:
                check_cell(cell, start)
                _require(user, cell)
            except ValidationError as exc:
                for field, msgs in exc.message_dict.items():
                    for msg in msgs:
                        add(row_no, field, msg)
            except PermissionDenied as exc:
                add(row_no, "cell", exc)
        member = Member(cell=cell, **_normalise(row)) if cell is not None else Member(**_normalise(row))
        try:
            validate_profile(member)
        except ValidationError as exc:
            for field, msgs in exc.message_dict.items():
                for msg in msgs:
                    add(row_no, field, msg)
        try:
            # Uniqueness against the register is checked below in one query per field, not per row.
            member.full_clean(exclude=["cell"], validate_unique=False)
        except ValidationError as exc:
            for field, msgs in exc.message_dict.items():
                for msg in msgs:
                    add(row_no, field, msg)
        for key in ("party_card_number", "citizen_id"):
            value = getattr(member, key)
            if value:
                if (key, value) in seen:
                    add(row_no, key, _("Same as row %(row)d.") % {"row": seen[(key, value)]})
                else:
                    seen[(key, value)] = row_no
        members.append(member)

    for key, label in (("party_card_number", _("party card number")), ("citizen_id", _("citizen ID"))):
        values = {v: r for (k, v), r in seen.items() if k == key}
        if values:
            for existing in Member.objects.filter(**{f"{key}__in": list(values)}).values_list(key, flat=True):
                add(values[existing], key, _("A member with this %(label)s is already registered.") % {"label": label})
    if errors:
        raise RowErrors(dict(sorted(errors.items())))

    actor = user if user is not None and user.is_authenticated else None
    with transaction.atomic():
        # The *_with_history variants keep the audit trail that a plain bulk_create would skip.
        created = bulk_create_with_history(members, Member, batch_size=2000, default_user=actor)
        bulk_create_with_history(
            [MembershipPeriod(member=m, cell_id=m.cell_id, valid=DateRange(row["start_date"], None, "[)"),
                              start_reason=row.get("start_reason", start_reason))
             for m, row in zip(created, rows)],
            MembershipPeriod, batch_size=2000, default_user=actor,
        )
        emit("membership", organization_ids={m.cell_id for m in created},
             years=years_from(min(row["start_date"] for row in rows)))
    return created
