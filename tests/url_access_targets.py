"""Who may open the resolution and target pages and the JSON API (see tests/url_access.py).

The objects are created on demand: a resolution measuring bloc A with one target copied from the catalogue
(LD-4b), one attainment of bloc A and one recompute run of that resolution. A resolution is seen by every
user who sees part of the subtree it measures (organizations.scoping: ``scope_seen_from_below``): bloc A's by
the administrator, committee staff, inspection staff and leadership, and by the grassroots officer and the
cell secretary who work below it (they read their own figures under it); the outsider beside it gets 404.
Changing it needs CHANGE_TARGETS on bloc A (administrator, committee staff): the others who see it get 403
on its edit pages."""

from __future__ import annotations

from dataclasses import dataclass

from tests.url_access import ALL, VIEWERS, Access

BLOC_A_VIEWERS = frozenset({"administrator", "committee_staff", "inspection_staff", "leadership"})
# Those who see bloc A's resolution: its viewers and the roles below it (each reads its own figures).
RESOLUTION_VIEWERS = BLOC_A_VIEWERS | {"grassroots_officer", "cell_secretary"}
TARGET_EDITORS = frozenset({"administrator", "committee_staff"})
BESIDE = {"outsider": 404, "no_role": 404}


@dataclass(frozen=True)
class ApiAccess(Access):
    # The API answers a request without credentials with 401 (``WWW-Authenticate: Token``), not with a
    # redirect to the login page; test_url_access.py reads this when present.
    anonymous: int = 401


def resolution_measuring(scope, code: str, number: str, target_code: str):
    """A resolution of ``scope`` (created on demand) with one target copied from the catalogue's LD-4b."""
    from targets.engine.models import Resolution, Target

    resolution, created = Resolution.objects.get_or_create(code=code, defaults={
        "number": number, "title": f"Nghị quyết thử của {scope.name}", "issuer_name": scope.name,
        "scope": scope, "start_year": 2021, "end_year": 2025})
    if created:
        source = Target.objects.get(code="LD-4b")
        Target.objects.create(
            resolution=resolution, code=target_code, order=1, family=source.family, params=source.params,
            short_text=source.short_text, clause=source.clause, comparator=source.comparator, lower=source.lower,
            upper=source.upper, unit=source.unit, periodicity=source.periodicity)
    return resolution


def bloc_a_resolution(w):
    return resolution_measuring(w.tree.bloc_a, "thu-khoi-a", "01-NQ/ĐUK", "TKA-1")


def resolution_pk(w):
    return {"pk": bloc_a_resolution(w).pk}


def target_pk(w):
    return {"pk": bloc_a_resolution(w).targets.get().pk}


def attainment_pk(w):
    import datetime as dt

    from django.utils import timezone

    from targets.engine.models import Attainment

    target = bloc_a_resolution(w).targets.get()
    attainment, _ = Attainment.objects.get_or_create(target=target, organization=w.tree.bloc_a, year=2024, defaults={
        "period_start": dt.date(2024, 1, 1), "period_end": dt.date(2024, 12, 31), "numerator": 9,
        "denominator": 10, "value": 90, "status": "met", "computed_at": timezone.now()})
    return {"pk": attainment.pk}


def run_pk(w):
    from targets.engine.models import RecomputeRun

    run = RecomputeRun.objects.create(kind="full", resolution=bloc_a_resolution(w), status="done", total=1, done=1)
    return {"pk": run.pk}


ACCESS: dict[str, Access] = {
    "targets:resolution_list": Access(ok=VIEWERS),
    "targets:resolution_detail": Access(ok=RESOLUTION_VIEWERS, kwargs=resolution_pk, denied=404),
    "targets:resolution_edit": Access(ok=TARGET_EDITORS, kwargs=resolution_pk, denied=403, denied_overrides=BESIDE),
    "targets:target_edit": Access(ok=TARGET_EDITORS, kwargs=target_pk, denied=403, denied_overrides=BESIDE),
    # A new resolution: whoever may change targets somewhere (the outsider, in bloc B).
    "targets:resolution_create": Access(ok=TARGET_EDITORS | {"outsider"}),
    # Copying needs the right somewhere (403 first) and the source seen: bloc A's is not the outsider's (404).
    "targets:resolution_copy": Access(ok=TARGET_EDITORS, kwargs=resolution_pk, denied=403,
                                      denied_overrides={"outsider": 404}),
    "targets:target_create": Access(ok=TARGET_EDITORS, kwargs=resolution_pk, denied=403, denied_overrides=BESIDE),
    "targets:target_move": Access(ok=frozenset(), kwargs=target_pk, denied=405),  # POST only
    "targets:recompute": Access(ok=frozenset(), denied=405),  # POST only; who may POST: test_targets_views
    # Runs are for users who may change targets (403 for the others); the outsider may, but not in bloc A.
    "targets:run_detail": Access(ok=TARGET_EDITORS, kwargs=run_pk, denied=403, denied_overrides={"outsider": 404}),
    "targets:run_progress": Access(ok=TARGET_EDITORS, kwargs=run_pk, denied=403, denied_overrides={"outsider": 404}),
    # The API: lists answer everyone logged in (no_role gets an empty list); objects outside the scope are 404.
    "api:root": ApiAccess(ok=ALL),
    "api:resolution-list": ApiAccess(ok=ALL),
    "api:resolution-detail": ApiAccess(ok=RESOLUTION_VIEWERS, kwargs=resolution_pk, denied=404),
    "api:target-list": ApiAccess(ok=ALL),
    "api:target-detail": ApiAccess(ok=RESOLUTION_VIEWERS, kwargs=target_pk, denied=404),
    "api:attainment-list": ApiAccess(ok=ALL),
    "api:attainment-detail": ApiAccess(ok=BLOC_A_VIEWERS, kwargs=attainment_pk, denied=404),
    # The schema describes the API, not data: public (drf-spectacular's default permission).
    # Behind login since issue 19 (it describes every endpoint): anonymous gets 401 like the rest of the API.
    "api:schema": ApiAccess(ok=ALL),
}
