"""Issue 17, item 7 ("Attendance per meeting"): QT-4b, "đảng viên dự sinh hoạt chi bộ đạt tỷ lệ trên 85%", is judged
per meeting — Hướng dẫn 12 applies the 85% to each regular meeting — and shows the pooled rate beside it; a target
on the pooled basis shows the share of meetings beside its own figure.

The world (2024, bloc A of conftest's tree), every figure counted here by hand:

    Chi bộ A1-1 (under Đảng bộ Sở A1): 20 members and one exempted (excluded: never expected)
        10/01 regular  2 absent  18/20 = 90%   above 85%
        10/02 regular  3 absent  17/20 = 85%   not above (exactly 85%)
        10/03 regular  0 absent  20/20 = 100%  above
        20/04 thematic 10 absent                not a regular meeting: not counted
    Chi bộ A1-2: one member, exempted
        20/01 regular  nobody expected (0/0)    not counted per meeting
    Chi bộ Sở A2: 10 members and one on special duty (excluded)
        15/01 regular  1 absent   9/10 = 90%   above (9/11 = 81,8% if the member on duty were counted)
        15/02 regular  1 absent   9/10 = 90%   above
        15/03 regular  0 absent  10/10 = 100%  above
        15/04 forum    everyone absent          not a regular meeting: not counted

Per meeting (above 85%):  A1 2/3, A2 3/3, bloc A 5/6.   Pooled: A1 55/60, A2 28/30, bloc A 83/90.
Above 90% instead: A1 1/3 (only 10/03), A2 1/3 (only 15/03), bloc A 2/6."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from itertools import count

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from meetings.choices import AttendanceStatus as S
from meetings.choices import MeetingKind
from meetings.services import meeting_create
from members.register.services import status_period_add
from targets.engine.compute import compute_target, recompute_target
from targets.engine.formatting import beside_text
from targets.engine.metrics import REGISTRY
from targets.engine.models import Resolution, Target
from tests.factories import make_member

pytestmark = pytest.mark.django_db
D = dt.date
YEAR = 2024
_codes = count(1)


def log(cell, day, absent=(), kind=MeetingKind.REGULAR):
    """A meeting of ``cell`` on ``day`` with the members ``absent`` (alternately with and without reason)."""
    absences = {m.pk: (S.ABSENT_EXCUSED, "ốm") if i % 2 else (S.ABSENT_UNEXCUSED, "") for i, m in enumerate(absent)}
    return meeting_create(cell=cell, date=day, start_time=dt.time(8), end_time=dt.time(10), kind=kind,
                          absences=absences)


def build(tree):
    a11 = [make_member(tree.a1_1, start=D(2020, 1, 1)) for _ in range(20)]
    exempted = make_member(tree.a1_1, start=D(2020, 1, 1))
    status_period_add(member=exempted, kind="exempted", start=D(2023, 1, 1))
    alone = make_member(tree.a1_2, start=D(2020, 1, 1))
    status_period_add(member=alone, kind="exempted", start=D(2023, 1, 1))
    a2 = [make_member(tree.a2, start=D(2020, 1, 1)) for _ in range(10)]
    on_duty = make_member(tree.a2, start=D(2020, 1, 1))
    status_period_add(member=on_duty, kind="special_duty", start=D(2023, 6, 1))

    log(tree.a1_1, D(YEAR, 1, 10), a11[:2])
    exactly_85 = log(tree.a1_1, D(YEAR, 2, 10), a11[2:5])
    log(tree.a1_1, D(YEAR, 3, 10))
    log(tree.a1_1, D(YEAR, 4, 20), a11[:10], kind=MeetingKind.THEMATIC)
    log(tree.a1_2, D(YEAR, 1, 20))
    log(tree.a2, D(YEAR, 1, 15), a2[:1])
    log(tree.a2, D(YEAR, 2, 15), a2[1:2])
    log(tree.a2, D(YEAR, 3, 15))
    log(tree.a2, D(YEAR, 4, 15), a2, kind=MeetingKind.FORUM)
    return exactly_85


def target(tree, params, comparator, lower, **fields):
    n = next(_codes)
    resolution = Resolution.objects.create(code=f"qt4b{n}", number=f"{n}-NQ/ĐUK", issuer_name="Đảng ủy Khối A",
                                           scope=tree.bloc_a, title="Nghị quyết thử", start_year=YEAR, end_year=YEAR)
    return Target.objects.create(resolution=resolution, code=f"QB-{n}", family="MEET",
                                 params={"measure": "attendance_rate", **params}, short_text="Dự sinh hoạt",
                                 clause="trích dẫn", comparator=comparator, lower=lower, unit="percent", **fields)


def rows_of(t):
    return {a.organization_id: a for a in compute_target(t, [YEAR])}


def judged(a):
    return int(a.numerator), int(a.denominator), a.value, a.status


def beside_of(a):
    other = a.details["beside"]
    return other["basis"], other["numerator"], other["denominator"]


# ------------------------------------------------------------------------------------------- the figures

def test_by_default_each_regular_meeting_is_judged_and_the_pooled_rate_is_kept_beside(tree):
    build(tree)
    t = target(tree, {}, "gte", 100)  # no basis given: per meeting, above 85%
    rows = rows_of(t)

    bloc, a1, a2 = rows[tree.bloc_a.pk], rows[tree.a1.pk], rows[tree.a2.pk]
    assert judged(bloc) == (5, 6, Decimal("83.33"), "not_met")  # the meeting at exactly 85% is not above
    assert judged(a1) == (2, 3, Decimal("66.67"), "not_met")  # A1-2's meeting had nobody to expect
    assert judged(a2) == (3, 3, Decimal("100.00"), "met")  # 9/10: the member on special duty is not expected
    assert beside_of(bloc) == ("pooled", 83, 90)
    assert beside_of(a1) == ("pooled", 55, 60)
    assert beside_of(a2) == ("pooled", 28, 30)
    assert bloc.details["basis"] == "per_meeting" and bloc.details["threshold"] == 85
    assert "92,2%" in beside_text(bloc) and "(83/90)" in beside_text(bloc)


def test_the_pooled_basis_judges_present_over_expected_and_keeps_the_share_of_meetings_beside(tree):
    build(tree)
    t = target(tree, {"basis": "pooled"}, "gt", 85)
    rows = rows_of(t)

    bloc, a1, a2 = rows[tree.bloc_a.pk], rows[tree.a1.pk], rows[tree.a2.pk]
    assert judged(bloc) == (83, 90, Decimal("92.22"), "met")  # the same meetings pooled meet "trên 85%"
    assert judged(a1) == (55, 60, Decimal("91.67"), "met")
    assert judged(a2) == (28, 30, Decimal("93.33"), "met")
    assert beside_of(bloc) == ("per_meeting", 5, 6)
    assert beside_of(a1) == ("per_meeting", 2, 3)
    assert beside_of(a2) == ("per_meeting", 3, 3)
    assert "83,3%" in beside_text(bloc) and "(5/6)" in beside_text(bloc) and "85" in beside_text(bloc)


def test_the_threshold_is_a_parameter_and_strictly_above(tree):
    build(tree)
    rows = rows_of(target(tree, {"threshold": 90}, "gte", 100))
    # Above 90%: 20/20 and 10/10 only; 18/20 and 9/10 are exactly 90%.
    assert judged(rows[tree.bloc_a.pk])[:2] == (2, 6)
    assert judged(rows[tree.a1.pk])[:2] == (1, 3)
    assert judged(rows[tree.a2.pk])[:2] == (1, 3)
    assert beside_of(rows[tree.bloc_a.pk]) == ("pooled", 83, 90)  # the pooled rate does not depend on it


def test_an_organization_without_regular_meetings_has_no_data(tree):
    build(tree)  # nothing logged under bloc B
    n = next(_codes)
    resolution = Resolution.objects.create(code=f"qt4b{n}", number=f"{n}-NQ", issuer_name="Khối B",
                                           scope=tree.bloc_b, title="Nghị quyết thử", start_year=YEAR, end_year=YEAR)
    t = Target.objects.create(resolution=resolution, code=f"QB-{n}", family="MEET",
                              params={"measure": "attendance_rate"}, short_text="x", clause="x",
                              comparator="gte", lower=100, unit="percent")
    row = rows_of(t)[tree.bloc_b.pk]
    assert (int(row.numerator), int(row.denominator), row.status) == (0, 0, "no_data")
    assert beside_of(row) == ("pooled", 0, 0)
    # A1-2 alone held a meeting with nobody expected: it is not counted, so no figure for it either way.
    assert judged(rows_of(target(tree, {}, "gte", 100))[tree.a1.pk])[:2] == (2, 3)


def test_the_parameters_are_declared_for_the_form_and_the_check():
    metric = REGISTRY["MEET"]
    declared = {p.name: p for p in metric.parameters}
    assert [v for v, _label in declared["basis"].options()] == ["per_meeting", "pooled"]
    assert (declared["basis"].default, declared["threshold"].default) == ("per_meeting", 85)
    assert metric.validate_params({"measure": "attendance_rate", "basis": "pooled", "threshold": 80}) == []
    assert metric.validate_params({"measure": "attendance_rate", "basis": "mean"}) == [
        "basis must be one of ['per_meeting', 'pooled'], not 'mean'"]
    assert metric.validate_params({"measure": "attendance_rate", "threshold": 100}) == [
        "threshold must be at most 99, not 100"]
    assert metric.validate_params({"measure": "forums", "basis": "pooled"}) == [
        "'basis' does not apply with measure forums"]


# ------------------------------------------------------------------------------------------ the catalogue

def test_the_catalogue_judges_qt4b_on_every_meeting_and_says_why():
    qt4b = Target.objects.get(code="QT-4b")
    assert qt4b.params == {"measure": "attendance_rate", "basis": "per_meeting", "threshold": 85}
    assert (qt4b.comparator, qt4b.lower, qt4b.upper) == ("gte", Decimal(100), None)
    assert qt4b.clause == "đảng viên dự sinh hoạt chi bộ đạt tỷ lệ trên 85%"
    assert "Hướng dẫn 12" in qt4b.method_note and "mọi buổi" in qt4b.method_note
    assert "Tỷ lệ dự chung" in qt4b.method_note


def test_the_data_migration_moves_the_old_qt4b_and_keeps_other_targets_pooled(tree):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("targets.engine.migrations.0011_qt4b_per_meeting")
    old = {"params": {"measure": "attendance_rate"}, "comparator": "gt", "lower": 85}
    n = next(_codes)
    resolution = Resolution.objects.create(code=f"qt4b{n}", number=f"{n}-NQ", issuer_name="Khối A",
                                           scope=tree.bloc_a, title="Bản sao", start_year=YEAR, end_year=YEAR)
    copy = Target.objects.create(resolution=resolution, code="SCALE-QT-4b", family="MEET", unit="percent",
                                 short_text="Tỷ lệ đảng viên dự sinh hoạt chi bộ",
                                 clause="đảng viên dự sinh hoạt chi bộ đạt tỷ lệ trên 85%", **old)
    own = Target.objects.create(resolution=resolution, code="OWN-1", family="MEET", unit="percent",
                                short_text="Tỷ lệ dự", clause="tỷ lệ dự sinh hoạt trên 90%",
                                params={"measure": "attendance_rate"}, comparator="gt", lower=90)
    other = Target.objects.create(resolution=resolution, code="OWN-2", family="MEET", unit="percent",
                                  short_text="Sinh hoạt", clause="x", params={"measure": "monthly_regular"},
                                  comparator="gte", lower=100)

    migration.per_meeting(apps, None)

    copy.refresh_from_db(), own.refresh_from_db(), other.refresh_from_db()
    assert copy.params == {"measure": "attendance_rate", "basis": "per_meeting", "threshold": 85}
    assert (copy.comparator, copy.lower) == ("gte", Decimal(100)) and "Hướng dẫn 12" in copy.method_note
    assert own.params == {"measure": "attendance_rate", "basis": "pooled"}  # its meaning kept
    assert (own.comparator, own.lower) == ("gt", Decimal(90))
    assert other.params == {"measure": "monthly_regular"}
    migration.per_meeting(apps, None)  # once more: nothing changes
    own.refresh_from_db()
    assert own.params == {"measure": "attendance_rate", "basis": "pooled"}


# ------------------------------------------------------------------------------------------- the records

def test_the_records_behind_the_figure_list_exactly_the_meetings_not_above_85(tree, personas):
    from targets.dashboards import drilldown

    exactly_85 = build(tree)
    t = target(tree, {}, "gte", 100)
    listing = drilldown.record_list(t, tree.bloc_a, YEAR, personas.committee_staff)
    assert [m.pk for m in listing.queryset] == [exactly_85.pk]  # 6 counted − 5 above
    assert [listing.row(m) for m in listing.queryset] == [["Chi bộ A1-1", "10/02/2024", "17/20", "85%"]]
    assert len(listing.headers) == 4

    above_90 = target(tree, {"threshold": 90}, "gte", 100)
    listing = drilldown.record_list(above_90, tree.bloc_a, YEAR, personas.committee_staff)
    assert [(r[0], r[1]) for r in map(listing.row, listing.queryset)] == [
        ("Chi bộ A1-1", "10/01/2024"), ("Chi bộ Sở A2", "15/01/2024"), ("Chi bộ A1-1", "10/02/2024"),
        ("Chi bộ Sở A2", "15/02/2024")]  # 6 − 2
    a2 = drilldown.record_list(t, tree.a2, YEAR, personas.committee_staff)
    assert list(a2.queryset) == []  # A2 met: nothing below
    # Outside the user's scope nothing is listed.
    assert list(drilldown.record_list(t, tree.bloc_a, YEAR, personas.outsider).queryset) == []


def test_the_records_behind_a_pooled_figure_are_the_absences_at_the_meetings_counted(tree, personas):
    from targets.dashboards import drilldown

    build(tree)
    t = target(tree, {"basis": "pooled"}, "gt", 85)
    listing = drilldown.record_list(t, tree.bloc_a, YEAR, personas.committee_staff)
    rows = [listing.row(a) for a in listing.queryset]
    assert len(rows) == 90 - 83  # expected − present; the thematic meeting's and the forum's absences left out
    assert [(r[1], r[2]) for r in rows] == [
        ("Chi bộ A1-1", "10/01/2024"), ("Chi bộ A1-1", "10/01/2024"), ("Chi bộ Sở A2", "15/01/2024"),
        ("Chi bộ A1-1", "10/02/2024"), ("Chi bộ A1-1", "10/02/2024"), ("Chi bộ A1-1", "10/02/2024"),
        ("Chi bộ Sở A2", "15/02/2024")]


# ------------------------------------------------------------------- the API, the pages, the Excel, the PDF

def _text(html: str) -> str:
    return " ".join(html.split())


def test_api_pages_excel_and_report_give_the_same_status_and_figures(tree, client_for, output_dir):
    from tests.test_reports import DOC, pdf_text
    from tests.test_reports import generate as generate_report
    from tests.test_targets_views import attach

    build(tree)
    resolution = attach(tree.bloc_a, ("QT-4b",), code="khoiq", start=YEAR, end=YEAR)
    per_meeting = resolution.targets.get()
    pooled = Target.objects.create(
        resolution=resolution, code="KHOIQ-2", order=2, family="MEET",
        params={"measure": "attendance_rate", "basis": "pooled", "threshold": 85}, short_text="Tỷ lệ dự chung",
        clause="trích dẫn", comparator="gt", lower=85, unit="percent", periodicity="yearly")
    for t in (per_meeting, pooled):
        recompute_target(t, [YEAR])
    # By hand: per meeting 5 of 6 above 85% (83,3%, not met), pooled 83 of 90 (92,2%, met).
    expected = {per_meeting.code: ("5.00", "6.00", "83.33", "not_met", ["pooled", 83, 90, "92.22"]),
                pooled.code: ("83.00", "90.00", "92.22", "met", ["per_meeting", 5, 6, "83.33"])}
    own = {t.code: t.attainments.get(organization=tree.bloc_a, year=YEAR) for t in (per_meeting, pooled)}
    beside = {code: beside_text(a) for code, a in own.items()}
    assert "92,2% (83/90)" in beside[per_meeting.code] and "83,3% (5/6)" in beside[pooled.code]

    client = client_for("committee_staff")
    api = {r["target"]: r for r in client.get("/api/attainments/", {
        "resolution": resolution.code, "year": YEAR, "organization": tree.bloc_a.pk}).json()["results"]}
    for code, (num, den, value, status, (basis, b_num, b_den, b_value)) in expected.items():
        row = api[code]
        assert (row["numerator"], row["denominator"], row["value"], row["status"]) == (num, den, value, status)
        assert row["beside"] == {"basis": basis, "threshold": 85, "numerator": b_num, "denominator": b_den,
                                 "value": b_value, "text": beside[code]}

    # The target page (the figure and its subordinate rows), the records page and the resolution page.
    for t, actual, status in ((per_meeting, "83,3% = 5/6", own[per_meeting.code].get_status_display()),
                              (pooled, "92,2% = 83/90", own[pooled.code].get_status_display())):
        page = _text(client.get(reverse("dashboard:target", args=[t.pk, tree.bloc_a.pk, YEAR])).content.decode())
        assert actual in page and status in page and beside[t.code] in page
        a2_beside = beside_text(t.attainments.get(organization=tree.a2, year=YEAR))
        assert ("28/30" if t == per_meeting else "3/3") in a2_beside and a2_beside in page  # A2's row
        records = _text(client.get(reverse("dashboard:records", args=[t.pk, tree.bloc_a.pk, YEAR])).content.decode())
        assert actual in records and beside[t.code] in records
    detail = _text(client.get(reverse("targets:resolution_detail", args=[resolution.pk]),
                              {"organization": tree.bloc_a.pk, "year": YEAR}).content.decode())
    assert beside[per_meeting.code] in detail and beside[pooled.code] in detail

    # The overview's Excel: numerator, denominator, value, status and the figure beside in the notes.
    sheet = load_workbook(io.BytesIO(client.get(reverse("dashboard:overview_xlsx"), {
        "org": tree.bloc_a.pk, "resolution": resolution.pk, "year": YEAR}).content)).active
    excel = {r[0]: r for r in sheet.iter_rows(values_only=True) if r[0] in expected}
    for code, (num, den, value, _status, _b) in expected.items():
        row = excel[code]
        assert (row[3], row[4]) == (int(Decimal(num)), int(Decimal(den)))
        assert row[5] == pytest.approx(float(Decimal(value)) / 100)
        assert row[6] == own[code].get_status_display() and beside[code] in row[8]

    # The year-end report: its workbook's summary and its PDF.
    run = generate_report("resolution_year", {"resolution": resolution.pk, "organization": tree.bloc_a.pk,
                                              "year": YEAR, **DOC})
    summary = load_workbook(io.BytesIO(run.xlsx_file.read()))["Tổng hợp"]
    header = [c.value for c in summary[3]]
    report = {r[header.index("Mã")]: r for r in summary.iter_rows(min_row=4, values_only=True)
              if r[header.index("Mã")] in expected}
    for code, (num, den, value, _status, _b) in expected.items():
        row = report[code]
        assert row[header.index(f"Năm {YEAR}")] == pytest.approx(float(Decimal(value)) / 100)
        assert (row[header.index("Tử số/mẫu số: tử số")], row[header.index("Tử số/mẫu số: mẫu số")]) == (
            int(Decimal(num)), int(Decimal(den)))
        assert row[header.index("Đánh giá")].lower() == own[code].get_status_display().lower()
        assert beside[code] in row[header.index("Ghi chú")]
    pdf_path = output_dir / "qt4b.pdf"
    pdf_path.write_bytes(run.pdf_file.read())
    pdf = _text(pdf_text(pdf_path))
    assert "83,3%" in pdf and "5/6" in pdf and "92,2%" in pdf and "83/90" in pdf
    for code in expected:
        assert f"{code}: {beside[code]}" in pdf  # the note under the summary table
