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
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from psycopg2.extras import DateRange
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.events import emit, years_from
from core.text import citizen_id_problem, clean_phone, normalize, normalize_name, party_card_problem, phone_problem
from members.register.choices import LEAVING_REASONS, Gender, MembershipReason, StatusPeriodKind
from members.register.models import (
    AdmissionAgeRule,
    CommitteePosition,
    Member,
    MembershipPeriod,
    SensitiveAccess,
    StatusPeriod,
    admission_age_rule,
    months_between,
)
from organizations.models import Organization
from organizations.permissions import Perm
from organizations.scoping import scope_paths, user_can

# Fields a profile form or import may set directly; the cell and the periods change through transfers.
PROFILE_FIELDS = (
    "full_name", "gender", "birth_date", "ethnicity", "religion", "citizen_id", "party_card_number",
    "admission_date", "full_membership_date", "professional_level", "political_theory", "job_title", "phone",
)


# Admission age: at least the youngest age of the rule in force (AdmissionAgeRule, data: 18 years 0 months) when
# the cell considers the admission (RULES §3). The admissions checks count it in months on the consideration
# day; the register, which knows only the admission date, refuses an admission before that age (the
# consideration comes before the admission).


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
    """The profile fields of ``data`` as users mean them (core.text): NFC and trimmed, the name's spaces made
    single, a phone number without separators, empty identifiers as NULL (they are unique)."""
    clean = {k: normalize(data[k]) for k in PROFILE_FIELDS if k in data}
    for key in ("citizen_id", "party_card_number"):
        if key in clean:
            clean[key] = (clean[key] or "").replace(" ", "") or None
    if "full_name" in clean:
        clean["full_name"] = normalize_name(clean["full_name"] or "")
    if "phone" in clean:
        clean["phone"] = clean_phone(clean["phone"] or "")
    return clean


def validate_profile(member: Member, *, today: dt.date | None = None, age_rules: list | None = None) -> None:
    """Cross-field rules of a profile, with the field each error belongs to. ``today`` (default the real one)
    is the day "in the future" is judged from: the demo builds a history that ends on a day of its choosing.
    ``age_rules``: the admission age rules, loaded once by a caller checking many profiles."""
    errors = {}
    today = today or dt.date.today()
    if member.birth_date and member.admission_date and member.admission_date < member.birth_date:
        errors["admission_date"] = _("The admission date is before the date of birth.")
    if member.admission_date and member.admission_date > today:
        errors["admission_date"] = _("The admission date %(day)s is in the future.") % {
            "day": _d(member.admission_date)}
    elif (member.birth_date and member.admission_date and member.admission_date >= member.birth_date
          and (rule := admission_age_rule(member.admission_date, age_rules)) is not None
          and (months := months_between(member.birth_date, member.admission_date)) < rule.min_months):
        # Counted in whole months like the admissions' check_age, so a rule of 18 years 6 months holds here too.
        errors["admission_date"] = _(
            "Admitted on %(day)s at %(years)d years %(months)d months: the minimum is %(min_y)d years %(min_m)d "
            "months when the cell considers the admission.") % {
            "day": _d(member.admission_date), "years": months // 12, "months": months % 12,
            "min_y": rule.min_months // 12, "min_m": rule.min_months % 12}
    if member.full_membership_date and not member.admission_date:
        errors["admission_date"] = _("A full member needs an admission date.")
    if member.full_membership_date and member.admission_date and member.full_membership_date < member.admission_date:
        errors["full_membership_date"] = _("Full membership cannot come before admission.")
    problem = citizen_id_problem(member.citizen_id or "", birth_date=member.birth_date,
                                 female=(member.gender == Gender.FEMALE) if member.gender else None)
    if problem:
        errors["citizen_id"] = problem
    for field, check in (("phone", phone_problem), ("party_card_number", party_card_problem)):
        problem = check(getattr(member, field) or "")
        if problem:
            errors[field] = problem
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
    locked = Member.objects.select_for_update().get(pk=member.pk)
    _require(user, locked.cell)
    period = _leave(locked, locked.periods.filter(valid__upper_inf=True).first(), date, reason, note)
    _audit_as(period, user)
    period.save()
    _audit_as(locked, user)
    locked.save(update_fields=["left_on", "version", "updated_at"])
    emit("membership", organization_ids=[period.cell_id], years=years_from(date))
    return locked


def _leave(member: Member, period: MembershipPeriod | None, date: dt.date, reason: str, note: str):
    """Check a leaving and close the member's open ``period`` on ``date`` (in memory); returns the period."""
    if reason not in LEAVING_REASONS:
        raise ValidationError({"reason": _("Choose why the member leaves.")})
    if period is None:
        raise ValidationError(_("%(name)s is not currently in a party cell.") % {"name": member.full_name})
    if date <= period.valid.lower:
        raise ValidationError({"date": _("The date must be after %(start)s, when the current period began.")
                               % {"start": _d(period.valid.lower)}})
    period.valid = DateRange(period.valid.lower, date, "[)")
    period.end_reason = reason
    if note:
        period.note = note
    member.left_on = date
    member.version += 1
    return period


@transaction.atomic
def members_leave_bulk(*, leavings: list[tuple[Member, dt.date, str, str]], user=None) -> int:
    """Many members leave at once — (member, date, reason, note) each, checked as ``member_leave`` checks one —
    in a constant number of statements, with the same audit rows and change event. For loaders (the demo)."""
    if not leavings:
        return 0
    ids = [member.pk for member, *_rest in leavings]
    members = Member.objects.select_for_update().in_bulk(ids)
    periods = {p.member_id: p for p in MembershipPeriod.objects.filter(member_id__in=ids, valid__upper_inf=True)}
    now = timezone.now()
    closed, changed = [], []
    for member, date, reason, note in leavings:
        locked = members[member.pk]
        _require(user, locked.cell)
        closed.append(_leave(locked, periods.get(locked.pk), date, reason, note))
        locked.updated_at = now  # bulk_update does not touch auto_now columns
        changed.append(locked)
    actor = user if user is not None and user.is_authenticated else None
    bulk_update_with_history(closed, MembershipPeriod, ["valid", "end_reason", "note"], default_user=actor)
    bulk_update_with_history(changed, Member, ["left_on", "version", "updated_at"], default_user=actor)
    emit("membership", organization_ids={p.cell_id for p in closed},
         years=sorted({y for _m, date, _r, _n in leavings for y in years_from(date)}))
    return len(changed)


STATUS_FIELDS = ("kind", "start", "end", "decision", "decision_body", "reason")


def _status_cells(member_id: int, valid: DateRange) -> set[int]:
    """The cells the member belonged to during ``valid``: the meetings and grids a period touches."""
    return set(MembershipPeriod.objects.filter(member_id=member_id, valid__overlap=valid)
               .values_list("cell_id", flat=True))


def _status_years(*ranges: DateRange) -> set[int]:
    today = dt.date.today()
    years: set[int] = set()
    for valid in ranges:
        last = valid.upper - dt.timedelta(days=1) if valid.upper is not None else today
        years.update(range(valid.lower.year, max(valid.lower.year, last.year) + 1))
    return years


def status_period_check(period: StatusPeriod) -> None:
    """Every rule of a status period (StatusPeriod.clean: end after start, no overlap of the same kind) with
    the field the form shows it on; the one check of pages, import and admin alike."""
    if period.kind not in StatusPeriodKind.values:
        raise ValidationError({"kind": _("Choose the kind of period.")})
    if period.valid is None or period.valid.lower is None:
        raise ValidationError({"start": _("Enter the start date.")})
    try:
        # An imported member's period is checked before the member exists (nothing to overlap yet).
        period.full_clean(exclude=["member"] if period.member_id is None else None, validate_constraints=False)
    except ValidationError as exc:
        errors = exc.message_dict
        if "valid" in errors:
            errors.setdefault("start", []).extend(errors.pop("valid"))
        raise ValidationError(errors) from None


def _status_emit(period: StatusPeriod, *ranges: DateRange) -> None:
    """The change events of a status period: rating figures and grids (membership) and the meetings of the
    cells it touches, which re-derive their attendance (meetings.services.recheck_exclusions)."""
    cells = set().union(*(_status_cells(period.member_id, r) for r in ranges))
    if period.member.cell_id:
        cells.add(period.member.cell_id)
    years = _status_years(*ranges)
    emit("membership", organization_ids=cells, years=years)  # the figures that count members
    emit("status_period", organization_ids=cells, years=years)  # the meetings' attendance


@transaction.atomic
def status_period_add(*, member: Member, kind: str, start: dt.date, end: dt.date | None = None, user=None,
                      decision: str = "", decision_body: str = "", reason: str = "") -> StatusPeriod:
    _require(user, member.cell)
    period = StatusPeriod(member=member, kind=kind, valid=DateRange(start, end, "[)"), decision=decision.strip(),
                          decision_body=decision_body.strip(), reason=reason.strip())
    status_period_check(period)
    _audit_as(period, user)
    period.save()
    _status_emit(period, period.valid)
    return period


@transaction.atomic
def status_period_update(*, period: StatusPeriod, kind: str, start: dt.date, end: dt.date | None = None,
                         user=None, decision: str = "", decision_body: str = "", reason: str = "") -> StatusPeriod:
    locked = StatusPeriod.objects.select_for_update().select_related("member__cell").get(pk=period.pk)
    _require(user, locked.member.cell)
    before = locked.valid
    locked.kind, locked.valid = kind, DateRange(start, end, "[)")
    locked.decision, locked.decision_body, locked.reason = decision.strip(), decision_body.strip(), reason.strip()
    status_period_check(locked)
    _audit_as(locked, user)
    locked.save()
    _status_emit(locked, before, locked.valid)
    return locked


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


# The import's status period columns and the period's fields they fill.
STATUS_ROW_FIELDS = {"kind": "status_kind", "start": "status_start", "end": "status_end",
                     "decision": "status_decision", "decision_body": "status_decision_body",
                     "reason": "status_reason"}


def _status_from_row(row: dict) -> StatusPeriod | None:
    """The status period a row of the import describes, or None when its status columns are empty."""
    values = {field: row.get(key) for field, key in STATUS_ROW_FIELDS.items()}
    if not any(values.values()):
        return None
    start = values["start"]
    valid = DateRange(start, values["end"], "[)") if start is not None else None
    return StatusPeriod(kind=values["kind"] or "", valid=valid, decision=(values["decision"] or "").strip(),
                        decision_body=(values["decision_body"] or "").strip(), reason=(values["reason"] or "").strip())


def members_bulk_create(*, rows: list[dict], user=None, start_reason: str = MembershipReason.TRANSFERRED_IN,
                        first_row_number: int = 1, today: dt.date | None = None) -> list[Member]:
    """Create many members at once, all or nothing. Each row is a profile dict plus ``cell`` (an
    Organization) and ``start_date``. Every row is validated before anything is written; duplicate
    party card numbers or citizen IDs, within the batch or against the register, are errors of the row.
    Raises RowErrors naming every bad row; otherwise writes with two bulk inserts."""
    errors: dict[int, dict[str, list[str]]] = {}
    members: list[Member] = []
    statuses: list[StatusPeriod | None] = []
    seen: dict[tuple[str, str], int] = {}
    age_rules = list(AdmissionAgeRule.objects.order_by("valid_from"))  # once for every row

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
            validate_profile(member, today=today, age_rules=age_rules)
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
        status = _status_from_row(row)
        statuses.append(status)
        if status is not None:
            try:
                status_period_check(status)
            except ValidationError as exc:
                for field, msgs in exc.message_dict.items():
                    for msg in msgs:
                        add(row_no, STATUS_ROW_FIELDS.get(field, "status_kind"), msg)

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
        periods = []
        for m, status in zip(created, statuses):
            if status is not None:
                status.member = m
                periods.append(status)
        if periods:
            bulk_create_with_history(periods, StatusPeriod, batch_size=2000, default_user=actor)
        emit("membership", organization_ids={m.cell_id for m in created},
             years=years_from(min(row["start_date"] for row in rows)))
    return created
