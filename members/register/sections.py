"""The sections of a member's page that other apps provide (issue 20, item 5: a member's whole story).

Why a registry: the member page is the register's (``members.register.views.member_detail``), but ratings,
attendance, admission and probation, inspections and discipline live in apps *above* the register (the
ratings, admissions, meetings and inspections layers), which the register may never import. So those apps
register a ``MemberSection`` from their ``AppConfig.ready`` — as ``targets.records`` registers its metric
families with the engine — and the page renders whatever is registered, in ``order``. Rendering the page from
a view in a higher layer instead would have moved the member page out of its app (and its URL's owner) only to
reach the others; the registry keeps each section's reads in the app that knows its records, and a deployment
without an app simply has no such section.

A section's ``read(user, member, day)`` returns its template context (``None`` hides the section); it reads
through ``visible_to(user)`` and costs a fixed number of queries, so the page's query count stays pinned."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone


@dataclass(frozen=True)
class MemberSection:
    key: str
    order: int  # the place on the page: lower first
    template: str
    read: Callable[..., dict | None]


_SECTIONS: dict[str, MemberSection] = {}


def register(section: MemberSection) -> MemberSection:
    """Add (or replace, when an app's ready runs twice) a section of the member page."""
    _SECTIONS[section.key] = section
    return section


def registered() -> list[MemberSection]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))


def today() -> dt.date:
    """The one place the member page's sections read today's date (tests patch it)."""
    return timezone.localdate()


def read_sections(user, member, day: dt.date | None = None) -> list[dict]:
    """``[{"key", "template", "data"}]`` for each registered section with something to show."""
    day = day or today()
    found = []
    for section in registered():
        data = section.read(user, member, day)
        if data is not None:
            found.append({"key": section.key, "template": section.template, "data": data})
    return found
