"""Every URL name × every persona (and anonymous), by POST with a valid CSRF token: a refused request changes
nothing, an allowed one changes something, a URL not registered in tests/post_access.py changes nothing for
anyone (see that module's docstring).

How one URL is walked: one world (tests/test_url_access.py's), the URL's objects and payload built, one client
per persona logged in with a CSRF cookie from a GET of the login page, then one snapshot of the database. Each
persona's POST runs inside ``transaction.atomic()`` rolled back afterwards (the requests' own ATOMIC_REQUESTS
transaction is a savepoint inside it), with the snapshot after it taken before the rollback, so every persona
starts from the same database and is compared with the same snapshot."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from tests.post_access import ANONYMOUS, OBJECT_SCOPE, POSTS
from tests.test_url_access import _all_url_names, _ours, world  # noqa: F401  (world: the URL-access test world)
from tests.url_access import ACCESS, PERSONAS

pytestmark = pytest.mark.django_db

URL_NAMES = sorted(n for n in _all_url_names() if _ours(n))
# Tables whose changes are not data: sessions (a login, a CSRF rotation), the admin's log, the lockout records,
# the log of reads of sensitive data (a page that shows it logs the read, whatever the method).
UNWATCHED = {"django_session", "django_admin_log", "members_sensitiveaccess"}
UNWATCHED_PREFIXES = ("axes_",)
# What an unregistered URL is sent: fields many forms have, in case a page writes on any POST.
PROBE = {"name": "Đổi tên trái phép", "full_name": "Sửa trái phép", "date": "01/02/2025", "confirm": "on",
         "delete": "1", "action": "commit", "grid_version": "x"}

_snapshot_sql: list[str] = []


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploads kept for confirmation (imports) go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _snapshot_statement() -> str:
    """One statement: per watched table of the public schema, its row count and the md5 of its rows' text."""
    if not _snapshot_sql:
        with connection.cursor() as cursor:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
            tables = [t for (t,) in cursor.fetchall() if t not in UNWATCHED and not t.startswith(UNWATCHED_PREFIXES)]
        qn = connection.ops.quote_name
        _snapshot_sql.append(" UNION ALL ".join(
            f"SELECT '{t}', count(*), md5(coalesce(string_agg(r::text, ',' ORDER BY r::text), '')) FROM {qn(t)} r"
            for t in tables))
    return _snapshot_sql[0]


def snapshot() -> dict[str, tuple[int, str]]:
    with connection.cursor() as cursor:
        cursor.execute(_snapshot_statement())
        return {table: (count, digest) for table, count, digest in cursor.fetchall()}


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(t for t in before.keys() | after.keys() if before.get(t) != after.get(t))


def _fresh(data: dict) -> dict:
    """The payload with each uploaded file replaced by a new one of the same content (a file is read once)."""
    out = {}
    for key, value in data.items():
        if isinstance(value, UploadedFile):
            value.seek(0)
            value = type(value)(value.name, value.read(), value.content_type)
        out[key] = value
    return out


def _clients(world) -> dict[str, Client]:  # noqa: F811
    """One client per persona (and anonymous) holding the CSRF cookie that a GET of the login page set, then
    logged in. The cookie holds the CSRF secret, which a login does not change for the client: one GET serves
    all nine clients."""
    first = Client(enforce_csrf_checks=True)
    assert first.get(reverse("login")).status_code == 200
    cookie = first.cookies["csrftoken"]
    clients = {ANONYMOUS: first}
    for persona in PERSONAS:
        client = Client(enforce_csrf_checks=True)
        client.cookies[cookie.key] = cookie.value
        client.force_login(getattr(world.personas, persona))
        clients[persona] = client
    return clients


def _post(client: Client, url: str, data: dict, spec) -> int | str:
    token = {"csrfmiddlewaretoken": client.cookies["csrftoken"].value}
    try:
        if spec is not None and spec.preview is not None:
            client.post(url, {**_fresh(spec.preview_data), **token})
            pending = client.session.get(spec.session_key) or {}
            data = {**data, "token": pending.get("token", "")}
        response = client.post(url, {**_fresh(data), **token})
    except Exception as exc:  # a crash is a finding for this persona, not the end of the walk
        return f"raised {exc!r}"
    client.last_location = response.get("Location", "")
    return response.status_code


class _Spec:
    """A registry entry with its payloads built once for the world."""

    def __init__(self, post, world):  # noqa: F811
        self.post = post
        self.preview = post.preview
        self.session_key = post.session_key
        self.preview_data = post.preview(world) if post.preview else None
        self.data = post.payload(world)


def expected_status(post, persona: str) -> int:
    if persona in post.ok:
        return post.ok_status
    if persona == ANONYMOUS:
        return post.anonymous
    return post.denied_overrides.get(persona, post.denied)


@pytest.mark.parametrize("name", URL_NAMES)
def test_a_post_changes_the_database_only_when_the_role_allows(name, world):  # noqa: F811
    post = POSTS.get(name)
    get = ACCESS.get(name)
    build_kwargs = (post.kwargs if post and post.kwargs else None) or (get.kwargs if get else None)
    url = reverse(name, kwargs=build_kwargs(world) if build_kwargs else None)
    spec = _Spec(post, world) if post else None
    data = spec.data if spec else PROBE
    clients = _clients(world)
    before = snapshot()

    failures = []
    for persona, client in clients.items():
        with transaction.atomic():
            status = _post(client, url, data, spec)
            changed = changed_tables(before, snapshot())
            transaction.set_rollback(True)
        if post is None:
            if changed:
                failures.append(f"{persona}: not registered in tests/post_access.py, answered {status} and changed "
                                f"{changed}")
            continue
        expected = expected_status(post, persona)
        if status != expected:
            failures.append(f"{persona}: {status} != {expected}")
        if persona in post.ok and not changed:
            failures.append(f"{persona}: allowed ({status}) but nothing changed: is the payload valid?")
        if persona not in post.ok and changed:
            failures.append(f"{persona}: refused ({status}) but changed {changed}")
        if (persona == ANONYMOUS and persona not in post.ok and status == 302
                and not client.last_location.startswith(reverse("login"))):
            failures.append(f"anonymous: sent to {client.last_location}, not to the login page")
    assert not failures, f"POST {name} {url}:\n" + "\n".join(failures)


def test_the_registry_names_only_existing_urls():
    stale = sorted(n for n in POSTS if n not in URL_NAMES)
    assert stale == [], "these are registered in tests/post_access.py but are no URL names of ours"
    known = {ANONYMOUS, *PERSONAS}
    misspelt = sorted((name, who) for name, post in POSTS.items() for who in post.ok | set(post.denied_overrides)
                      if who not in known)
    assert misspelt == []


def test_the_snapshot_sees_a_change_and_its_rollback(world):  # noqa: F811
    from organizations.models import Organization

    before = snapshot()
    with transaction.atomic():
        Organization.objects.filter(pk=world.tree.a1_1.pk).update(notes="đổi")
        assert changed_tables(before, snapshot()) == ["organizations_organization"]
        transaction.set_rollback(True)
    assert changed_tables(before, snapshot()) == []


def test_a_create_refused_for_bad_input_writes_no_host_unit(world):  # noqa: F811
    """A refusal by the service for bad input (a sub cell straight under bloc A, which ALLOWED_PARENTS does not
    allow) answers 200 with the error on the form, and the request's transaction (ATOMIC_REQUESTS) then
    commits: so the service must write nothing before it has validated — the host unit described by the form
    included (it used to be created by the view first, leaving an orphan unit for every refused attempt)."""
    client = _clients(world)["committee_staff"]
    url = reverse("organizations:organization_create")
    before = snapshot()
    with transaction.atomic():
        response = client.post(url, {"parent": world.tree.bloc_a.pk, "name": "Chi bộ sai chỗ", "kind": "sub_cell",
                                     "founded_on": "15/03/2022", "host_unit_name": "Công ty TNHH Sai Chỗ",
                                     "host_unit_sector": "private_enterprise",
                                     "csrfmiddlewaretoken": client.cookies["csrftoken"].value})
        changed = changed_tables(before, snapshot())
        transaction.set_rollback(True)
    assert response.status_code == 200 and "parent" in response.context["form"].errors  # refused: wrong parent
    assert changed == [], f"a refused create (200) changed {changed}"


@pytest.mark.parametrize("entry", OBJECT_SCOPE, ids=lambda e: e.name)
def test_an_action_view_checks_the_object_it_acts_on(entry, world):  # noqa: F811
    """Issue 19: the object acted on decides, not a permission held somewhere (see tests/post_access.py)."""
    url = reverse(entry.name, kwargs=entry.kwargs(world) if entry.kwargs else None)
    data = entry.payload(world) if entry.payload else {}
    clients = _clients(world)
    del clients[ANONYMOUS]
    before = snapshot()
    failures = []
    for persona, client in clients.items():
        with transaction.atomic():
            if entry.method == "get":
                response = client.get(url)
            else:
                response = client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})
            changed = changed_tables(before, snapshot())
            transaction.set_rollback(True)
        if response.status_code != entry.expected(persona):
            failures.append(f"{persona}: {response.status_code} != {entry.expected(persona)}")
        if entry.method == "post" and (persona in entry.ok) != bool(changed):
            failures.append(f"{persona}: answered {response.status_code}, changed {changed}")
    assert not failures, f"{entry.method.upper()} {entry.name} {url}:\n" + "\n".join(failures)


OVERFLOW = "2147483648"  # one more than a PostgreSQL integer holds
TEXT_OF_DIGITS = {"charter_article"}  # text fields whose valid values are digits ("8": Điều 8 of the charter)


def _numeric_fields(data: dict) -> list[str]:
    return sorted(k for k, v in data.items() if k not in TEXT_OF_DIGITS and not isinstance(v, (list, UploadedFile))
                  and str(v).strip().lstrip("-").replace(",", "").isdigit())


NUMERIC_POSTS = sorted(name for name, post in POSTS.items() if post.preview is None)


@pytest.mark.parametrize("name", NUMERIC_POSTS)
def test_a_number_too_large_for_its_column_is_a_form_error_and_changes_nothing(name, world):  # noqa: F811
    """Issue 19 item 5: every number a form takes fits its column. Each registered POST's valid payload is sent by
    a persona allowed to send it, with one of its numeric fields at a time set to 2**31; the answer is a page
    (a form error), never a server error, and nothing is written (``denominator=2147483648`` on the reported
    figure form used to be a 500)."""
    post = POSTS[name]
    get = ACCESS.get(name)
    build_kwargs = post.kwargs or (get.kwargs if get else None)
    url = reverse(name, kwargs=build_kwargs(world) if build_kwargs else None)
    spec = _Spec(post, world)
    persona = "administrator" if "administrator" in post.ok else sorted(post.ok)[0]
    client = _clients(world)[persona]
    fields = _numeric_fields(spec.data)
    if not fields:
        pytest.skip(f"{name}: no numeric field in its payload")
    before = snapshot()
    failures = []
    for key in fields:
        with transaction.atomic():
            status = _post(client, url, {**spec.data, key: OVERFLOW}, spec)
            changed = changed_tables(before, snapshot())
            transaction.set_rollback(True)
        if not isinstance(status, int) or status >= 500 or changed:
            failures.append(f"{key}={OVERFLOW}: answered {status}, changed {changed}")
    assert not failures, f"POST {name} {url} as {persona}:\n" + "\n".join(failures)
