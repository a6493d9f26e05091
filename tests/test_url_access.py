"""Every URL name × every persona (and anonymous): the scope test of DESIGN §4."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import make_member
from tests.url_access import ACCESS, PERSONAS, SKIP, SKIP_PREFIXES


def _all_url_names(resolver=None, prefix="") -> set[str]:
    names = set()
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            names |= _all_url_names(entry, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(prefix + entry.name)
    return names


def _ours(name: str) -> bool:
    return name not in SKIP and not name.startswith(SKIP_PREFIXES)


def test_every_url_name_is_classified():
    unclassified = sorted(n for n in _all_url_names() if _ours(n) and n not in ACCESS)
    assert unclassified == [], "add these to tests/url_access.py"
    stale = sorted(n for n in ACCESS if n not in _all_url_names())
    assert stale == [], "these are classified but no longer exist"


@pytest.fixture
def world(tree, personas):
    from organizations.models import MassOrganization, RoleAssignment

    return SimpleNamespace(
        tree=tree, personas=personas, member=make_member(tree.a1_1), outside_member=make_member(tree.b1),
        mass_org=MassOrganization.objects.create(name="Công đoàn Sở A1", kind="trade_union", organization=tree.a1),
        assignment=RoleAssignment.objects.get(user=personas.cell_secretary),
        meeting=_meeting(tree),
    )


def _meeting(tree):
    import datetime as dt

    from meetings.services import meeting_create

    return meeting_create(cell=tree.a1_1, date=dt.date(2024, 3, 15), start_time=dt.time(8), end_time=dt.time(10))


@pytest.mark.parametrize("name", sorted(ACCESS))
def test_url_answers_each_persona_as_classified(name, world, client):
    spec = ACCESS[name]
    url = reverse(name, kwargs=spec.kwargs(world) if spec.kwargs else None) + (f"?{spec.query}" if spec.query else "")
    failures = []
    client.logout()
    response = client.get(url)
    expected_anon = spec.ok_status if spec.public else 302
    if name == "login":
        expected_anon = 200
    expected_anon = getattr(spec, "anonymous", None) or expected_anon  # the API: 401, not a login redirect
    if response.status_code != expected_anon:
        failures.append(f"anonymous: {response.status_code} != {expected_anon}")
    for persona in PERSONAS:
        client.force_login(getattr(world.personas, persona))
        response = client.get(url)
        expected = spec.ok_status if persona in spec.ok else spec.denied_overrides.get(persona, spec.denied)
        if response.status_code != expected:
            failures.append(f"{persona}: {response.status_code} != {expected}")
        client.logout()
    assert failures == [], f"{name} {url}"
