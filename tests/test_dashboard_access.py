"""A leadership user reads everything within scope and changes nothing (issue 9: "a leadership user cannot reach
any edit URL").

Every URL name of the project whose name says it changes data is checked twice: the access table
(tests/url_access.py) must not let leadership open it, and a real POST as leadership must be refused (403, 404
or 405). For a few of them the database is checked to be unchanged afterwards."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests.test_url_access import world  # noqa: F401  (the URL-access test world: tree, personas, member …)
from tests.url_access import ACCESS

pytestmark = pytest.mark.django_db

# Words of a URL name (after the namespace, split on "_" and "-") that say the page writes something.
CHANGING = {"create", "edit", "delete", "import", "recompute", "move", "merge", "split", "dissolve", "rename",
            "decide", "save", "upload", "admit", "record", "add", "transfer", "leave", "grid", "commit", "revoke",
            "mark", "submitted"}
# Grids are read on GET by every role within scope (read-only without a rating permission); they save on POST.
READ_ON_GET = {"grid"}
# Starting a report run writes no record: it generates a document from the records the user may read (like the
# Excel exports), so every role may, leadership included.
EXPORTS = {"reports:run_create"}


def _words(name: str) -> set[str]:
    return set(name.split(":")[-1].replace("-", "_").split("_"))


CHANGING_NAMES = sorted(name for name in ACCESS if _words(name) & CHANGING and name not in EXPORTS)


def test_the_changing_url_names_are_found():
    # A guard on the word list: the known writers are among them, the read-only pages are not.
    for name in ("organizations:organization_rename", "members:member_edit", "targets:recompute",
                 "ratings:member_grid", "records:figure_create", "admissions:probation_decide",
                 "reports:run_mark_submitted"):
        assert name in CHANGING_NAMES
    for name in ("ratings:decided_export", "dashboard:overview", "members:member_list", "records:figure_list"):
        assert name not in CHANGING_NAMES


@pytest.mark.parametrize("name", CHANGING_NAMES)
def test_leadership_is_not_classified_as_allowed_to_change(name):
    if _words(name) & CHANGING <= READ_ON_GET:
        pytest.skip("read on GET by every role within scope; its POST is checked below")
    assert "leadership" not in ACCESS[name].ok


@pytest.mark.parametrize("name", CHANGING_NAMES)
def test_a_post_as_leadership_is_refused(name, world, client):  # noqa: F811
    spec = ACCESS[name]
    url = reverse(name, kwargs=spec.kwargs(world) if spec.kwargs else None)
    client.force_login(world.personas.leadership)
    response = client.post(url, {"name": "Đổi tên trái phép", "full_name": "Sửa trái phép", "date": "01/02/2025"})
    assert response.status_code in {403, 404, 405}, f"{name}: {response.status_code}"


def test_refused_posts_leave_the_records_unchanged(world, client):  # noqa: F811
    from members.ratings.models import MemberRating
    from members.register.models import Member
    from organizations.models import Organization, OrganizationEvent
    from targets.engine.models import RecomputeRun

    tree = world.tree
    client.force_login(world.personas.leadership)
    before = (Organization.objects.get(pk=tree.a1_1.pk).name, Member.objects.get(pk=world.member.pk).full_name,
              OrganizationEvent.objects.count(), RecomputeRun.objects.count(), MemberRating.objects.count())

    assert client.post(reverse("organizations:organization_rename", args=[tree.a1_1.pk]),
                       {"name": "Chi bộ Đổi Tên", "date": "01/02/2025"}).status_code == 403
    edit = {"full_name": "Tên Sửa Trái Phép", "gender": "male", "birth_date": "01/01/1990"}
    assert client.post(reverse("members:member_edit", args=[world.member.pk]), edit).status_code == 403
    assert client.post(reverse("targets:recompute")).status_code == 403
    assert client.post(reverse("ratings:member_grid", args=[tree.a1_1.pk, 2024]),
                       {"grid_version": "x", f"level_{world.member.pk}": "HTT"}).status_code == 403
    assert client.post(reverse("organizations:organization_move", args=[tree.a1_1.pk]),
                       {"new_parent": tree.a2.pk, "date": dt.date(2025, 2, 1).strftime("%d/%m/%Y")}).status_code == 403

    after = (Organization.objects.get(pk=tree.a1_1.pk).name, Member.objects.get(pk=world.member.pk).full_name,
             OrganizationEvent.objects.count(), RecomputeRun.objects.count(), MemberRating.objects.count())
    assert after == before
    assert Organization.objects.get(pk=tree.a1_1.pk).path.startswith(tree.a1.path)  # not moved


@pytest.mark.parametrize("name", sorted(n for n in ACCESS if n.startswith("dashboard:")))
def test_the_dashboards_only_answer_get(name, world, client):  # noqa: F811
    spec = ACCESS[name]
    client.force_login(world.personas.leadership)
    url = reverse(name, kwargs=spec.kwargs(world) if spec.kwargs else None)
    assert client.post(url).status_code == 405
