"""Pickers that scale (issue 20, item 6): every organization, cell and member choice renders a few options
and fetches the rest from a scoped JSON view (Tom Select, vendored). The member list at a world of 300 cells
renders no more than ~50 <option>s; the JSON views answer only rows of the user's scope; a browser test types
in the picker and finds a cell (tests/test_browser_h20.py)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from organizations.choices import OrgKind
from tests.conftest import FOUNDED
from tests.factories import make_member


def _many_cells(parent, n, tag="Chi bộ Phường"):
    """``n`` sub cells under a new grassroots committee below ``parent``, through the tree's service."""
    from organizations.services import organization_create

    committee = organization_create(name=f"Đảng bộ {tag}", kind=OrgKind.GRASSROOTS_COMMITTEE, parent=parent,
                                    founded_on=FOUNDED)
    for i in range(n):
        organization_create(name=f"{tag} {i:03d}", kind=OrgKind.SUB_CELL, parent=committee, founded_on=FOUNDED)
    return committee


def _options(html):
    return re.findall(r"<option\b[^>]*>", html)


def test_the_member_list_renders_few_options_at_300_cells(tree, client_for):
    _many_cells(tree.bloc_a, 300)
    response = client_for("committee_staff").get(reverse("members:member_list"))
    assert response.status_code == 200
    html = response.content.decode()
    # The page's options are the fixed vocabularies' and the picker's few, whatever the number of cells:
    # the 54 ethnicities (a select of their own, the same at any size) aside, no more than 50.
    ethnicity = re.search(r'<select[^>]*name="ethnicity".*?</select>', html, flags=re.S).group(0)
    assert len(_options(html)) - len(_options(ethnicity)) <= 50, len(_options(html))
    organization = re.search(r'<select[^>]*name="organization".*?</select>', html, flags=re.S).group(0)
    assert len(_options(organization)) == 16  # the empty choice and the first 15
    picker = re.search(r'<select[^>]*name="organization"[^>]*>', html).group(0)
    assert f'data-autocomplete-url="{reverse("organizations:autocomplete")}"' in picker
    assert 'data-action="view"' in picker


def test_the_chosen_organization_is_rendered_even_beyond_the_first_options(tree, client_for):
    committee = _many_cells(tree.bloc_a, 40)
    from organizations.models import Organization

    last = Organization.objects.get(name="Chi bộ Phường 039")
    response = client_for("committee_staff").get(reverse("members:member_list"), {"organization": last.pk})
    html = response.content.decode()
    assert re.search(rf'<option value="{last.pk}"[^>]*selected[^>]*>\s*Chi bộ Phường 039 · {committee.name}</option>',
                     html), "the chosen cell is an option, named with its đảng bộ"
    # And the filter still works on it (validated against the whole queryset, not the few options).
    assert response.context["filterset"].form.cleaned_data["organization"] == last


def test_the_organization_json_answers_only_the_scope(tree, client_for):
    _many_cells(tree.bloc_b, 30, tag="Chi bộ Xã")
    url = reverse("organizations:autocomplete")
    staff = client_for("committee_staff").get(url, {"q": "chi bo", "kind": "cell"}).json()
    names = [r["text"] for r in staff["results"]]
    # Bloc A's cells only (diacritics ignored), each with its đảng bộ, in tree order.
    assert names == ["Chi bộ A1-1 · Đảng bộ Sở A1", "Chi bộ A1-2 · Đảng bộ Sở A1", "Chi bộ Sở A2 · Đảng ủy Khối A"]
    assert staff["more"] is False
    outsider = client_for("outsider").get(url, {"q": "xa 02", "kind": "cell"}).json()
    assert [r["text"] for r in outsider["results"]] == [f"Chi bộ Xã 02{i} · Đảng bộ Chi bộ Xã" for i in range(10)]
    # Paged: at most 20 rows and says there are more.
    many = client_for("outsider").get(url, {"q": "xa", "kind": "cell"}).json()
    assert len(many["results"]) == 20 and many["more"] is True
    # The secretary, asked for the cells it logs meetings for, gets its own cell only.
    own = client_for("cell_secretary").get(url, {"kind": "cell", "action": "change_meetings"}).json()
    assert [r["value"] for r in own["results"]] == [tree.a1_1.pk]
    assert client_for("no_role").get(url).json() == {"results": [], "more": False}
    assert client_for("committee_staff").get(url, {"action": "nonsense"}).status_code == 404


def test_the_member_json_answers_only_the_scope(tree, client_for):
    make_member(tree.a1_1, full_name="Nguyễn Văn Đức")
    make_member(tree.a2, full_name="Nguyễn Thị Đức Hạnh", full_membership_date=None)
    make_member(tree.b1, full_name="Nguyễn Đức Khối B")
    url = reverse("members:member_autocomplete")
    staff = client_for("committee_staff").get(url, {"q": "duc"}).json()
    assert [r["text"] for r in staff["results"]] == ["Nguyễn Thị Đức Hạnh (Chi bộ Sở A2 · Đảng ủy Khối A)",
                                                     "Nguyễn Văn Đức (Chi bộ A1-1 · Đảng bộ Sở A1)"]
    full_in_a1 = client_for("committee_staff").get(url, {"q": "duc", "under": tree.a1.pk, "full": "1"}).json()
    assert [r["text"] for r in full_in_a1["results"]] == ["Nguyễn Văn Đức (Chi bộ A1-1 · Đảng bộ Sở A1)"]
    assert client_for("outsider").get(url, {"q": "duc"}).json()["results"][0]["text"].startswith("Nguyễn Đức Khối B")
    assert client_for("outsider").get(url, {"under": tree.a1.pk}).status_code == 404


def test_forms_render_remote_pickers_narrowed_by_their_action(tree, client_for):
    _many_cells(tree.bloc_a, 60, tag="Chi bộ Tổ")
    response = client_for("committee_staff").get(reverse("members:member_create"))
    html = response.content.decode()
    cell = re.search(r'<select[^>]*name="cell"[^>]*>.*?</select>', html, flags=re.S).group(0)
    assert 'data-kind="cell"' in cell and 'data-action="change_members"' in cell
    assert len(_options(cell)) <= 16
    assert "Chi bộ A1-1 · Đảng bộ Sở A1" in cell


@pytest.mark.parametrize("asset", ["vendor/tom-select/tom-select.complete.min.js",
                                   "vendor/tom-select/tom-select.bootstrap5.min.css",
                                   "vendor/tom-select/LICENSE", "js/autocomplete.js"])
def test_tom_select_is_vendored(asset):
    from django.contrib.staticfiles import finders

    assert finders.find(asset)



@pytest.mark.parametrize("url_name", ["boards:overview", "inspections:coverage", "admissions:board",
                                      "dashboard:overview"])
def test_the_pages_own_organization_selects_search_remotely(tree, client_for, url_name):
    """Boards, coverage, the admissions board and the dashboard keep their short lists of organizations and
    search the rest of the user's scope through the same JSON view."""
    html = client_for("committee_staff").get(reverse(url_name)).content.decode()
    select = re.search(r'<select[^>]*name="(?:org|organization)"[^>]*>', html).group(0)
    assert f'data-autocomplete-url="{reverse("organizations:autocomplete")}"' in select
