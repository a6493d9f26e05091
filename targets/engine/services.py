"""Writes of resolutions and targets: who may change them, the rules a saved target keeps (bounds the engine
can judge, parameters its metric family accepts, years in order) and the recompute a change calls for. The
edit pages call these; so would an import or the admin."""

from __future__ import annotations

import re
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.params import YEARS
from organizations.permissions import Perm
from organizations.scoping import user_can, user_has_anywhere
from targets.engine.baselines import KEY_LABELS, OTHER
from targets.engine.choices import Comparator, Periodicity, Unit
from targets.engine.metrics import REGISTRY
from targets.engine.models import RecomputeRun, Resolution, ResolutionBaseline, Target
from targets.engine.recompute import start_full_recompute

NEEDS_LOWER = {Comparator.GTE, Comparator.GT, Comparator.RANGE}
NEEDS_UPPER = {Comparator.LTE, Comparator.LT, Comparator.RANGE}
RESOLUTION_FIELDS = {"number", "kind", "title", "issuer_name", "issuing_body", "issued_on", "start_year", "end_year",
                     "scope", "source_text"}
BASELINE_FIELDS = ("as_of", "key", "label", "value", "note")
TARGET_FIELDS = {"short_text", "clause", "comparator", "lower", "upper", "unit", "periodicity", "start_year",
                 "end_year", "active", "params", "applies_to", "method_note"}


def may_change(user, resolution) -> bool:
    """CHANGE_TARGETS on the organization measured; for an unattached resolution, anywhere."""
    if resolution.scope_id is None:
        return user_has_anywhere(user, Perm.CHANGE_TARGETS)
    return user_can(user, Perm.CHANGE_TARGETS, resolution.scope)


class _Errors:
    def __init__(self):
        self.by_field: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.by_field.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)


def _check_years(errors: _Errors, start, end) -> None:
    for name, value in (("start_year", start), ("end_year", end)):
        if value is not None and value not in YEARS:
            errors.add(name, _("Enter a year between %(low)s and %(high)s.") % {"low": YEARS.start,
                                                                               "high": YEARS.stop - 1})
    if start and end and start > end:
        errors.add("end_year", _("The last year must not be before the first year."))


def _apply(obj, fields: dict, allowed: set[str]) -> set[str]:
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(_("These fields cannot be changed here: %s") % ", ".join(sorted(unknown)))
    changed = {name for name, value in fields.items() if getattr(obj, name) != value}
    for name, value in fields.items():
        setattr(obj, name, value)
    return changed


def check_baselines(rows: list[dict]) -> None:
    """The rules a resolution's baseline figures keep: a date, a figure of the vocabulary, a label for another
    figure, a value of at least 0, and one figure a key (and label) and date."""
    errors = []
    seen = set()
    for number, row in enumerate(rows, start=1):
        problems = []
        if not row.get("as_of"):
            problems.append(_("the date of the figure is missing"))
        if row.get("key") not in KEY_LABELS:
            problems.append(_("choose what the figure counts"))
        elif row["key"] == OTHER and not (row.get("label") or "").strip():
            problems.append(_("another figure needs the document's label"))
        value = row.get("value")
        if value is None or Decimal(value) < 0:
            problems.append(_("the value must be a number of at least 0"))
        identity = (row.get("as_of"), row.get("key"), (row.get("label") or "").strip())
        if not problems and identity in seen:
            problems.append(_("the same figure is given twice for that date"))
        seen.add(identity)
        errors += [_("Baseline figure %(n)s: %(problem)s.") % {"n": number, "problem": p} for p in problems]
    if errors:
        raise ValidationError({"baselines": errors})


def _save_baselines(resolution: Resolution, rows: list[dict]) -> bool:
    """Make the resolution's baseline figures those of ``rows`` (an ``id`` keeps an existing figure, changed in
    place; figures not listed are deleted), each save and delete with its history row. True if any changed."""
    check_baselines(rows)
    existing = {b.pk: b for b in resolution.baselines.all()}
    kept = {row.get("id") for row in rows} & set(existing)
    changed = False
    # The figures struck out go first, so a new one may take a deleted one's date and key (the unique constraint).
    for pk, baseline in existing.items():
        if pk not in kept:
            baseline.delete()
            changed = True
    for row in rows:
        values = {name: row.get(name) for name in BASELINE_FIELDS}
        values["label"] = (values["label"] or "").strip()
        values["note"] = (values["note"] or "").strip()
        baseline = existing.get(row.get("id")) or ResolutionBaseline(resolution=resolution)
        if baseline.pk and all(getattr(baseline, name) == value for name, value in values.items()):
            continue
        for name, value in values.items():
            setattr(baseline, name, value)
        baseline.full_clean(exclude=["resolution"], validate_unique=False, validate_constraints=False)
        baseline.save()
        changed = True
    return changed


@transaction.atomic
def resolution_update(*, resolution: Resolution, user, baselines: list[dict] | None = None,
                      **fields) -> tuple[Resolution, RecomputeRun | None]:
    """Save a resolution's fields (and, when given, its baseline figures: the rows as listed). The organization
    measured must be one where the user may change targets (or stay as it is), and once attached it stays
    attached. Returns the recompute run started when the organization measured or the years changed (its
    figures depend on them), else None."""
    if user is not None and not may_change(user, resolution):
        raise PermissionDenied(_("You may not change this resolution."))
    was_attached = resolution.scope_id is not None
    before_scope = resolution.scope_id
    changed = _apply(resolution, fields, RESOLUTION_FIELDS)
    errors = _Errors()
    _check_years(errors, resolution.start_year, resolution.end_year)
    if was_attached and resolution.scope_id is None:
        errors.add("scope", _("An attached resolution stays attached: choose the organization it measures."))
    elif (resolution.scope_id != before_scope and resolution.scope is not None and user is not None
          and not user_can(user, Perm.CHANGE_TARGETS, resolution.scope)):
        errors.add("scope", _("You may not attach resolutions to “%(org)s”.") % {"org": resolution.scope})
    errors.raise_if_any()
    if baselines is not None:
        check_baselines(baselines)
    resolution.full_clean()
    resolution.save()
    if baselines is not None:
        _save_baselines(resolution, baselines)
    if {"scope", "start_year", "end_year"} & changed and resolution.scope_id:
        return resolution, start_full_recompute(user=user, resolution=resolution)
    return resolution, None


@transaction.atomic
def resolution_create(*, user, code: str, baselines: list[dict] | None = None, **fields) -> Resolution:
    """A new resolution measuring ``scope``, an organization where the user may change targets, with its
    baseline figures. It has no targets yet, so nothing is computed until one is added."""
    errors = _Errors()
    scope = fields.get("scope")
    if scope is None:
        errors.add("scope", _("Choose the organization the resolution measures."))
    elif user is not None and not user_can(user, Perm.CHANGE_TARGETS, scope):
        errors.add("scope", _("You may not attach resolutions to “%(org)s”.") % {"org": scope})
    if Resolution.objects.filter(code__iexact=code).exists():
        errors.add("code", _("Another resolution already has the code %(code)s.") % {"code": code})
    _check_years(errors, fields.get("start_year"), fields.get("end_year"))
    errors.raise_if_any()
    check_baselines(baselines or [])
    resolution = Resolution(code=code)
    _apply(resolution, fields, RESOLUTION_FIELDS)
    resolution.full_clean()
    resolution.save()
    _save_baselines(resolution, baselines or [])
    return resolution


def copied_code(code: str, source: Resolution, copy: Resolution) -> str:
    """A copied target's code: the source resolution's prefix replaced by the copy's (LD-4b → LD26-4b)."""
    prefix = f"{source.code.upper()}-"
    rest = code[len(prefix):] if code.upper().startswith(prefix) else code
    return f"{copy.code.upper()}-{rest}"[:20]


@transaction.atomic
def resolution_copy(*, source: Resolution, user, code: str, **fields) -> tuple[Resolution, RecomputeRun | None]:
    """A new resolution made from ``source`` (next year's annual resolution from this year's): its fields, with
    the given ones changed, its baseline figures, and a copy of each of its targets — codes under the new prefix,
    own years moved by as many years as the resolution's, the same parameters, bounds and order, retired ones left
    behind. The copy is a new resolution: the source and its figures do not change."""
    copied = {name: getattr(source, name) for name in RESOLUTION_FIELDS}
    copied.update(fields)
    copied["baselines"] = [{name: getattr(b, name) for name in BASELINE_FIELDS}
                           for b in source.baselines.order_by("as_of", "id")]
    resolution = resolution_create(user=user, code=code, **copied)
    shift = resolution.start_year - source.start_year
    targets = []
    for target in source.targets.filter(active=True).order_by("order", "code"):
        new_code = copied_code(target.code, source, resolution)
        if Target.objects.filter(code=new_code).exists():
            raise ValidationError({"code": _("A target with the code %(code)s already exists: choose another "
                                             "code for the copy.") % {"code": new_code}})
        targets.append(Target(
            resolution=resolution, code=new_code, order=target.order, family=target.family,
            params=dict(target.params or {}), short_text=target.short_text, clause=target.clause,
            comparator=target.comparator, lower=target.lower, upper=target.upper, unit=target.unit,
            periodicity=target.periodicity, applies_to=target.applies_to,
            start_year=target.start_year + shift if target.start_year else None,
            end_year=target.end_year + shift if target.end_year else None))
    for target in targets:
        check_target(target)
        target.full_clean()
        target.save()  # one by one: each gets its history row ("created")
    if targets and resolution.scope_id:
        return resolution, start_full_recompute(user=user, resolution=resolution)
    return resolution, None


def check_target(target: Target) -> None:
    """The rules every saved target keeps, so the engine can judge it: parameters its family accepts,
    the bounds its comparator needs (and no others), percentages within 0–100, years in order."""
    errors = _Errors()
    params = target.params
    if params is None or params == "":
        target.params = params = {}
    if not isinstance(params, dict):
        errors.add("params", _("The parameters must be a JSON object (between { and })."))
    else:
        metric = REGISTRY.get(target.family)
        if metric is not None:  # a family whose metric is not written yet has nothing to check against
            for problem in metric.validate_params(params):
                errors.add("params", params_problem_text(problem, metric))
    comparator, lower, upper = target.comparator, target.lower, target.upper
    if comparator:
        for name, value, needed in (("lower", lower, comparator in NEEDS_LOWER),
                                    ("upper", upper, comparator in NEEDS_UPPER)):
            if needed and value is None:
                errors.add(name, _("Required for this comparator."))
            elif not needed and value is not None:
                errors.add(name, _("Leave empty for this comparator."))
        if comparator == Comparator.RANGE and lower is not None and upper is not None and lower > upper:
            errors.add("upper", _("The upper bound must not be below the lower bound."))
    for name, value in (("lower", lower), ("upper", upper)):
        if value is None or name in errors.by_field:
            continue
        if target.unit == Unit.PERCENT and not Decimal(0) <= value <= Decimal(100):
            errors.add(name, _("A percentage lies between 0 and 100."))
        elif value < 0:
            errors.add(name, _("A count cannot be negative."))
    _check_years(errors, target.start_year, target.end_year)
    if target.periodicity == Periodicity.BY_YEAR and target.end_year is None and "end_year" not in errors.by_field:
        errors.add("end_year", _("A target to reach by a given year needs that year."))
    errors.raise_if_any()


@transaction.atomic
def target_update(*, target: Target, user, **fields) -> tuple[Target, RecomputeRun | None]:
    """Save a target's fields after ``check_target``. An attached resolution's figures are recomputed (the
    recompute task works a resolution at a time: its other targets too); returns that run, else None."""
    if user is not None and not may_change(user, target.resolution):
        raise PermissionDenied(_("You may not change this target."))
    _apply(target, fields, TARGET_FIELDS)
    check_target(target)
    target.full_clean()
    target.save()
    if target.resolution.scope_id:
        return target, start_full_recompute(user=user, resolution=target.resolution)
    return target, None


@transaction.atomic
def target_create(*, resolution: Resolution, user, code: str, family: str, **fields) -> tuple[Target,
                                                                                              RecomputeRun | None]:
    """A new target of ``resolution``, after ``check_target``, placed last; its figures are computed when the
    resolution measures an organization (the run is returned)."""
    if user is not None and not may_change(user, resolution):
        raise PermissionDenied(_("You may not change this resolution."))
    if family not in REGISTRY:
        raise ValidationError({"family": _("Choose a metric family.")})
    if Target.objects.filter(code__iexact=code).exists():
        raise ValidationError({"code": _("Another target already has the code %(code)s.") % {"code": code}})
    last = resolution.targets.order_by("-order").values_list("order", flat=True).first() or 0
    target = Target(resolution=resolution, code=code, family=family, order=last + 1)
    _apply(target, fields, TARGET_FIELDS)
    check_target(target)
    target.full_clean()
    target.save()
    if resolution.scope_id:
        return target, start_full_recompute(user=user, resolution=resolution)
    return target, None


@transaction.atomic
def target_move(*, target: Target, user, up: bool) -> None:
    """Swap ``target`` with the one before (``up``) or after it in its resolution's order. Orders are first
    renumbered 1, 2, … so equal orders (the catalogue's) move too; each changed target keeps its history."""
    if user is not None and not may_change(user, target.resolution):
        raise PermissionDenied(_("You may not change this target."))
    siblings = list(Target.objects.select_for_update().filter(resolution_id=target.resolution_id)
                    .order_by("order", "code"))
    index = next(i for i, t in enumerate(siblings) if t.pk == target.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(siblings):
        return
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for order, sibling in enumerate(siblings, start=1):
        if sibling.order != order:
            sibling.order = order
            sibling.save(update_fields=["order"])


def params_problem_text(problem: str, metric) -> str:
    """A metric's parameter problem in the interface language. Metrics report problems as English
    sentences; the one every metric shares (an unknown key) is recognised and translated, with the keys
    the family accepts, and anything else is shown after a translated lead-in."""
    match = re.match(r"^unknown parameter '(?P<name>.+)'$", problem)
    if match:
        allowed = ", ".join(sorted(metric.params_help)) or "—"
        return _("Unknown parameter “%(name)s”. This metric family accepts: %(allowed)s.") % {
            "name": match["name"], "allowed": allowed}
    return _("Invalid parameters: %(problem)s") % {"problem": problem}


def computation_error_text(exc: Exception) -> str:
    """Why a target could not be computed, for its page and the run (the metric's own words after a
    translated lead-in; they name the parameter at fault)."""
    return _("Could not compute this target: %(error)s") % {"error": str(exc) or exc.__class__.__name__}
