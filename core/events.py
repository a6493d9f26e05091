"""Change events: how the record-keeping apps tell the targets engine that figures may have changed.

Every service that writes records a target metric reads (ratings, meetings, inspections, admissions,
memberships) calls ``emit(kind, organization_ids=..., years=...)`` inside its transaction. The signal is
sent only after the transaction commits (a rolled-back save changes no figure), once per call. The
targets engine subscribes to ``records_changed`` and maps ``kind`` to the metrics that read it (each
metric declares the kinds it reads), then queues a debounced, set-based recompute."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable
from contextlib import contextmanager

from django.db import transaction
from django.dispatch import Signal

# Keyword arguments: kind (str), organization_ids (frozenset[int]: the organizations whose records
# changed, e.g. the cells of the members rated), years (frozenset[int]).
records_changed = Signal()

KINDS = frozenset({
    "membership",  # members joined, moved, left; exemption and suspension periods
    "status_period",  # a member's status period recorded or changed (meetings re-derive their attendance)
    "organization",  # the tree changed (founded, moved, merged, split, dissolved)
    "member_rating",
    "organization_rating",
    "mass_organization_rating",
    "unit_assessment",
    "meeting",
    "inspection",
    "discipline",
    "admission",
    "reported_figure",  # targets: figures organizations report (REP)
    "registered_model",  # targets: models and exemplars (MODEL)
    "document_adoption",  # targets: required documents adopted (DOC)
    "report_submission",  # targets: periodic reports submitted (DUE)
})


def years_from(day: dt.date) -> range:
    """A change dated ``day`` to something that lasts (a membership, a tree position) changes every year's
    figures from that year to the current one."""
    return range(day.year, max(day.year, dt.date.today().year) + 1)


_muted = threading.local()


@contextmanager
def muted():
    """No events inside: for bulk loaders (the demo) that recompute everything once at the end."""
    previous = getattr(_muted, "on", False)
    _muted.on = True
    try:
        yield
    finally:
        _muted.on = previous


def emit(kind: str, *, organization_ids: Iterable[int], years: Iterable[int]) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown change kind {kind!r}; add it to core.events.KINDS")
    org_ids, year_set = frozenset(organization_ids), frozenset(years)
    if not org_ids or not year_set or getattr(_muted, "on", False):
        return
    transaction.on_commit(
        lambda: records_changed.send(sender=kind, kind=kind, organization_ids=org_ids, years=year_set)
    )
