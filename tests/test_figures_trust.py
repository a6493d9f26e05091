"""Issue 17, "Figures leadership can trust": each target counts the right population, says "chưa đủ dữ liệu"
when there are no records, judges only where it applies.

Every test builds a small world on the tree of conftest (bloc A → A1 (đảng bộ cơ sở) → A1-1, A1-2; A2 chi bộ
cơ sở) through the services and works out the expected figures here, from the records it made."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from itertools import count

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from targets.engine.compute import compute_target
from targets.engine.models import Resolution, Target
from targets.records import services
from targets.records.models import ReportedFigure, ReportIndicator
from tests.factories import make_member

pytestmark = pytest.mark.django_db
D = dt.date
_codes = count(1)


def make_target(tree, family, params, *, comparator="gte", lower=100, upper=None, unit="percent",
                periodicity="yearly", start=2024, end=2024, scope=None, **fields):
    n = next(_codes)
    resolution = Resolution.objects.create(code=f"trust{n}", number=f"{n}-NQ/ĐUK", issuer_name="Đảng ủy Khối A",
                                           scope=scope or tree.bloc_a, title="Nghị quyết thử", start_year=start,
                                           end_year=end)
    return Target.objects.create(resolution=resolution, code=f"TR-{n}", family=family, params=params,
                                 short_text="Chỉ tiêu thử", clause="trích dẫn", comparator=comparator,
                                 lower=lower, upper=upper, unit=unit, periodicity=periodicity, **fields)


def compute(target, years):
    return {(a.organization_id, a.year): a for a in compute_target(target, years)}


def share(hits, population):
    return (Decimal(100) * hits / population).quantize(Decimal("0.01"))


def members(cell, n, start=D(2020, 1, 1)):
    return [make_member(cell, start=start) for _ in range(n)]


# ------------------------------------------------------------- item 1: a member share's whole is the register's

def test_member_share_divides_by_the_register_not_the_typed_total(tree):
    members(tree.a1_1, 2)
    members(tree.a1_2, 1)
    members(tree.a2, 2)
    left = make_member(tree.a2, start=D(2020, 1, 1))
    from members.register.services import member_leave

    member_leave(member=left, date=D(2024, 6, 30), reason="deceased")  # gone before the rating day
    studied = ReportIndicator.objects.get(code="members_studied")
    # The typed totals (50) are what the demo's reports looked like: ignored, the register's count is kept.
    services.reported_figure_create(indicator=studied, organization=tree.a1, year=2024, numerator=3, denominator=50)
    services.reported_figure_create(indicator=studied, organization=tree.a2, year=2024, numerator=1, denominator=50)
    target = make_target(tree, "REP", {"indicator": "members_studied"})  # LD-1a

    rows = compute(target, [2024])

    # Members on 15/12/2024: A1 = 2 + 1, A2 = 2 (the one who left in June is not counted).
    assert (rows[(tree.a1.pk, 2024)].numerator, rows[(tree.a1.pk, 2024)].denominator) == (3, 3)
    assert (rows[(tree.a2.pk, 2024)].numerator, rows[(tree.a2.pk, 2024)].denominator) == (1, 2)
    top = rows[(tree.bloc_a.pk, 2024)]
    assert (top.numerator, top.denominator, top.value, top.status) == (4, 5, share(4, 5), "not_met")
    assert sorted(ReportedFigure.objects.values_list("organization_id", "denominator")) == sorted(
        [(tree.a1.pk, 3), (tree.a2.pk, 2)])


def test_a_numerator_above_the_register_is_refused_with_both_figures(tree):
    members(tree.a2, 2)
    studied = ReportIndicator.objects.get(code="members_committed")  # LD-3a
    with pytest.raises(ValidationError) as refused:
        services.reported_figure_create(indicator=studied, organization=tree.a2, year=2024, numerator=3,
                                        denominator=3)
    error = refused.value.error_dict["numerator"][0]
    assert error.code == "part_exceeds_register"
    message = error.messages[0]
    assert "3" in message and "2" in message and "15/12/2024" in message
    assert not ReportedFigure.objects.exists()


def test_the_reporting_form_shows_the_register_whole_read_only(tree, personas, client):
    members(tree.a2, 2)
    members(tree.a1_1, 1)
    client.force_login(personas.committee_staff)
    plan = ReportIndicator.objects.get(code="members_hcm_plan")  # TV-5b
    url = reverse("records:figure_create")

    page = client.get(url, {"indicator": plan.pk, "organization": tree.a2.pk, "year": 2024})
    field = page.context["form"]["denominator"]
    assert field.field.disabled and field.value() == 2
    html = page.content.decode()
    assert 'name="denominator"' in html and "disabled" in html.split('name="denominator"')[1].split(">")[0]

    refused = client.post(url, {"indicator": plan.pk, "organization": tree.a2.pk, "year": 2024, "numerator": 3})
    assert refused.status_code == 200 and refused.context["form"].has_error("numerator", "part_exceeds_register")
    assert not ReportedFigure.objects.exists()

    saved = client.post(url, {"indicator": plan.pk, "organization": tree.a2.pk, "year": 2024, "numerator": 2,
                              "denominator": 99})
    assert saved.status_code == 302
    assert ReportedFigure.objects.get().denominator == 2


# ------------------------------------------------------------------- item 3: no records is not failure

def test_periods_before_the_records_begin_have_no_data_not_a_failure(tree, personas, client):
    from organizations.models import Organization

    # Staff set the day bloc A's records are kept from on the organization's edit page.
    client.force_login(personas.committee_staff)
    edit = client.post(reverse("organizations:organization_edit", kwargs={"pk": tree.bloc_a.pk}),
                       {"short_name": "", "code": "", "notes": "", "host_unit_name": "", "host_unit_sector": "",
                        "records_from": "01/01/2022"})
    assert edit.status_code == 302
    assert Organization.objects.get(pk=tree.bloc_a.pk).records_from == D(2022, 1, 1)
    term = make_target(tree, "ADM", {"measure": "admissions"}, comparator="gt", lower=5, unit="count",
                       periodicity="term", start=2021, end=2023)  # KT-3: a term count of admissions
    yearly = make_target(tree, "R-org", {"subject": "tccsd", "levels": ["HTXS", "HTT"]}, lower=85,
                         start=2021, end=2022)  # LD-4a

    term_rows = compute(term, [2021, 2022, 2023])
    rating_rows = compute(yearly, [2021, 2022])

    # The term began on 01/01/2021, before the records (01/01/2022): nothing to judge in any year of it.
    for year in (2021, 2022, 2023):
        row = term_rows[(tree.bloc_a.pk, year)]
        assert (row.status, row.missing) == ("no_data", [("before_records", 20220101)])
    # The bloc's 2021 ratings (taken on 15/12/2021) precede its records; 2022 is judged on its own records
    # (two TCCSĐ, none rated: missing ratings as before, not "before the records").
    assert rating_rows[(tree.bloc_a.pk, 2021)].missing == [("before_records", 20220101)]
    assert rating_rows[(tree.bloc_a.pk, 2022)].missing == [("unrated_organizations", 2)]
    # A1 and A2 keep their own records from their founding (2020): their rows are judged as before.
    assert term_rows[(tree.a1.pk, 2023)].status == "not_met" and term_rows[(tree.a1.pk, 2023)].missing == []

    from targets.engine.formatting import missing_text

    assert "01/01/2022" in missing_text(term_rows[(tree.bloc_a.pk, 2021)].missing)


def test_organization_created_with_the_day_its_records_begin(tree, personas, client):
    client.force_login(personas.committee_staff)
    response = client.post(reverse("organizations:organization_create"), {
        "parent": tree.bloc_a.pk, "name": "Chi bộ Sở A3", "kind": "grassroots_cell", "founded_on": "01/03/2020",
        "records_from": "01/07/2024", "short_name": "", "code": "", "decision": "", "host_unit_name": "",
        "host_unit_sector": ""})
    from organizations.models import Organization

    assert response.status_code == 302, response.context["form"].errors
    a3 = Organization.objects.get(name="Chi bộ Sở A3")
    assert (a3.founded_on, a3.records_from) == (D(2020, 3, 1), D(2024, 7, 1))
    target = make_target(tree, "MEET", {"measure": "monthly_regular"})  # QT-4a
    rows = compute(target, [2024])
    assert rows[(a3.pk, 2024)].missing == [("before_records", 20240701)]


def test_a_year_without_any_meeting_recorded_has_no_data(tree):
    from meetings.models import Meeting

    target = make_target(tree, "MEET", {"measure": "monthly_regular"}, start=2023, end=2024)  # QT-4a
    # 2024: one cell logged every month; 2023: nobody logged anything.
    for month in range(1, 13):
        Meeting.objects.create(cell=tree.a2, kind="regular", date=D(2024, month, 5), start_time=dt.time(14),
                               end_time=dt.time(16))

    rows = compute(target, [2023, 2024])

    for org in (tree.bloc_a, tree.a1, tree.a2):
        assert (rows[(org.pk, 2023)].status, rows[(org.pk, 2023)].missing) == ("no_data", [("no_records", 0)])
    # In 2024 the records exist: the cells that logged nothing fail (A1-1, A1-2), A2 meets.
    bloc = rows[(tree.bloc_a.pk, 2024)]
    assert (bloc.numerator, bloc.denominator, bloc.status) == (1, 3, "not_met")
    assert rows[(tree.a2.pk, 2024)].status == "met"


# ------------------------------------------------------------- item 6: judge each target only where it applies

def test_a_target_of_the_resolutions_own_organization_leaves_the_rows_under_it_unjudged(tree, personas, client):
    from meetings.models import Meeting

    for quarter in (1, 2, 3, 4):  # the bloc's quarterly briefing of cell secretaries
        Meeting.objects.create(cell=tree.bloc_a, kind="briefing", date=D(2024, quarter * 3 - 1, 10),
                               start_time=dt.time(8), end_time=dt.time(11))
    briefing = make_target(tree, "MEET", {"measure": "briefings_quarterly"}, applies_to="scope")  # KH-4
    admissions = make_target(tree, "ADM", {"measure": "admissions"}, lower=1, unit="count",
                             applies_to="scope")  # LD-7a
    each = make_target(tree, "MEET", {"measure": "briefings_quarterly"})  # the same measure, binding each

    from targets.engine.compute import recompute_target

    for target in (briefing, admissions, each):
        recompute_target(target, [2024])
    rows = {(a.target_id, a.organization_id): a for a in briefing.attainments.all()}
    rows |= {(a.target_id, a.organization_id): a for a in admissions.attainments.all()}
    rows |= {(a.target_id, a.organization_id): a for a in each.attainments.all()}

    assert (rows[(briefing.pk, tree.bloc_a.pk)].numerator, rows[(briefing.pk, tree.bloc_a.pk)].status) == (4, "met")
    for org in (tree.a1, tree.a2):
        row = rows[(briefing.pk, org.pk)]
        # 0 of 4 quarters: their contribution, shown, not "không đạt 0/4".
        assert (row.numerator, row.denominator, row.status) == (0, 4, "not_judged")
        assert row.details["contribution"] is True
        assert rows[(admissions.pk, org.pk)].status == "not_judged"
        assert rows[(each.pk, org.pk)].status == "not_met"  # a target binding each judges them
    assert rows[(admissions.pk, tree.bloc_a.pk)].status == "not_met"  # no admission: the bloc owes 1

    # The drill-down marks no row under the bloc below the bound for the first kind; the API agrees.
    client.force_login(personas.committee_staff)
    api = client.get(reverse("api:attainment-list"), {"target": briefing.code, "year": 2024}).json()
    statuses = {r["organization"]: r["status"] for r in api["results"]}
    assert statuses[tree.a1.pk] == statuses[tree.a2.pk] == "not_judged"


def test_the_catalogue_says_which_targets_bind_the_resolutions_own_organization(db):
    from targets.engine.catalogue import BINDS_SCOPE

    scope = set(Target.objects.filter(applies_to="scope").values_list("code", flat=True))
    assert {"KH-4", "LD-7a"} <= scope
    assert scope == BINDS_SCOPE == {"LD-4d", "LD-4e", "LD-5c", "LD-7a", "KT-3", "TV-3", "TV-8a", "TV-8b", "TV-9c",
                                    "KH-4"}
    assert Target.objects.filter(applies_to="each").count() == 69 - len(scope)


# -------------------------------------------- item 2: LD-4e and LD-4f from the leadership collectives' ratings

def _rate(org, code, kind, committee, year=2024):
    from members.ratings.models import OrganizationRating, RatingScheme

    lv = RatingScheme.objects.for_year("organization", year).first().levels.get(code=code)
    return OrganizationRating.objects.create(kind=kind, organization=org, year=year, scheme=lv.scheme,
                                             status="decided", decided_level=lv, deciding_committee=committee)


def test_ld4e_and_ld4f_read_the_leadership_collectives_ratings(tree):
    from organizations.choices import OrgKind
    from organizations.services import organization_create

    catalogue = {t.code: t for t in Target.objects.filter(code__in=["LD-4e", "LD-4f"])}
    a3 = organization_create(name="Đảng bộ Sở A3", kind=OrgKind.GRASSROOTS_COMMITTEE, parent=tree.bloc_a,
                             founded_on=D(2020, 1, 1))
    _rate(tree.bloc_a, "HTT", "leadership", tree.province)  # the bloc's standing committee
    _rate(tree.bloc_a, "HT", "party_org", tree.province)  # the bloc itself: not what LD-4e counts
    _rate(tree.a1, "HTXS", "leadership", tree.bloc_a)
    _rate(tree.a1, "HT", "party_org", tree.bloc_a)
    _rate(a3, "HT", "leadership", tree.bloc_a)
    # The State agencies' collectives, reported by each TCCSĐ (A2 is a chi bộ cơ sở: no party collective).
    state = ReportIndicator.objects.get(code="collectives_htt")
    for org, (num, den) in {tree.a1: (2, 2), tree.a2: (1, 2), a3: (1, 1)}.items():
        services.reported_figure_create(indicator=state, organization=org, year=2024, numerator=num, denominator=den)
    ld4e = make_target(tree, "R-org", catalogue["LD-4e"].params, applies_to="scope")
    ld4f = make_target(tree, "REP", catalogue["LD-4f"].params, lower=85)

    e = compute(ld4e, [2024])[(tree.bloc_a.pk, 2024)]
    assert (e.numerator, e.denominator, e.status) == (1, 1, "met")  # HTT leadership, although the bloc is HT

    f = compute(ld4f, [2024])[(tree.bloc_a.pk, 2024)]
    # Party: A1 HTXS, A3 HT of the two đảng ủy cơ sở -> 1/2; State: 2 + 1 + 1 of 2 + 2 + 1 -> 4/5.
    assert (f.numerator, f.denominator) == (1 + 4, 2 + 5)
    assert f.details["parts"] == {"party": [1, 2], "state": [4, 5]}
    assert (f.value, f.status) == (share(5, 7), "not_met")

    from targets.engine.formatting import parts_text

    assert "1/2" in parts_text(f.details) and "4/5" in parts_text(f.details)
    # The catalogue's own LD-4e is now a rating measure, LD-4f keeps its reported part.
    assert catalogue["LD-4e"].family == "R-org" and catalogue["LD-4f"].params["rated"]["rating"] == "leadership"


# ----------------------------------------------------------------- item 4: inspection is not supervision

def test_ld5a_counts_inspections_and_ld5c_supervision_too(tree):
    from inspections.choices import Activity, InspectionKind
    from inspections.services import inspection_create

    people = members(tree.a2, 4)

    def activity(kind, subjects=(), organizations=()):
        inspection_create(members=list(subjects), organizations=list(organizations), activity=kind,
                          kind=InspectionKind.TASKS if kind == Activity.INSPECTION
                          else InspectionKind.REGULAR_SUPERVISION, conducting_body=tree.bloc_a, charter_article="30",
                          decision_number="KT-1", decision_date=D(2024, 5, 1), start_date=D(2024, 5, 1))

    activity(Activity.INSPECTION, people[:1])
    activity(Activity.SUPERVISION, people[1:3])  # supervised, not inspected
    activity(Activity.SUPERVISION, organizations=[tree.a1])
    catalogue = {t.code: t for t in Target.objects.filter(code__in=["LD-5a", "LD-5c"])}
    ld5a = make_target(tree, "INSP", catalogue["LD-5a"].params, comparator="range", lower=30, upper=35)
    ld5c = make_target(tree, "INSP", catalogue["LD-5c"].params, lower=25, periodicity="term", applies_to="scope")

    a = compute(ld5a, [2024])[(tree.bloc_a.pk, 2024)]
    assert (a.numerator, a.denominator) == (1, 4)  # the inspected one of the four members
    c = compute(ld5c, [2024])[(tree.bloc_a.pk, 2024)]
    assert (c.numerator, c.denominator) == (1, 2)  # A1 supervised under Article 30, of A1 and A2


# -------------------------------------------------------- item 5: what the 20% cap makes unreachable

def _rate_members(people, codes, year=2024):
    from members.ratings.models import MemberRating, RatingScheme

    scheme = RatingScheme.objects.for_year("member", year).first()
    for member, code in zip(people, codes, strict=True):
        MemberRating.objects.create(member=member, year=year, scheme=scheme, status="decided",
                                    decided_level=scheme.levels.get(code=code), cell=member.cell,
                                    grassroots=member.cell.grassroots())


def test_the_cap_bound_is_computed_from_the_years_figures_and_a_share_above_20_is_a_breach(tree, personas, client):
    from targets.engine.compute import recompute_target
    from targets.engine.formatting import rule_notes_text

    people = members(tree.a2, 10) + members(tree.a1_1, 10)
    # A2: 1 HTXS, 8 HTT, 1 HT -> HTXS 10%, HTT or better 90%: the cap allows at most 90 / 6 = 15%.
    # A1: 3 HTXS, 7 HTT -> HTXS 30%: above 20%, the cap is broken (3 > 20% x 7).
    _rate_members(people[:10], ["HTXS"] + ["HTT"] * 8 + ["HT"])
    _rate_members(people[10:], ["HTXS"] * 3 + ["HTT"] * 7)
    range_target = make_target(tree, "R-mem", {"levels": ["HTXS", "DTC_HTXS"]}, comparator="range", lower=15,
                               upper=20)  # LD-4c, QT-1h
    twenty = make_target(tree, "R-mem", {"levels": ["HTXS", "DTC_HTXS"]}, lower=20)  # "20% HTXS" (QT-1b, QT-1e)
    htt = make_target(tree, "R-mem", {"levels": ["HTXS", "HTT", "DTC_HTXS", "DTC_HTT"]}, lower=90)  # LD-4b

    r = compute(range_target, [2024])
    t = compute(twenty, [2024])
    assert r[(tree.a2.pk, 2024)].details["cap"] == {"bound": "15.00", "htt_plus": "90.00", "unreachable": False,
                                                      "breach": False}
    assert t[(tree.a2.pk, 2024)].details["cap"]["unreachable"] is True  # 20% > 15%: only with exceptions
    a1 = r[(tree.a1.pk, 2024)]
    assert (a1.value, a1.status) == (Decimal("30.00"), "not_met")  # was "exceeded"
    assert a1.details["cap"]["breach"] is True and a1.details["cap"]["bound"] == "16.67"
    # The bloc: 4 HTXS of 20, HTT or better 19 of 20 -> bound 95 / 6 = 15.83%.
    assert compute(range_target, [2024])[(tree.bloc_a.pk, 2024)].details["cap"]["bound"] == "15.83"
    assert "cap" not in compute(htt, [2024])[(tree.a2.pk, 2024)].details  # not an HTXS share

    # The target's page and the API say so, with the bound of the year.
    recompute_target(twenty, [2024])
    client.force_login(personas.committee_staff)
    page = client.get(reverse("dashboard:target", args=[twenty.pk, tree.bloc_a.pk, 2024]))
    assert "15,83%" in page.content.decode() and 'data-test="rule-notes"' in page.content.decode()
    api = client.get(reverse("api:attainment-list"), {"target": twenty.code, "year": 2024}).json()["results"]
    bloc = next(r for r in api if r["organization"] == tree.bloc_a.pk)
    assert bloc["notes"] == rule_notes_text(twenty.attainments.get(organization=tree.bloc_a))
    assert "15,83%" in bloc["notes"]


def test_kt1a_says_the_basis_of_trong_sach_vung_manh_changed_from_2018(tree):
    kt1a = Target.objects.get(code="KT-1a")
    target = make_target(tree, "T-org", kt1a.params, lower=50, start=2016, end=2019)
    rows = compute(target, [2017, 2018])
    assert "basis_changed" not in rows[(tree.bloc_a.pk, 2017)].details
    assert rows[(tree.bloc_a.pk, 2018)].details["basis_changed"] is True


# ------------------------------------------------------------------ item 8: a dissolved organization's last year

def test_a_committee_dissolved_during_the_year_counts_what_fell_due_while_it_existed(tree):
    from organizations.choices import OrgKind
    from organizations.services import organization_create, organization_dissolve, organization_move
    from targets.records.models import PeriodicReport

    quarterly = make_target(tree, "DUE", {"report": "degradation-quarterly"})  # KH-2a
    models = make_target(tree, "MODEL", {"subject": "cells", "kind": "ho_chi_minh", "min_count": 1})  # KH-1
    report = PeriodicReport.objects.get(code="degradation-quarterly")
    for org, quarters in ((tree.a1, (1, 2)), (tree.a2, (1,))):
        for q in quarters:
            services.report_submission_create(report=report, organization=org, year=2024, quarter=q,
                                              submitted_on=report.due_date(2024, q) - dt.timedelta(days=2))
    services.registered_model_create(organization=tree.a2, year=2024, kind="ho_chi_minh", name="Mô hình A2")
    # The restructuring of 01/07/2024: a new đảng bộ takes the TCCSĐ, bloc A is dissolved.
    new = organization_create(name="Đảng bộ mới", kind=OrgKind.DIRECT, parent=tree.province,
                              founded_on=D(2024, 7, 1))
    for org in (tree.a1, tree.a2):
        organization_move(organization=org, new_parent=new, date=D(2024, 7, 1))
    organization_dissolve(organization=tree.bloc_a, date=D(2024, 7, 1))

    due = compute(quarterly, [2024])[(tree.bloc_a.pk, 2024)]
    # Q1 (20/03) and Q2 (20/06) fell due while the bloc existed: A1 sent both, A2 only Q1 -> 3 of 4.
    assert (due.numerator, due.denominator, due.status) == (3, 4, "not_met")
    cells = compute(models, [2024])[(tree.bloc_a.pk, 2024)]
    # Its cells on its last day (30/06/2024): A1-1, A1-2, A2; only A2 has a model.
    assert (cells.numerator, cells.denominator) == (1, 3)


# ------------------------------------------------------------------ item 9: the approximations, stated

def test_the_target_page_states_how_an_approximated_target_is_counted(tree, personas, client):
    from targets.engine.compute import recompute_target

    qt6 = Target.objects.get(code="QT-6")
    assert "đảng ủy viên" in qt6.method_note  # what is not checked yet is said
    assert set(Target.objects.exclude(method_note="").values_list("code", flat=True)) == {
        "QT-6", "TV-1", "KH-2a", "QT-2", "KH-5", "TV-8b", "QT-4b"}
    target = make_target(tree, "MEET", qt6.params, method_note=qt6.method_note)
    recompute_target(target, [2024])
    client.force_login(personas.committee_staff)
    page = client.get(reverse("dashboard:target", args=[target.pk, tree.bloc_a.pk, 2024])).content.decode()
    assert 'data-test="method-note"' in page and qt6.method_note in page


# --------------------------------------------- the API, the dashboard, the Excel and the report agree

def test_api_dashboard_excel_and_report_agree_on_a_changed_target(tree, client_for, output_dir):
    import io

    from openpyxl import load_workbook

    from core.formatting import number
    from targets.engine.formatting import rule_notes_text
    from tests.test_reports import DOC, YEAR, build_world, generate, near, pdf_text

    world = build_world(tree)  # LD-4c (15–20% HTXS): 1 of 8 HTXS, 7 of 8 HTT or better -> bound 14,58%
    ld4c = next(t for t in world.targets if t.clause == Target.objects.get(code="LD-4c").clause)
    own = ld4c.attainments.get(organization=tree.bloc_a, year=YEAR)
    notes = rule_notes_text(own)
    assert own.details["cap"] == {"bound": "14.58", "htt_plus": "87.50", "unreachable": True, "breach": False}
    assert "14,58%" in notes

    client = client_for("committee_staff")
    api = {r["target"]: r for r in client.get("/api/attainments/", {
        "resolution": world.resolution.code, "year": YEAR, "organization": tree.bloc_a.pk}).json()["results"]}
    assert (api[ld4c.code]["status"], api[ld4c.code]["notes"]) == (own.status, notes)

    overview = load_workbook(io.BytesIO(client.get(reverse("dashboard:overview_xlsx"), {
        "org": tree.bloc_a.pk, "resolution": world.resolution.pk, "year": YEAR}).content)).active
    row = next(r for r in overview.iter_rows(values_only=True) if r[0] == ld4c.code)
    assert row[6] == own.get_status_display() and notes in row[8]

    run = generate("resolution_year", {"resolution": world.resolution.pk, "organization": tree.bloc_a.pk,
                                       "year": YEAR, **DOC}, formats="xlsx,pdf")
    sheet = load_workbook(io.BytesIO(run.xlsx_file.read()))["Tổng hợp"]
    report_row = next(r for r in sheet.iter_rows(values_only=True) if r[1] == ld4c.code)
    assert notes in (report_row[-1] or "")
    # The PDF: the figure on LD-4c's row of the summary and the rule's note under the table, as on the page.
    pdf_path = output_dir / "ld4c.pdf"
    pdf_path.write_bytes(run.pdf_file.read())
    pdf = pdf_text(pdf_path)
    lines = pdf.splitlines()
    flat = " ".join(pdf.split())
    row = near(lines, ld4c.code)
    assert f"{number(own.value)}%" in row and f"{int(own.numerator)}/{int(own.denominator)}" in row, row
    assert own.get_status_display().lower() in row.lower()  # the table capitalises the word
    assert f"{ld4c.code}: {' '.join(notes.split())}" in flat
