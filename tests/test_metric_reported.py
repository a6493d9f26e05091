"""The metric families read from records organizations supply: MODEL, DOC, REP and DUE.

Each test builds records on the small tree of conftest (bloc A → A1 (đảng bộ cơ sở) → A1-1, A1-2; A2 chi bộ
cơ sở) through the services, attaches a target by hand to a resolution whose scope is bloc A, runs the
engine and compares with figures worked out here from the records, independently of the SQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from itertools import count
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organizations.choices import OrgKind
from organizations.services import organization_create, organization_dissolve
from targets.engine.compute import compute_target, scope_slots
from targets.engine.metrics import REGISTRY
from targets.engine.models import Resolution, Target
from targets.records.models import PeriodicReport, ReportedFigure, ReportIndicator, RequiredDocument
from targets.records.services import (
    document_adoption_create,
    registered_model_create,
    report_submission_create,
    reported_figure_create,
)

pytestmark = pytest.mark.django_db
D = dt.date
FOUNDED = D(2020, 1, 1)
_codes = count(1)


def make_target(tree, family, params, *, comparator="gte", lower=100, upper=None, unit="percent",
                periodicity="yearly", start=2024, end=2024):
    n = next(_codes)
    resolution = Resolution.objects.create(code=f"rec{n}", number=f"{n}-NQ/ĐUK", issuer_name="Đảng ủy Khối A",
                                           scope=tree.bloc_a, title="Nghị quyết thử", start_year=start,
                                           end_year=end)
    return Target.objects.create(resolution=resolution, code=f"REC-{n}", family=family, params=params,
                                 short_text="Chỉ tiêu thử", clause="trích dẫn", comparator=comparator,
                                 lower=lower, upper=upper, unit=unit, periodicity=periodicity)


def compute(target, years):
    """{(organization id, year): attainment} of the engine's unsaved rows."""
    return {(a.organization_id, a.year): a for a in compute_target(target, years)}


def grassroots_cell(tree, name, founded=FOUNDED):
    return organization_create(name=name, kind=OrgKind.GRASSROOTS_CELL, parent=tree.bloc_a, founded_on=founded)


def share(hits, population):
    return (Decimal(100) * hits / population).quantize(Decimal("0.01"))


def model(org, year=2024, kind="ho_chi_minh", name=None):
    return registered_model_create(organization=org, year=year, kind=kind, name=name or f"Mô hình {org.name} {year}")


# ------------------------------------------------------------------------------------------------- MODEL

def test_model_share_of_cells_counts_each_cells_own_models_of_the_kind_and_year(tree):
    model(tree.a1_1)
    model(tree.a2)
    model(tree.a1_2, kind="exemplar")  # another kind: does not count for a Hồ Chí Minh model target
    model(tree.a1_2, year=2023)  # another year
    target = make_target(tree, "MODEL", {"subject": "cells", "kind": "ho_chi_minh", "min_count": 1})

    rows = compute(target, [2024])

    with_model = {tree.a1_1.pk, tree.a2.pk}
    for scope, cells in ((tree.bloc_a, [tree.a1_1, tree.a1_2, tree.a2]), (tree.a1, [tree.a1_1, tree.a1_2]),
                         (tree.a2, [tree.a2])):
        row = rows[(scope.pk, 2024)]
        hits = sum(1 for c in cells if c.pk in with_model)
        assert (row.numerator, row.denominator) == (hits, len(cells)), scope.name
        assert row.value == share(hits, len(cells))
        assert row.status == ("met" if hits == len(cells) else "not_met")
    assert rows[(tree.bloc_a.pk, 2024)].missing == []


def test_model_share_of_tccsd_counts_the_models_of_their_cells_and_min_count(tree):
    model(tree.a1_2, kind="dan_van_kheo")  # a sub cell's model is its đảng bộ cơ sở's model too
    model(tree.a2, kind="dan_van_kheo")
    model(tree.a2, kind="dan_van_kheo", name="Mô hình thứ hai")
    one = make_target(tree, "MODEL", {"subject": "tccsd", "kind": "dan_van_kheo"})
    two = make_target(tree, "MODEL", {"subject": "tccsd", "kind": "dan_van_kheo", "min_count": 2})

    rows_one, rows_two = compute(one, [2024]), compute(two, [2024])

    assert (rows_one[(tree.bloc_a.pk, 2024)].numerator, rows_one[(tree.bloc_a.pk, 2024)].denominator) == (2, 2)
    assert rows_one[(tree.bloc_a.pk, 2024)].status == "met"
    # With two models required only A2 (two of its own) qualifies; A1 has one, through A1-2.
    assert (rows_two[(tree.bloc_a.pk, 2024)].numerator, rows_two[(tree.bloc_a.pk, 2024)].denominator) == (1, 2)
    assert rows_two[(tree.a1.pk, 2024)].numerator == 0 and rows_two[(tree.a2.pk, 2024)].numerator == 1


def test_model_exact_boundary_four_of_five_tccsd_is_80_percent(tree):
    extra = [grassroots_cell(tree, f"Chi bộ Sở A{i}") for i in (3, 4, 5)]
    tccsd = [tree.a1, tree.a2, *extra]
    for org in tccsd[:4]:
        model(org)
    at_least = make_target(tree, "MODEL", {"subject": "tccsd", "kind": "ho_chi_minh"}, lower=80)
    above = make_target(tree, "MODEL", {"subject": "tccsd", "kind": "ho_chi_minh"}, comparator="gt", lower=80)

    row = compute(at_least, [2024])[(tree.bloc_a.pk, 2024)]
    assert (row.numerator, row.denominator, row.value, row.status) == (4, 5, Decimal("80.00"), "met")
    assert compute(above, [2024])[(tree.bloc_a.pk, 2024)].status == "not_met"  # "trên 80%": 80 is not above


def test_model_a_cell_dissolved_mid_year_is_not_in_the_population_on_15_december(tree):
    a1_3 = organization_create(name="Chi bộ A1-3", kind=OrgKind.SUB_CELL, parent=tree.a1, founded_on=FOUNDED)
    model(a1_3)  # registered before it was dissolved: the cell is not rated, so not counted either way
    model(a1_3, year=2023)
    organization_dissolve(organization=a1_3, date=D(2024, 6, 30))
    model(tree.a1_1)
    model(tree.a1_1, year=2023)
    target = make_target(tree, "MODEL", {"subject": "cells", "kind": "ho_chi_minh"}, start=2023)

    rows = compute(target, [2023, 2024])

    assert (rows[(tree.a1.pk, 2023)].numerator, rows[(tree.a1.pk, 2023)].denominator) == (2, 3)
    assert (rows[(tree.a1.pk, 2024)].numerator, rows[(tree.a1.pk, 2024)].denominator) == (1, 2)


def test_model_of_a_sub_cell_dissolved_mid_year_still_counts_for_its_tccsd(tree):
    a1_3 = organization_create(name="Chi bộ A1-3", kind=OrgKind.SUB_CELL, parent=tree.a1, founded_on=FOUNDED)
    model(a1_3, kind="dan_van_kheo")
    model(tree.b1, kind="dan_van_kheo")  # another subtree: counts for nobody under bloc A
    organization_dissolve(organization=a1_3, date=D(2024, 6, 30))
    target = make_target(tree, "MODEL", {"subject": "tccsd", "kind": "dan_van_kheo"})

    rows = compute(target, [2024])

    assert (rows[(tree.a1.pk, 2024)].numerator, rows[(tree.a1.pk, 2024)].denominator) == (1, 1)
    assert (rows[(tree.bloc_a.pk, 2024)].numerator, rows[(tree.bloc_a.pk, 2024)].denominator) == (1, 2)


def test_model_scope_without_cells_has_nothing_to_measure(tree):
    target = make_target(tree, "MODEL", {"subject": "cells", "kind": "ho_chi_minh"})
    target.resolution.scope = tree.bloc_b  # bloc B had one cell, B1, dissolved before the year
    target.resolution.save()
    organization_dissolve(organization=tree.b1, date=D(2023, 3, 1))

    row = compute(target, [2024])[(tree.bloc_b.pk, 2024)]
    assert (row.denominator, row.status) == (0, "no_data")


# --------------------------------------------------------------------------------------------------- DOC

def adopt(cell, documents, year, day=None):
    for document in documents:
        document_adoption_create(organization=cell, document=document, year=year, adopted_on=day or D(year, 2, 10))


def test_doc_yearly_share_of_cells_that_adopted_every_yearly_document_in_the_year(tree):
    yearly = list(RequiredDocument.objects.filter(cadence="year"))
    assert len(yearly) == 5
    adopt(tree.a1_1, yearly, 2024)
    adopt(tree.a1_2, yearly[:4], 2024)  # one missing
    adopt(tree.a2, yearly[:4], 2024)
    adopt(tree.a2, yearly[4:], 2023)  # the last one in another year does not count for 2024
    adopt(tree.a2, RequiredDocument.objects.filter(cadence="term"), 2024)  # term documents are another target
    target = make_target(tree, "DOC", {"cadence": "year"})

    rows = compute(target, [2024])

    assert (rows[(tree.bloc_a.pk, 2024)].numerator, rows[(tree.bloc_a.pk, 2024)].denominator) == (1, 3)
    assert rows[(tree.bloc_a.pk, 2024)].status == "not_met"
    assert (rows[(tree.a1.pk, 2024)].numerator, rows[(tree.a1.pk, 2024)].denominator) == (1, 2)
    assert (rows[(tree.a2.pk, 2024)].numerator, rows[(tree.a2.pk, 2024)].denominator) == (0, 1)


def test_doc_term_counts_adoptions_from_the_terms_first_year_to_the_slots_year(tree):
    term = list(RequiredDocument.objects.filter(cadence="term"))
    assert len(term) == 5
    adopt(tree.a1_1, term, 2020, day=D(2019, 12, 20))  # adopted at the congress before the term: any date
    adopt(tree.a1_2, term[:3], 2020)
    adopt(tree.a1_2, term[3:], 2022)
    adopt(tree.a2, term, 2024)
    target = make_target(tree, "DOC", {"cadence": "term"}, periodicity="term", start=2020, end=2025)

    rows = compute(target, [2020, 2021, 2022, 2024])

    cells = {tree.a1_1.pk: 2020, tree.a1_2.pk: 2022, tree.a2.pk: 2024}  # year each cell completed the set
    for year in (2020, 2021, 2022, 2024):
        row = rows[(tree.bloc_a.pk, year)]
        done = sum(1 for completed in cells.values() if completed <= year)
        assert (row.numerator, row.denominator) == (done, 3), year
        assert row.period_start == D(2020, 1, 1)
    assert rows[(tree.bloc_a.pk, 2024)].status == "met"
    assert rows[(tree.bloc_a.pk, 2022)].status == "not_met"


# --------------------------------------------------------------------------------------------------- REP

def figure(indicator, org, numerator, denominator=None, year=2024):
    return reported_figure_create(indicator=ReportIndicator.objects.get(code=indicator), organization=org,
                                  year=year, numerator=numerator, denominator=denominator)


def test_rep_sums_the_figures_of_the_grassroots_organizations(tree):
    figures = {tree.a1: (40, 42), tree.a2: (10, 10)}
    for org, (num, den) in figures.items():
        figure("staff_studied", org, num, den)
    figure("staff_studied", tree.a1, 5, 5, year=2023)  # another year
    target = make_target(tree, "REP", {"indicator": "staff_studied"})

    rows = compute(target, [2024])

    top = rows[(tree.bloc_a.pk, 2024)]
    num, den = sum(v[0] for v in figures.values()), sum(v[1] for v in figures.values())
    assert (top.numerator, top.denominator, top.missing) == (num, den, [])
    assert top.value == share(num, den) and top.status == "not_met"
    assert (rows[(tree.a1.pk, 2024)].numerator, rows[(tree.a1.pk, 2024)].denominator) == (40, 42)
    assert rows[(tree.a2.pk, 2024)].status == "met"


def test_rep_missing_reports_leave_the_figure_unjudged(tree):
    figure("staff_studied", tree.a1, 42, 42)
    target = make_target(tree, "REP", {"indicator": "staff_studied"})

    rows = compute(target, [2024])

    top = rows[(tree.bloc_a.pk, 2024)]
    assert (top.numerator, top.denominator) == (42, 42)
    assert top.missing == [("unreported", 1)] and top.status == "no_data"  # A2 has not reported
    assert rows[(tree.a1.pk, 2024)].status == "met"
    assert rows[(tree.a2.pk, 2024)].status == "no_data"


def test_rep_a_part_exceeding_its_whole_is_refused(tree):
    with pytest.raises(ValidationError) as refused:
        figure("staff_studied", tree.a1, 43, 42)
    assert refused.value.error_dict["numerator"][0].code == "part_exceeds_whole"
    assert not ReportedFigure.objects.exists()


def test_rep_a_tccsd_dissolved_mid_year_is_not_expected_to_report(tree):
    a3 = grassroots_cell(tree, "Chi bộ Sở A3")
    organization_dissolve(organization=a3, date=D(2024, 8, 1))
    figure("staff_studied", tree.a1, 40, 40)
    figure("staff_studied", tree.a2, 10, 10)
    target = make_target(tree, "REP", {"indicator": "staff_studied"}, start=2023)
    figure("staff_studied", tree.a1, 30, 30, year=2023)
    figure("staff_studied", tree.a2, 9, 10, year=2023)

    rows = compute(target, [2023, 2024])

    assert rows[(tree.bloc_a.pk, 2024)].missing == [] and rows[(tree.bloc_a.pk, 2024)].status == "met"
    # In 2023 A3 still existed on 15 December and did not report.
    assert rows[(tree.bloc_a.pk, 2023)].missing == [("unreported", 1)]


def test_rep_boundary_four_of_five_grassroots_organizations_doing_well(tree):
    extra = [grassroots_cell(tree, f"Chi bộ Sở A{i}") for i in (3, 4, 5)]
    for org, good in zip([tree.a1, tree.a2, *extra], [1, 1, 1, 1, 0]):
        figure("democracy_regulation_good", org, good, 1)
    target = make_target(tree, "REP", {"indicator": "democracy_regulation_good"}, lower=80)  # TV-10a

    row = compute(target, [2024])[(tree.bloc_a.pk, 2024)]
    assert (row.numerator, row.denominator, row.value, row.status) == (4, 5, Decimal("80.00"), "met")


def test_rep_a_count_indicator_sums_numerators_without_a_denominator(tree):
    figure("villages_without_party", tree.a1, 0)
    figure("villages_without_party", tree.a2, 2)
    target = make_target(tree, "REP", {"indicator": "villages_without_party"}, comparator="zero", lower=None,
                         unit="count")  # KT-1d

    rows = compute(target, [2024])

    top = rows[(tree.bloc_a.pk, 2024)]
    assert (top.numerator, top.denominator, top.status) == (2, None, "not_met")
    assert (rows[(tree.a1.pk, 2024)].numerator, rows[(tree.a1.pk, 2024)].status) == (0, "met")


def test_rep_an_indicator_the_scope_reports_itself(tree):
    target = make_target(tree, "REP", {"indicator": "standing_committee_htt"})  # LD-4e
    assert compute(target, [2024])[(tree.bloc_a.pk, 2024)].missing == [("unreported", 1)]

    figure("standing_committee_htt", tree.bloc_a, 1, 1)
    rows = compute(target, [2024])

    top = rows[(tree.bloc_a.pk, 2024)]
    assert (top.numerator, top.denominator, top.status) == (1, 1, "met")
    # The grassroots organizations under it do not owe this figure: they get no row at all.
    assert (tree.a1.pk, 2024) not in rows
    with pytest.raises(ValidationError) as refused:
        figure("standing_committee_htt", tree.a1, 1, 1)
    assert refused.value.error_dict["organization"][0].code == "wrong_reporter"


# --------------------------------------------------------------------------------------------------- DUE

def submit(org, report_code, year, quarter, day):
    return report_submission_create(report=PeriodicReport.objects.get(code=report_code), organization=org,
                                    year=year, quarter=quarter, submitted_on=day)


def expected_due(submissions, organizations, report, year, today):
    """(on time, due) worked out from the model's due dates, independently of the SQL."""
    due = on_time = 0
    for org in organizations:
        for quarter in report.periods():
            due_on = report.due_date(year, quarter)
            if due_on > today or due_on < org.founded_on:
                continue
            due += 1
            day = submissions.get((org.pk, quarter))
            on_time += day is not None and day <= due_on
    return on_time, due


def test_due_quarterly_reports_on_time_and_late(tree):
    report = PeriodicReport.objects.get(code="degradation-quarterly")
    submissions = {
        (tree.a1.pk, 1): D(2024, 3, 20),  # on the due date: on time
        (tree.a1.pk, 2): D(2024, 6, 19),
        (tree.a1.pk, 3): D(2024, 9, 25),  # late: does not count
        # A1 never submitted Q4
        **{(tree.a2.pk, q): D(2024, q * 3, 1) for q in (1, 2, 3, 4)},
    }
    for (org_pk, quarter), day in submissions.items():
        submit(tree.a1 if org_pk == tree.a1.pk else tree.a2, report.code, 2024, quarter, day)
    target = make_target(tree, "DUE", {"report": report.code})  # KH-2a

    rows = compute(target, [2024])

    top = rows[(tree.bloc_a.pk, 2024)]
    on_time, due = expected_due(submissions, [tree.a1, tree.a2], report, 2024, D(2026, 1, 1))
    assert (on_time, due) == (6, 8)
    assert (top.numerator, top.denominator, top.status) == (on_time, due, "not_met")
    assert top.details == {"late": 1}
    assert (rows[(tree.a2.pk, 2024)].numerator, rows[(tree.a2.pk, 2024)].status) == (4, "met")


def test_due_yearly_report_late_by_a_day_does_not_count(tree):
    submit(tree.a1, "degradation-yearly", 2024, 0, D(2024, 11, 15))
    submit(tree.a2, "degradation-yearly", 2024, 0, D(2024, 11, 16))
    target = make_target(tree, "DUE", {"report": "degradation-yearly"})  # KH-2b

    top = compute(target, [2024])[(tree.bloc_a.pk, 2024)]
    assert (top.numerator, top.denominator, top.value, top.status) == (1, 2, Decimal("50.00"), "not_met")


def test_due_only_due_dates_passed_count_and_nothing_due_means_no_data(tree, monkeypatch):
    import targets.records.metrics as reported

    submit(tree.a1, "degradation-quarterly", 2024, 1, D(2024, 3, 10))
    target = make_target(tree, "DUE", {"report": "degradation-quarterly"})

    monkeypatch.setattr(reported, "timezone", SimpleNamespace(localdate=lambda: D(2024, 2, 1)))
    top = compute(target, [2024])[(tree.bloc_a.pk, 2024)]
    assert (top.numerator, top.denominator, top.status) == (0, 0, "no_data")

    monkeypatch.setattr(reported, "timezone", SimpleNamespace(localdate=lambda: D(2024, 7, 1)))
    top = compute(target, [2024])[(tree.bloc_a.pk, 2024)]
    assert (top.numerator, top.denominator) == (1, 4)  # Q1 and Q2 of A1 and A2


def test_due_population_on_15_december_and_periods_before_founding(tree):
    report = PeriodicReport.objects.get(code="degradation-quarterly")
    gone = grassroots_cell(tree, "Chi bộ Sở A3")
    submit(gone, report.code, 2024, 1, D(2024, 3, 1))
    organization_dissolve(organization=gone, date=D(2024, 8, 1))  # not there on 15/12: not counted
    new = grassroots_cell(tree, "Chi bộ Sở A4", founded=D(2024, 5, 1))  # owes Q2–Q4 only
    submissions = {}
    for org in (tree.a1, tree.a2, new):
        for quarter in (2, 3, 4):
            submissions[(org.pk, quarter)] = D(2024, quarter * 3, 15)
            submit(org, report.code, 2024, quarter, D(2024, quarter * 3, 15))
    target = make_target(tree, "DUE", {"report": report.code})

    top = compute(target, [2024])[(tree.bloc_a.pk, 2024)]

    on_time, due = expected_due(submissions, [tree.a1, tree.a2, new], report, 2024, D(2026, 1, 1))
    assert (on_time, due) == (9, 11)
    assert (top.numerator, top.denominator) == (on_time, due)


# ------------------------------------------------------------------------------------------ set-based

@pytest.mark.parametrize("family, params", [
    ("MODEL", {"subject": "tccsd", "kind": "ho_chi_minh"}),
    ("DOC", {"cadence": "year"}),
    ("REP", {"indicator": "members_studied"}),
    ("DUE", {"report": "degradation-quarterly"}),
])
def test_each_family_answers_every_slot_with_one_statement(tree, family, params):
    for i in range(3, 9):
        grassroots_cell(tree, f"Chi bộ Sở A{i}")
    target = make_target(tree, family, params, start=2021, end=2024)
    slots = scope_slots(target, range(2021, 2025))
    assert len(slots) > 20
    with CaptureQueriesContext(connection) as queries:
        figures = REGISTRY[family].compute(target, slots)
    # One statement, plus the lookup of the indicator or report a REP or DUE target names.
    # The planner settings around a hashed statement (organizations.slots.fetch) are not reads.
    # So is the size of the scope (organizations.slots.large_subtree: whether to hash), one read of the tree.
    sizes = [q["sql"] for q in queries if "SELECT count(*) FROM top JOIN" in q["sql"]]
    reads = [q["sql"] for q in queries if not q["sql"].startswith(("SET ", "RESET ")) and q["sql"] not in sizes]
    assert len(reads) == (2 if family in ("REP", "DUE") else 1) and len(sizes) <= 1, reads
    assert len(figures) == len(slots)


def test_unknown_parameters_are_refused():
    assert REGISTRY["MODEL"].validate_params({"subject": "cells", "colour": "red"}) == ["unknown parameter 'colour'"]
    assert REGISTRY["DUE"].validate_params({"report": "degradation-yearly"}) == []
