"""Issue 18 item 3: resolutions and targets authored in the browser — a resolution created with its baseline,
a target added through its family's generated form (choices, not JSON), previewed for the scope and last year
without writing anything, saved and computed; copied to next year; reordered; edited with its history kept;
the resolution's organization only when it says so. The declarations are the one source of form and check."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from targets.engine.choices import Status
from targets.engine.forms import PARAM_PREFIX, TargetForm
from targets.engine.metrics import REGISTRY
from targets.engine.metrics.base import CHOICE, CODES
from targets.engine.models import Attainment, Resolution, Target
from tests.factories import baseline_data, make_member
from tests.test_targets_views import attach, rate

pytestmark = pytest.mark.django_db

LAST_YEAR = timezone.localdate().year - 1


def resolution_data(tree, **changes):
    data = {"code": "nq-moi", "number": "12-NQ/ĐUK", "kind": "resolution", "title": "Nghị quyết về chất lượng",
            "issuer_name": "Ban Thường vụ Đảng ủy Khối A", "issuing_body": tree.bloc_a.pk, "issued_on": "05/01/2025",
            "start_year": LAST_YEAR, "end_year": LAST_YEAR + 1, "scope": tree.bloc_a.pk,
            "source_text": "Phấn đấu 80% đảng viên hoàn thành tốt nhiệm vụ trở lên.",
            **baseline_data([("05/01/2025", "members", "", "2.712"), ("05/01/2025", "tccsd", "", "68"),
                             ("05/01/2025", "other", "Tỷ lệ HTT", "87,5")])}
    data.update(changes)
    return data


def member_target_data(**changes):
    data = {"code": "NQ-MOI-1", "family": "R-mem", "short_text": "Đảng viên HTT trở lên", "clause": "80% đảng viên",
            "comparator": "gte", "lower": "80", "upper": "", "unit": "percent", "periodicity": "yearly",
            "start_year": "", "end_year": "", "applies_to": "each", "active": "on", "p_levels": ["HTXS", "HTT"]}
    data.update(changes)
    return data


def rated_members(tree, year):
    """Bloc A, rated for ``year``: A1-1 HTT, HTT, HT; A2 HTXS — 3 of 4 HTT or better, A2 1 of 1."""
    for cell, level, grassroots in ((tree.a1_1, "HTT", tree.a1), (tree.a1_1, "HTT", tree.a1),
                                    (tree.a1_1, "HT", tree.a1), (tree.a2, "HTXS", tree.a2)):
        rate(make_member(cell), year, level, grassroots)


def test_staff_create_a_resolution_preview_a_target_and_save_it(tree, client_for, django_capture_on_commit_callbacks):
    client = client_for("committee_staff")
    response = client.post(reverse("targets:resolution_create"),
                           resolution_data(tree, **{"baseline-0-value": "2712 đảng viên"}))
    assert response.status_code == 200 and "value" in response.context["baselines"].errors[0]  # not a figure: said
    response = client.post(reverse("targets:resolution_create"), resolution_data(tree, scope=tree.bloc_b.pk))
    assert response.status_code == 200 and "scope" in response.context["form"].errors  # not theirs
    assert not Resolution.objects.filter(code="nq-moi").exists()

    response = client.post(reverse("targets:resolution_create"), resolution_data(tree))
    resolution = Resolution.objects.get(code="nq-moi")
    assert response.status_code == 302 and response.url == reverse("targets:resolution_detail", args=[resolution.pk])
    assert (resolution.scope, resolution.issued_on, resolution.start_year) == (tree.bloc_a, dt.date(2025, 1, 5),
                                                                               LAST_YEAR)
    assert [(b.as_of, b.key, b.label, b.value) for b in resolution.baselines.order_by("id")] == [
        (dt.date(2025, 1, 5), "members", "", 2712), (dt.date(2025, 1, 5), "tccsd", "", 68),
        (dt.date(2025, 1, 5), "other", "Tỷ lệ HTT", Decimal("87.5"))]
    page = client.get(response.url).content.decode()
    assert "Tỷ lệ HTT" in page and "87,5" in page and reverse("targets:target_create", args=[resolution.pk]) in page

    rated_members(tree, LAST_YEAR)
    url = reverse("targets:target_create", args=[resolution.pk])
    step_one = client.get(url)
    assert step_one.status_code == 200 and "family" in step_one.context["form"].fields
    form_page = client.get(url, {"family": "R-mem"})
    assert form_page.status_code == 200 and "p_levels" in form_page.context["form"].fields
    assert form_page.context["form"]["code"].value() == "NQ-MOI-1"

    preview = client.post(url + "?family=R-mem", {**member_target_data(), "action": "preview"})
    assert preview.status_code == 200, preview.context["form"].errors
    shown = preview.context["preview"]
    assert shown["year"] == LAST_YEAR
    assert (shown["attainment"].numerator, shown["attainment"].denominator, shown["attainment"].status) == (
        3, 4, Status.NOT_MET)  # 3 of 4 < 80 %
    html = preview.content.decode()
    assert 'data-test="preview"' in html and "75% (3/4)" in html
    assert not Target.objects.filter(resolution=resolution).exists() and not Attainment.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        saved = client.post(url + "?family=R-mem", {**member_target_data(), "action": "save"})
    assert saved.status_code == 302
    target = Target.objects.get(resolution=resolution)
    assert (target.code, target.family, target.params, target.lower, target.order) == (
        "NQ-MOI-1", "R-mem", {"levels": ["HTXS", "HTT"]}, Decimal("80"), 1)
    rows = {a.organization_id: a for a in Attainment.objects.filter(target=target, year=LAST_YEAR)}
    assert (rows[tree.bloc_a.pk].numerator, rows[tree.bloc_a.pk].denominator) == (3, 4)
    assert (rows[tree.a2.pk].numerator, rows[tree.a2.pk].denominator, rows[tree.a2.pk].status) == (1, 1, Status.MET)


def test_a_bad_choice_is_refused_by_the_form_and_nothing_is_previewed(tree, client_for):
    resolution = attach(tree.bloc_a, ())
    url = reverse("targets:target_create", args=[resolution.pk]) + "?family=MEET"
    data = member_target_data(family="MEET", code="THU-9", p_measure="weekly")
    data.pop("p_levels")
    client = client_for("committee_staff")
    response = client.post(url, {**data, "action": "preview"})
    assert response.status_code == 200 and "p_measure" in response.context["form"].errors
    assert response.context["preview"] is None
    # A parameter that needs another: the agenda share needs its item (the declaration says so, the check too).
    response = client.post(url, {**data, "p_measure": "agenda_share", "action": "save"})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert not Target.objects.filter(resolution=resolution).exists()


def test_every_familys_form_offers_exactly_what_its_check_accepts(tree):
    for family, metric in REGISTRY.items():
        form = TargetForm(instance=Target(family=family), family=family)
        for param in metric.parameters:
            field = form.fields[PARAM_PREFIX + param.name]
            if param.kind in (CHOICE, CODES):
                offered = [value for value, _label in field.choices if value != ""]
                assert offered == [value for value, _label in param.options()], (family, param.name)
                assert offered, (family, param.name)
                value = offered[0] if param.kind == CHOICE else [offered[0]]
                assert not [p for p in metric.validate_params({param.name: value}) if param.name in p
                            and "must" in p], (family, param.name)
                bad = "khong-co" if param.kind == CHOICE else ["khong-co"]
                assert metric.validate_params({param.name: bad}), (family, param.name)


def test_copy_next_years_resolution_from_this_years(tree, client_for, django_capture_on_commit_callbacks):
    source = attach(tree.bloc_a, ("LD-4b", "LD-4c", "QT-1g"), code="nam25", start=2025, end=2025)
    first, second, retired = source.targets.order_by("order")
    retired.active = False
    retired.save()
    Target.objects.filter(pk=second.pk).update(start_year=2025, end_year=2025, periodicity="by_year")
    client = client_for("committee_staff")
    url = reverse("targets:resolution_copy", args=[source.pk])
    page = client.get(url)
    assert page.context["form"]["start_year"].value() == 2026 and page.context["form"]["end_year"].value() == 2026
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"code": "nam26", "number": "02-NQ/ĐUK", "title": "Nghị quyết năm 2026",
                                     "issued_on": "", "start_year": 2026, "end_year": 2026, "scope": tree.bloc_a.pk})
    assert response.status_code == 302
    copy = Resolution.objects.get(code="nam26")
    assert (copy.number, copy.issuer_name, copy.scope) == ("02-NQ/ĐUK", source.issuer_name, tree.bloc_a)
    copied = list(copy.targets.order_by("order"))
    assert [t.code for t in copied] == ["NAM26-1", "NAM26-2"]  # the retired one stays behind
    assert [(t.family, t.params, t.lower, t.upper) for t in copied] == [
        (t.family, t.params, t.lower, t.upper) for t in (first, second)]
    assert (copied[1].start_year, copied[1].end_year) == (2026, 2026)  # its own years moved with the resolution
    assert set(source.targets.values_list("code", flat=True)) == {"NAM25-1", "NAM25-2", "NAM25-3"}  # unchanged


def test_reorder_and_edit_keep_the_history(tree, client_for):
    resolution = attach(tree.bloc_a, ("LD-4b", "LD-4c"))
    first, second = resolution.targets.order_by("order")
    assert client_for("leadership").post(reverse("targets:target_move", args=[second.pk]),
                                         {"direction": "up"}).status_code == 403
    client = client_for("committee_staff")  # the same test client, logged in again
    response = client.post(reverse("targets:target_move", args=[second.pk]), {"direction": "up"})
    assert response.status_code == 302
    assert list(resolution.targets.order_by("order").values_list("code", flat=True)) == ["THU-2", "THU-1"]
    client.post(reverse("targets:target_move", args=[second.pk]), {"direction": "up"})  # already first: nothing
    assert list(resolution.targets.order_by("order").values_list("code", flat=True)) == ["THU-2", "THU-1"]

    before = first.history.count()
    from tests.test_targets_views import target_data

    response = client.post(reverse("targets:target_edit", args=[first.pk]),
                           target_data(first, p_levels=["HTXS"], active=""))  # retired
    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.params, first.active) == ({"levels": ["HTXS"]}, False)
    assert first.history.count() == before + 1
    assert first.history.earliest().params == {"levels": ["HTXS", "HTT", "DTC_HTXS", "DTC_HTT"]}
