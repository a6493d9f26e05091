"""Names that say where (issue 20, item 8): a cell always appears with its đảng bộ — in the member list, the
meetings overview, the boards, the drill-downs and the pickers (tests/test_pickers.py) — through one helper,
``organizations.display.with_parent`` (template filter ``org_with_parent``)."""

from __future__ import annotations

import datetime as dt
import re

from django.urls import reverse
from django.utils import timezone

from tests.factories import make_member


def test_the_helper_names_a_cell_with_its_parent_and_a_root_alone(tree, django_assert_num_queries):
    from organizations.display import attach_parent_names, with_parent
    from organizations.models import Organization

    assert with_parent(tree.province) == "Tỉnh ủy Thử nghiệm"
    cells = list(Organization.objects.cells().order_by("path"))
    with django_assert_num_queries(1):
        attach_parent_names(cells)
    assert [with_parent(c) for c in cells] == ["Chi bộ A1-1 · Đảng bộ Sở A1", "Chi bộ A1-2 · Đảng bộ Sở A1",
                                               "Chi bộ Sở A2 · Đảng ủy Khối A", "Chi bộ Sở B1 · Đảng ủy Khối B"]


def test_the_member_list_names_each_cell_with_its_dang_bo(tree, client_for):
    make_member(tree.a1_1, full_name="Lê Văn Một")
    make_member(tree.a2, full_name="Lê Văn Hai")
    html = client_for("committee_staff").get(reverse("members:member_list")).content.decode()
    assert re.search(r"Lê Văn Một</a>\s*</td>.*?Chi bộ A1-1 · Đảng bộ Sở A1", html, flags=re.S)
    assert "Chi bộ Sở A2 · Đảng ủy Khối A" in html


def test_the_meetings_overview_names_each_cell_with_its_dang_bo(tree, client_for):
    html = client_for("committee_staff").get(reverse("meetings:overview")).content.decode()
    row = re.search(rf'<tr data-cell="{tree.a1_2.pk}">.*?</th>', html, flags=re.S).group(0)
    assert "Chi bộ A1-2 · Đảng bộ Sở A1" in row


def test_the_drill_down_names_subordinates_with_their_parent(tree, client_for):
    from targets.engine.models import Attainment
    from tests.test_dashboard import resolution, target

    res = resolution(tree.bloc_a, start=2021, end=2025)
    t = target(res, "DB-1", "R-mem", {"levels": ["HTT"]}, "gte", 85)
    for org, value in ((tree.bloc_a, 80), (tree.a1, 90), (tree.a1_1, 95), (tree.a2, 70)):
        Attainment.objects.create(target=t, organization=org, year=2024, period_start=dt.date(2024, 1, 1),
                                  period_end=dt.date(2024, 12, 31), value=value, numerator=value, denominator=100,
                                  status="met" if value >= 85 else "not_met", computed_at=timezone.now())
    html = client_for("leadership").get(reverse("dashboard:target", args=[t.pk, tree.bloc_a.pk, 2024])).content.decode()
    links = re.findall(r'data-test="org-link">([^<]+)</a>', html)
    assert sorted(links) == ["Chi bộ A1-1 · Đảng bộ Sở A1", "Chi bộ Sở A2 · Đảng ủy Khối A",
                             "Đảng bộ Sở A1 · Đảng ủy Khối A"]
