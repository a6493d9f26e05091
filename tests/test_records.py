"""Records organizations supply (reported figures, models, documents adopted, report submissions): the
services' rules and scope checks, their change events and history, and the pages that call them.

Messages are Vietnamese through the catalogue, so the assertions name the error's field and code."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from targets.records import services
from targets.records.models import (
    DocumentAdoption,
    PeriodicReport,
    RegisteredModel,
    ReportedFigure,
    ReportIndicator,
    ReportSubmission,
    RequiredDocument,
)
from tests.lists import records

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def events(monkeypatch):
    """The change events the services emit, as (kind, organization ids, years)."""
    seen = []
    monkeypatch.setattr(services, "emit", lambda kind, *, organization_ids, years: seen.append(
        (kind, sorted(organization_ids), sorted(years))))
    return seen


def indicator(code):
    return ReportIndicator.objects.get(code=code)


def report(code):
    return PeriodicReport.objects.get(code=code)


def refusal(call, **kwargs) -> tuple[str, str]:
    """(field, code) of the first error of a refused service call."""
    with pytest.raises(ValidationError) as refused:
        call(**kwargs)
    field, errors = next(iter(refused.value.error_dict.items()))
    return field, errors[0].code


# ---------------------------------------------------------------------------------------- reported figures

def test_figure_rules(tree):
    create = services.reported_figure_create
    studied = indicator("staff_studied")
    assert refusal(create, indicator=studied, organization=tree.a1, year=2024, numerator=43, denominator=42) == (
        "numerator", "part_exceeds_whole")
    assert refusal(create, indicator=studied, organization=tree.a1, year=2024, numerator=4) == (
        "denominator", "whole_required")
    assert refusal(create, indicator=indicator("villages_without_party"), organization=tree.a1, year=2024,
                   numerator=2, denominator=10) == ("denominator", "count_has_whole")
    # Reported by each TCCSĐ: not by a sub cell nor a committee; a "scope" indicator only by a committee.
    assert refusal(create, indicator=studied, organization=tree.a1_1, year=2024, numerator=4, denominator=4) == (
        "organization", "wrong_reporter")
    assert refusal(create, indicator=studied, organization=tree.bloc_a, year=2024, numerator=4, denominator=4) == (
        "organization", "wrong_reporter")
    assert refusal(create, indicator=indicator("standing_committee_htt"), organization=tree.a2, year=2024,
                   numerator=1, denominator=1) == ("organization", "wrong_reporter")
    assert refusal(create, indicator=studied, organization=tree.a1, year=1999, numerator=4, denominator=4) == (
        "year", "year_out_of_range")
    assert refusal(create, indicator=studied, organization=tree.a1, year=2019, numerator=4, denominator=4) == (
        "organization", "organization_not_existing")  # the tree was founded in 2020
    assert not ReportedFigure.objects.exists()

    services.reported_figure_create(indicator=indicator("standing_committee_htt"), organization=tree.bloc_a,
                                    year=2024, numerator=1, denominator=1)
    services.reported_figure_create(indicator=indicator("villages_without_party"), organization=tree.a1,
                                    year=2024, numerator=0)
    assert ReportedFigure.objects.count() == 2


def test_a_duplicate_figure_is_a_validation_error_and_the_transaction_goes_on(tree):
    services.reported_figure_create(indicator=indicator("staff_studied"), organization=tree.a1, year=2024,
                                    numerator=40, denominator=42)
    assert refusal(services.reported_figure_create, indicator=indicator("staff_studied"), organization=tree.a1,
                   year=2024, numerator=41, denominator=42) == (NON_FIELD_ERRORS, "duplicate")
    assert ReportedFigure.objects.get().numerator == 40  # the connection is still usable


def test_a_concurrent_duplicate_caught_by_the_constraint_is_a_validation_error(tree, monkeypatch):
    services.reported_figure_create(indicator=indicator("staff_studied"), organization=tree.a1, year=2024,
                                    numerator=40, denominator=42)
    # Simulate the race: the check before the write sees nothing, the unique constraint refuses.
    monkeypatch.setattr(services, "_validate_figure", lambda figure: None)
    assert refusal(services.reported_figure_create, indicator=indicator("staff_studied"), organization=tree.a1,
                   year=2024, numerator=41, denominator=42) == (NON_FIELD_ERRORS, "duplicate")
    assert ReportedFigure.objects.count() == 1


def test_figure_scope_is_checked_on_create_update_and_delete(tree, personas, events):
    studied = indicator("staff_studied")
    with pytest.raises(PermissionDenied):  # the cell secretary of A1-1 may not report for A1
        services.reported_figure_create(indicator=studied, organization=tree.a1, year=2024, numerator=1,
                                        denominator=2, user=personas.cell_secretary)
    with pytest.raises(PermissionDenied):  # inspection staff see bloc A but do not enter figures
        services.reported_figure_create(indicator=studied, organization=tree.a1, year=2024, numerator=1,
                                        denominator=2, user=personas.inspection_staff)
    figure = services.reported_figure_create(indicator=studied, organization=tree.a1, year=2024, numerator=1,
                                             denominator=2, user=personas.grassroots_officer)
    assert figure.reported_by == personas.grassroots_officer
    with pytest.raises(PermissionDenied):
        services.reported_figure_update(figure=figure, numerator=2, user=personas.outsider)
    with pytest.raises(PermissionDenied):  # moving it to a TCCSĐ outside the officer's scope
        services.reported_figure_update(figure=figure, organization=tree.a2, user=personas.grassroots_officer)
    figure = services.reported_figure_update(figure=figure, organization=tree.a2, year=2023,
                                             user=personas.committee_staff)
    with pytest.raises(PermissionDenied):
        services.reported_figure_delete(figure=figure, user=personas.grassroots_officer)
    figure_id = figure.pk
    services.reported_figure_delete(figure=figure, user=personas.committee_staff)

    assert not ReportedFigure.objects.exists()
    assert events == [("reported_figure", [tree.a1.pk], [2024]),
                      # the move changes the figures of both places
                      ("reported_figure", [tree.a1.pk], [2024]), ("reported_figure", [tree.a2.pk], [2023]),
                      ("reported_figure", [tree.a2.pk], [2023])]
    history = ReportedFigure.history.filter(id=figure_id).order_by("history_date")
    assert [h.history_type for h in history] == ["+", "~", "-"]
    assert [h.history_user for h in history] == [personas.grassroots_officer, personas.committee_staff,
                                                 personas.committee_staff]


def test_every_write_emits_its_event_for_the_organization_and_year(tree, events):
    services.reported_figure_create(indicator=indicator("staff_studied"), organization=tree.a1, year=2024,
                                    numerator=1, denominator=2)
    model = services.registered_model_create(organization=tree.a1_1, year=2024, kind="exemplar", name="Gương")
    services.registered_model_update(model=model, name="Gương điển hình")
    services.document_adoption_create(organization=tree.a1_1, document=RequiredDocument.objects.get(
        code="work-programme"), year=2024, adopted_on=D(2024, 1, 15))
    services.report_submission_create(report=report("degradation-yearly"), organization=tree.a2, year=2024,
                                      submitted_on=D(2024, 11, 10))
    assert events == [("reported_figure", [tree.a1.pk], [2024]), ("registered_model", [tree.a1_1.pk], [2024]),
                      ("registered_model", [tree.a1_1.pk], [2024]), ("document_adoption", [tree.a1_1.pk], [2024]),
                      ("report_submission", [tree.a2.pk], [2024])]


# -------------------------------------------------------------------------------------------------- models

def test_model_rules_and_scope(tree, personas):
    create = services.registered_model_create
    assert refusal(create, organization=tree.bloc_a, year=2024, kind="exemplar", name="Gương") == (
        "organization", "wrong_organization_kind")
    assert refusal(create, organization=tree.a1_1, year=2024, kind="exemplar", name="  ") == ("name", "required")
    assert refusal(create, organization=tree.a1_1, year=2024, kind="other", name="Gương") == ("kind", "invalid_kind")
    with pytest.raises(PermissionDenied):
        create(organization=tree.a1_2, year=2024, kind="exemplar", name="Gương", user=personas.cell_secretary)
    for org in (tree.a1, tree.a1_1, tree.a2):  # a TCCSĐ, a sub cell, a grassroots cell
        create(organization=org, year=2024, kind="ho_chi_minh", name=f"Mô hình {org.name}")
    assert RegisteredModel.objects.count() == 3


# ------------------------------------------------------------------------------------------------ documents

def test_document_adoption_rules(tree):
    create = services.document_adoption_create
    yearly = RequiredDocument.objects.get(code="work-programme")
    term = RequiredDocument.objects.get(code="working-regulations")
    assert refusal(create, organization=tree.a1, document=yearly, year=2024, adopted_on=D(2024, 1, 5)) == (
        "organization", "not_a_cell")
    assert refusal(create, organization=tree.a1_1, document=yearly, year=2024, adopted_on=D(2023, 12, 28)) == (
        "adopted_on", "date_outside_year")
    assert refusal(create, organization=tree.a1_1, document=yearly, year=2150, adopted_on=D(2150, 1, 5)) == (
        "year", "year_out_of_range")
    create(organization=tree.a1_1, document=term, year=2021, adopted_on=D(2020, 12, 28))  # term: any date
    create(organization=tree.a1_1, document=yearly, year=2024, adopted_on=D(2024, 1, 5))
    assert refusal(create, organization=tree.a1_1, document=yearly, year=2024, adopted_on=D(2024, 2, 5)) == (
        NON_FIELD_ERRORS, "duplicate")
    assert DocumentAdoption.objects.count() == 2


def test_checklist_saves_all_or_nothing(tree, events):
    yearly = list(RequiredDocument.objects.filter(cadence="year"))
    entries = {d: (D(2024, 1, 10 + i), f"{i}-CT/CB") for i, d in enumerate(yearly)}
    assert services.document_checklist_save(organization=tree.a1_1, year=2024, entries=entries) == {
        "created": 5, "updated": 0, "deleted": 0}
    entries[yearly[0]] = None
    entries[yearly[1]] = (D(2024, 3, 1), "")
    entries[yearly[2]] = (D(2023, 3, 1), "")  # outside the year: the whole checklist is refused
    with pytest.raises(ValidationError) as refused:
        services.document_checklist_save(organization=tree.a1_1, year=2024, entries=entries)
    assert f"adopted_on_{yearly[2].pk}" in refused.value.error_dict
    assert DocumentAdoption.objects.count() == 5
    entries[yearly[2]] = (D(2024, 1, 12), "2-CT/CB")
    assert services.document_checklist_save(organization=tree.a1_1, year=2024, entries=entries) == {
        "created": 0, "updated": 1, "deleted": 1}
    assert events == [("document_adoption", [tree.a1_1.pk], [2024])] * 2


# ---------------------------------------------------------------------------------------------- submissions

def test_submission_rules(tree):
    create = services.report_submission_create
    quarterly, yearly = report("degradation-quarterly"), report("degradation-yearly")
    assert refusal(create, report=quarterly, organization=tree.a1_1, year=2024, quarter=1,
                   submitted_on=D(2024, 3, 10)) == ("organization", "wrong_organization_kind")
    assert refusal(create, report=quarterly, organization=tree.a1, year=2024, quarter=0,
                   submitted_on=D(2024, 3, 10)) == ("quarter", "quarter_required")
    assert refusal(create, report=quarterly, organization=tree.a1, year=2024, quarter=5,
                   submitted_on=D(2024, 3, 10)) == ("quarter", "quarter_required")
    assert refusal(create, report=yearly, organization=tree.a1, year=2024, quarter=2,
                   submitted_on=D(2024, 11, 10)) == ("quarter", "quarter_not_allowed")
    assert refusal(create, report=quarterly, organization=tree.a1, year=2024, quarter=2,
                   submitted_on=D(2024, 3, 10)) == ("submitted_on", "date_outside_period")  # before Q2 began
    create(report=quarterly, organization=tree.a1, year=2024, quarter=4, submitted_on=D(2025, 1, 5))  # late
    create(report=yearly, organization=tree.a1, year=2024, submitted_on=D(2024, 11, 15))
    assert refusal(create, report=yearly, organization=tree.a1, year=2024, quarter=0,
                   submitted_on=D(2024, 11, 20)) == (NON_FIELD_ERRORS, "duplicate")
    assert ReportSubmission.objects.count() == 2


# -------------------------------------------------------------------------------------------------- pages

def test_officer_reports_a_figure_through_the_page(tree, personas, client):
    client.force_login(personas.grassroots_officer)
    url = reverse("records:figure_create")
    studied = indicator("staff_studied")
    form = client.get(url).context["form"]
    assert set(form.fields["organization"].queryset) == {tree.a1}  # A1's sub cells do not report

    refused = client.post(url, {"indicator": studied.pk, "organization": tree.a1.pk, "year": 2024,
                                "numerator": 45, "denominator": 42})
    assert refused.status_code == 200
    assert refused.context["form"].has_error("numerator", "part_exceeds_whole")
    assert not ReportedFigure.objects.exists()

    response = client.post(url, {"indicator": studied.pk, "organization": tree.a1.pk, "year": 2024,
                                 "numerator": 40, "denominator": 42, "note": "Hội nghị quán triệt 05/2024"})
    figure = ReportedFigure.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("records:figure_list") + f"?organization={tree.a1.pk}&year=2024"
    assert (figure.organization, figure.numerator, figure.denominator, figure.reported_by) == (
        tree.a1, 40, 42, personas.grassroots_officer)

    again = client.post(url, {"indicator": studied.pk, "organization": tree.a1.pk, "year": 2024,
                              "numerator": 41, "denominator": 42})
    assert again.status_code == 200 and again.context["form"].non_field_errors()
    assert ReportedFigure.objects.count() == 1


def test_a_cell_secretary_cannot_choose_an_organization_outside_the_scope(tree, personas, client):
    client.force_login(personas.cell_secretary)
    response = client.post(reverse("records:figure_create"), {
        "indicator": indicator("staff_studied").pk, "organization": tree.a1.pk, "year": 2024,
        "numerator": 1, "denominator": 2})
    assert response.status_code == 200 and "organization" in response.context["form"].errors
    assert not ReportedFigure.objects.exists()


def test_figure_edit_and_delete_through_the_page(tree, personas, client):
    figure = services.reported_figure_create(indicator=indicator("staff_studied"), organization=tree.a1,
                                             year=2024, numerator=30, denominator=42)
    url = reverse("records:figure_edit", kwargs={"pk": figure.pk})
    client.force_login(personas.inspection_staff)  # sees it, may not change it
    assert client.post(url, {"numerator": 1}).status_code == 403
    client.force_login(personas.outsider)
    assert client.get(url).status_code == 404

    client.force_login(personas.committee_staff)
    response = client.post(url, {"indicator": figure.indicator_id, "organization": tree.a1.pk, "year": 2024,
                                 "numerator": 42, "denominator": 42})
    assert response.status_code == 302
    figure.refresh_from_db()
    assert (figure.numerator, figure.reported_by) == (42, personas.committee_staff)
    page = client.get(url)
    assert [h.history_type for h in page.context["history"]] == ["~", "+"]

    assert client.post(url, {"delete": "1"}).status_code == 302
    assert not ReportedFigure.objects.exists()


def test_lists_show_only_the_users_subtree(tree, personas, client):
    for org in (tree.a1_1, tree.a1_2, tree.b1):
        services.registered_model_create(organization=org, year=2024, kind="exemplar", name=f"Gương {org.name}")
    client.force_login(personas.cell_secretary)
    listing = client.get(reverse("records:model_list"))
    assert [m.organization for m in records(listing)] == [tree.a1_1]
    client.force_login(personas.committee_staff)
    listing = client.get(reverse("records:model_list"), {"organization": tree.a1.pk, "year": 2024})
    assert {m.organization for m in records(listing)} == {tree.a1_1, tree.a1_2}
    assert listing.context["editable"] == {m.pk for m in records(listing)}
    client.force_login(personas.leadership)
    listing = client.get(reverse("records:model_list"))
    assert len(records(listing)) == 2 and listing.context["editable"] == set()
    assert not listing.context["may_add"]


# Measured baseline (queries of the request, its ATOMIC_REQUESTS savepoint included), whatever the data's size.
# The submissions list as a Table (core.lists): 10, and since issue 20 the user's chosen columns (1) and the
# counts of the report filter (1).
LIST_QUERIES = 12


def test_the_list_costs_the_same_queries_for_many_rows(tree, personas, client):
    client.force_login(personas.committee_staff)
    url = reverse("records:submission_list")
    services.report_submission_create(report=report("degradation-yearly"), organization=tree.a1, year=2020,
                                      submitted_on=D(2020, 11, 1))
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for year in range(2021, 2025):
        for org in (tree.a1, tree.a2):
            services.report_submission_create(report=report("degradation-yearly"), organization=org, year=year,
                                              submitted_on=D(year, 11, 20))
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(few) == len(many) == LIST_QUERIES, (len(few), len(many))
    assert len(records(response)) == 9
    assert [s.late for s in records(response) if s.year == 2024] == [True, True]  # due 15/11


def test_cell_secretary_registers_a_model_and_submits_nothing_for_a_tccsd(tree, personas, client):
    client.force_login(personas.cell_secretary)
    response = client.post(reverse("records:model_create"), {
        "organization": tree.a1_1.pk, "year": 2024, "kind": "ho_chi_minh", "name": "Mô hình “Chi bộ số”",
        "description": "", "recognised_by": ""})
    assert response.status_code == 302
    assert RegisteredModel.objects.get().recorded_by == personas.cell_secretary
    # No TCCSĐ in a cell secretary's scope: nothing to choose on the submission form.
    assert not client.get(reverse("records:submission_create")).context["form"].fields["organization"].queryset


def test_officer_records_a_submission_through_the_page(tree, personas, client):
    client.force_login(personas.grassroots_officer)
    url = reverse("records:submission_create")
    quarterly = report("degradation-quarterly")
    refused = client.post(url, {"report": quarterly.pk, "organization": tree.a1.pk, "year": 2024, "quarter": 0,
                                "submitted_on": "18/03/2024"})
    assert refused.status_code == 200 and refused.context["form"].has_error("quarter", "quarter_required")
    response = client.post(url, {"report": quarterly.pk, "organization": tree.a1.pk, "year": 2024, "quarter": 1,
                                 "submitted_on": "18/03/2024", "reference": "12-BC/ĐU"})
    assert response.status_code == 302
    submission = ReportSubmission.objects.get()
    assert (submission.quarter, submission.submitted_on, submission.reference) == (1, D(2024, 3, 18), "12-BC/ĐU")


def test_document_checklist_page_ticks_and_unticks(tree, personas, client):
    documents = list(RequiredDocument.objects.order_by("cadence", "order", "code"))
    yearly = [d for d in documents if d.cadence == "year"]
    term = [d for d in documents if d.cadence == "term"]
    services.document_adoption_create(organization=tree.a1_1, document=term[0], year=2021,
                                      adopted_on=D(2021, 1, 20))
    client.force_login(personas.cell_secretary)
    url = reverse("records:document_edit", kwargs={"organization": tree.a1_1.pk, "year": 2024})
    form = client.get(url).context["form"]
    # The term document adopted for 2021 is shown, not asked again.
    assert f"adopted_{term[0].pk}" not in form.fields and f"adopted_{term[1].pk}" in form.fields

    data = {f"adopted_{d.pk}": "on" for d in yearly}
    data.update({f"adopted_on_{d.pk}": "15/01/2024" for d in yearly})
    data[f"adopted_on_{term[1].pk}"] = "20/01/2024"  # a date without the box: adopted too
    response = client.post(url, data)
    assert response.status_code == 302
    assert DocumentAdoption.objects.filter(organization=tree.a1_1, year=2024).count() == 6

    data.pop(f"adopted_{yearly[0].pk}")  # untick: removed
    data[f"adopted_{term[1].pk}"] = "on"
    data[f"adopted_on_{yearly[1].pk}"] = "15/01/2023"  # outside the year: shown on that field, nothing saved
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert f"adopted_on_{yearly[1].pk}" in refused.context["form"].errors
    assert DocumentAdoption.objects.filter(organization=tree.a1_1, year=2024).count() == 6
    data[f"adopted_on_{yearly[1].pk}"] = "16/01/2024"
    assert client.post(url, data).status_code == 302
    assert DocumentAdoption.objects.filter(organization=tree.a1_1, year=2024).count() == 5

    grid = client.get(reverse("records:document_list"), {"organization": tree.a1_1.pk, "year": 2024})
    assert grid.context["single"]
    adopted = {d.code for d, a in grid.context["rows"][0]["checks"] if a}
    assert adopted == {d.code for d in yearly[1:]} | {term[0].code, term[1].code}


def test_document_grid_of_a_committee_lists_its_cells(tree, personas, client):
    client.force_login(personas.committee_staff)
    grid = client.get(reverse("records:document_list"), {"year": 2024})
    assert [r["cell"] for r in grid.context["rows"]] == [tree.a1_1, tree.a1_2, tree.a2]
    assert all(r["may_change"] for r in grid.context["rows"])
    client.force_login(personas.grassroots_officer)
    assert client.get(reverse("records:document_edit", kwargs={"organization": tree.a2.pk, "year": 2024})
                      ).status_code == 404  # A2 is outside A1's subtree
    assert client.get(reverse("records:document_edit", kwargs={"organization": tree.a1.pk, "year": 2024})
                      ).status_code == 404  # not a cell


# ------------------------------------------------------------------------- the lists: filters, order, queries

def test_the_figure_list_filters_orders_and_costs_the_same_queries_for_3_or_30_rows(
        tree, personas, client, django_assert_num_queries):
    create = services.reported_figure_create
    create(indicator=indicator("staff_studied"), organization=tree.a1, year=2024, numerator=40, denominator=42)
    create(indicator=indicator("villages_without_party"), organization=tree.a2, year=2024, numerator=3)
    create(indicator=indicator("staff_studied"), organization=tree.a2, year=2023, numerator=9, denominator=10)
    client.force_login(personas.committee_staff)
    url = reverse("records:figure_list")

    def rows(params=None):
        return [(f.organization.name, f.indicator.code, f.year) for f in records(client.get(url, params or {}))]

    # The default order: newest year first, then the tree, then the indicator.
    assert rows() == [("Đảng bộ Sở A1", "staff_studied", 2024), ("Chi bộ Sở A2", "villages_without_party", 2024),
                      ("Chi bộ Sở A2", "staff_studied", 2023)]
    # The year leads no index: its sort is ignored (issue 20), the default order stays.
    assert rows({"organization": tree.a2.pk, "sort": "year"}) == [
        ("Chi bộ Sở A2", "villages_without_party", 2024), ("Chi bộ Sở A2", "staff_studied", 2023)]
    assert rows({"indicator": indicator("staff_studied").pk, "sort": "-value"}) == [
        ("Đảng bộ Sở A1", "staff_studied", 2024), ("Chi bộ Sở A2", "staff_studied", 2023)]
    assert rows({"year": 2023}) == [("Chi bộ Sở A2", "staff_studied", 2023)]
    assert rows({"organization": tree.b1.pk}) == []  # outside the user's scope: refused, nothing shown
    assert "Chưa có số liệu nào được báo cáo." in client.get(url, {"year": 2022}).content.decode()

    with django_assert_num_queries(12):  # 10, the user's columns, the indicator filter's counts
        assert len(records(client.get(url, {"sort": "organization"}))) == 3
    for year in range(2020, 2026):
        for org in (tree.a1, tree.a2):
            for code in ("union_members_studied", "villages_without_party"):
                if not ReportedFigure.objects.filter(indicator__code=code, organization=org, year=year).exists():
                    create(indicator=indicator(code), organization=org, year=year, numerator=1,
                           denominator=2 if code == "union_members_studied" else None)
    assert ReportedFigure.objects.count() == 26
    with django_assert_num_queries(12):
        assert len(records(client.get(url, {"sort": "organization"}))) == 26


def test_the_model_list_filters_orders_and_costs_the_same_queries_for_3_or_30_rows(
        tree, personas, client, django_assert_num_queries):
    create = services.registered_model_create
    create(organization=tree.a1_1, year=2024, kind="exemplar", name="Gương Bình")
    create(organization=tree.a1_2, year=2024, kind="dan_van_kheo", name="Dân vận An")
    create(organization=tree.a2, year=2023, kind="exemplar", name="Gương Chi")
    client.force_login(personas.committee_staff)
    url = reverse("records:model_list")

    def names(params=None):
        return [m.name for m in records(client.get(url, params or {}))]

    assert names() == ["Gương Bình", "Dân vận An", "Gương Chi"]  # newest year, then the tree
    assert names({"sort": "name"}) == ["Gương Bình", "Dân vận An", "Gương Chi"]  # no index: the sort is ignored
    assert names({"kind": "exemplar", "sort": "-year"}) == ["Gương Bình", "Gương Chi"]
    assert names({"organization": tree.a1.pk, "year": 2024, "sort": "-name"}) == ["Gương Bình", "Dân vận An"]
    empty = client.get(url, {"kind": "ho_chi_minh"})
    assert "Chưa có mô hình, gương điển hình nào được đăng ký." in empty.content.decode()

    with django_assert_num_queries(11):  # 9, the user's columns, the kind filter's counts
        assert len(records(client.get(url, {"sort": "kind"}))) == 3
    for n in range(27):
        create(organization=(tree.a1_1, tree.a1_2, tree.a2)[n % 3], year=2022, kind="exemplar", name=f"Gương {n:02d}")
    with django_assert_num_queries(11):  # 9, the user's columns, the kind filter's counts
        assert len(records(client.get(url, {"sort": "kind"}))) == 30


def test_the_submission_list_filters_orders_and_costs_the_same_queries_for_3_or_30_rows(
        tree, personas, client, django_assert_num_queries):
    create = services.report_submission_create
    quarterly, yearly = report("degradation-quarterly"), report("degradation-yearly")
    create(report=quarterly, organization=tree.a1, year=2024, quarter=4, submitted_on=D(2025, 1, 5))  # late
    create(report=yearly, organization=tree.a1, year=2024, submitted_on=D(2024, 11, 10))
    create(report=yearly, organization=tree.a2, year=2023, submitted_on=D(2023, 11, 1))
    client.force_login(personas.committee_staff)
    url = reverse("records:submission_list")

    def rows(params=None):
        return [(s.report.code, s.organization.name, s.year, s.late) for s in records(client.get(url, params or {}))]

    assert rows() == [("degradation-quarterly", "Đảng bộ Sở A1", 2024, True),
                      ("degradation-yearly", "Đảng bộ Sở A1", 2024, False),
                      ("degradation-yearly", "Chi bộ Sở A2", 2023, False)]
    # The date and the period lead no index: their sorts are ignored (issue 20), the default order stays.
    assert rows({"report": yearly.pk, "sort": "submitted_on"}) == [
        ("degradation-yearly", "Đảng bộ Sở A1", 2024, False), ("degradation-yearly", "Chi bộ Sở A2", 2023, False)]
    assert rows({"organization": tree.a2.pk}) == [("degradation-yearly", "Chi bộ Sở A2", 2023, False)]
    assert [r[2] for r in rows({"sort": "period"})] == [2024, 2024, 2023]
    html = client.get(url).content.decode()
    assert "Quý 4/2024" in html and "trễ hạn" in html and "đúng hạn" in html
    assert "Chưa ghi nhận báo cáo nào được gửi." in client.get(url, {"year": 2020}).content.decode()

    with django_assert_num_queries(12):  # 10, the user's columns, the report filter's counts
        assert len(records(client.get(url, {"sort": "-period"}))) == 3
    for year in range(2020, 2025):
        for org in (tree.a1, tree.a2):
            for quarter in (1, 2, 3):
                create(report=quarterly, organization=org, year=year, quarter=quarter,
                       submitted_on=D(year, quarter * 3, 25))
    with django_assert_num_queries(12):  # 10, the user's columns, the report filter's counts
        assert len(records(client.get(url, {"sort": "-period"}))) == 33


def test_the_document_grid_filters_orders_and_costs_the_same_queries_for_3_or_30_cells(
        tree, personas, client, django_assert_num_queries):
    from organizations.choices import OrgKind
    from organizations.services import organization_create

    yearly = list(RequiredDocument.objects.filter(cadence="year"))
    services.document_checklist_save(organization=tree.a1_2, year=2024, entries={yearly[0]: (D(2024, 1, 10), "")})
    client.force_login(personas.committee_staff)
    url = reverse("records:document_list")

    def cells(params):
        return [c.name for c in records(client.get(url, params))]

    assert cells({"year": 2024}) == ["Chi bộ A1-1", "Chi bộ A1-2", "Chi bộ Sở A2"]  # tree order
    assert cells({"year": 2024, "sort": "-name"}) == ["Chi bộ Sở A2", "Chi bộ A1-2", "Chi bộ A1-1"]
    assert cells({"year": 2024, "organization": tree.a1.pk, "sort": "-name"}) == ["Chi bộ A1-2", "Chi bộ A1-1"]
    assert cells({"year": 2019}) == []  # the tree was founded in 2020
    assert cells({"year": "abc"}) == cells({}) == ["Chi bộ A1-1", "Chi bộ A1-2", "Chi bộ Sở A2"]  # this year
    grid = client.get(url, {"year": 2024})
    assert [r["cell"].name for r in grid.context["rows"]] == ["Chi bộ A1-1", "Chi bộ A1-2", "Chi bộ Sở A2"]
    assert "1/5" in grid.content.decode()

    with django_assert_num_queries(11):
        assert len(records(client.get(url, {"year": 2024, "sort": "name"}))) == 3
    for n in range(27):
        organization_create(name=f"Chi bộ thêm {n:02d}", kind=OrgKind.SUB_CELL, parent=tree.a1,
                            founded_on=D(2021, 1, 1))
    with django_assert_num_queries(11):
        assert len(records(client.get(url, {"year": 2024, "sort": "name"}))) == 30
