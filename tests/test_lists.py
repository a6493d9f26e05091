"""Lists like the tools staff know (issue 20, item 7): columns chosen and remembered per user, the export of
exactly the filtered list, counts in the filters, sorting only where an index serves it, and the bulk
actions (transfer the ticked members, mark the ticked reports received), all or nothing."""

from __future__ import annotations

import datetime as dt
import importlib
import io

import pytest
from django.db import connection
from openpyxl import load_workbook

from core.lists import ListTable
from core.models import ListPreference
from members.register.models import Member, MembershipPeriod
from tests.factories import make_member
from tests.lists import records

pytestmark = pytest.mark.django_db

MEMBERS = "/members/"
TABLE_MODULES = ["core.tables", "meetings.tables", "targets.records.tables", "inspections.tables",
                 "members.register.tables", "members.ratings.tables", "members.admissions.tables",
                 "organizations.tables", "reports.tables"]


def headers(response) -> list[str]:
    return [c.name for c in response.context["table"].columns if c.visible]


def choose(client, key, columns, next_url):
    return client.post(f"/lists/{key}/preference/", {"columns": columns, "next": next_url})


# --- Columns chosen, per user ------------------------------------------------------------------------------

def test_the_columns_a_user_chooses_are_kept_for_that_user_only(client_for, personas, tree):
    make_member(tree.a1_1, phone="0912345678", job_title="Chuyên viên")
    staff = client_for("committee_staff")
    before = headers(staff.get(MEMBERS))
    assert "phone" not in before and "birth_date" in before and "selected" in before

    response = choose(staff, "members", ["cell", "phone"], MEMBERS + "?gender=male")
    assert response.status_code == 302 and response.url == MEMBERS + "?gender=male"
    assert ListPreference.objects.get(user=personas.committee_staff, key="members").columns == ["cell", "phone"]
    page = staff.get(MEMBERS)
    assert headers(page) == ["selected", "full_name", "cell", "phone"]
    assert "0912345678" in page.content.decode()

    # Another user keeps the default.
    assert headers(client_for("grassroots_officer").get(MEMBERS)) == before
    # A forged name changes nothing beyond the list's own columns; "Default" forgets the choice.
    choose(client_for("committee_staff"), "members", ["citizen_id", "cell"], MEMBERS)
    assert headers(staff.get(MEMBERS)) == ["selected", "full_name", "cell"]
    staff.post("/lists/members/preference/", {"reset": "1", "next": MEMBERS})
    assert not ListPreference.objects.filter(user=personas.committee_staff).exists()
    assert headers(staff.get(MEMBERS)) == before


def test_a_user_without_the_right_to_change_members_has_no_boxes(client_for, tree):
    make_member(tree.a1_1)
    assert "selected" not in headers(client_for("leadership").get(MEMBERS))
    assert "selected" in headers(client_for("grassroots_officer").get(MEMBERS))


# --- Counts in the filters ---------------------------------------------------------------------------------

def _labels(response, name):
    return {value: str(label) for value, label in response.context["filterset"].form.fields[name].choices}


def test_every_choice_filter_counts_its_rows_with_the_other_filters_applied(client_for, tree):
    make_member(tree.a1_1, gender="male", professional_level="university")
    make_member(tree.a1_1, gender="male", professional_level="master")
    make_member(tree.a1_2, gender="female", professional_level="university")
    make_member(tree.b1, gender="female")  # outside committee staff's scope (bloc A): never counted
    staff = client_for("committee_staff")
    # Off by default on the member list (500,000 members), then on for this user.
    assert "(2)" not in _labels(staff.get(MEMBERS), "gender")["male"]
    staff.post("/lists/members/preference/", {"counts": "on", "next": MEMBERS})

    plain = staff.get(MEMBERS)
    assert _labels(plain, "gender")["male"].endswith("(2)") and _labels(plain, "gender")["female"].endswith("(1)")
    assert _labels(plain, "professional_level")["university"].endswith("(2)")
    assert _labels(plain, "status")["full"].endswith("(3)") and _labels(plain, "status")["probationary"].endswith("(0)")

    # Filtered to men: the gender filter still counts both genders (its own condition left out); the
    # others count men only.
    men = staff.get(MEMBERS + "?gender=male")
    assert _labels(men, "gender")["female"].endswith("(1)")
    assert _labels(men, "professional_level")["university"].endswith("(1)")
    assert _labels(men, "professional_level")["master"].endswith("(1)")
    assert len(records(men)) == 2


def test_other_lists_count_by_default(client_for, tree):
    from targets.records.models import PeriodicReport
    from targets.records.services import report_submission_create

    quarterly = PeriodicReport.objects.get(code="degradation-quarterly")
    for q in (1, 2):
        report_submission_create(report=quarterly, organization=tree.a1, year=2024, quarter=q,
                                 submitted_on=dt.date(2024, q * 3, 15))
    response = client_for("committee_staff").get("/records/submissions/")
    field = response.context["filterset"].form.fields["report"]
    labels = {obj.pk: field.label_from_instance(obj) for obj in field.queryset}
    assert labels[quarterly.pk].endswith("(2)")
    assert all(label.endswith("(0)") for pk, label in labels.items() if pk != quarterly.pk)


# --- Export of exactly the filtered list ---------------------------------------------------------------------

def test_the_export_holds_the_filtered_rows_in_the_shown_columns(client_for, tree):
    from members.register.services import status_period_add

    kept = make_member(tree.a1_1, full_name="Lê Văn Giữ")
    other = make_member(tree.a1_2, full_name="Trần Thị Khác")
    outside = make_member(tree.b1, full_name="Phạm Văn Ngoài")
    status_period_add(member=kept, kind="exempted", start=dt.date(2024, 1, 1), end=None, reason="Tuổi cao")
    status_period_add(member=other, kind="sick_leave", start=dt.date(2024, 2, 1), end=dt.date(2024, 3, 1),
                      reason="Ốm")
    status_period_add(member=outside, kind="exempted", start=dt.date(2024, 1, 1), end=None, reason="Tuổi cao")
    staff = client_for("committee_staff")
    choose(staff, "status_periods", ["kind", "start"], "/members/status/")

    response = staff.get("/members/status/?kind=exempted&export=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [tuple(c.value for c in row) for row in sheet.iter_rows()]
    page = staff.get("/members/status/?kind=exempted")
    assert [r.member.full_name for r in records(page)] == ["Lê Văn Giữ"]
    assert len(rows) == 2 and rows[1][0] == "Lê Văn Giữ"  # the list's one row, not the other kind or bloc B
    assert len(rows[0]) == 3  # the member, then the two chosen columns
    assert rows[1][2] in (dt.datetime(2024, 1, 1), dt.date(2024, 1, 1))


# --- Sorting only where an index serves it ------------------------------------------------------------------

def _indexed_columns() -> set[tuple[str, str]]:
    """(table, column) pairs that lead a btree index or a unique constraint, read from PostgreSQL itself."""
    with connection.cursor() as cur:
        cur.execute("""
            SELECT t.relname, a.attname FROM pg_index i
              JOIN pg_class t ON t.oid = i.indrelid JOIN pg_class ix ON ix.oid = i.indexrelid
              JOIN pg_am am ON am.oid = ix.relam
              JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = i.indkey[0]
             WHERE am.amname = 'btree' AND i.indpred IS NULL AND i.indexprs IS NULL""")
        return set(cur.fetchall())


def _sort_column(model, key: str):
    parts = key.lstrip("-").replace(".", "__").split("__")
    for name in parts[:-1]:
        model = model._meta.get_field(name).related_model
    try:
        field = model._meta.get_field(parts[-1])
    except Exception:
        return None  # an annotation: computed, never indexed
    return model._meta.db_table, field.column


def _all_tables():
    for name in TABLE_MODULES:
        importlib.import_module(name)
    found, todo = [], list(ListTable.__subclasses__())
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        if cls._meta.model is not None:
            found.append(cls)
    return found


def _instance(cls):
    kwargs = {}
    if cls.__name__ == "ProbationTable":
        kwargs["today"] = dt.date(2025, 1, 1)
    if cls.__name__ == "DocumentTable":
        kwargs.update(year=2025, documents=[])
    return cls(cls._meta.model.objects.none(), **kwargs)


def test_a_column_sorts_if_and_only_if_an_index_leads_with_its_sort_key():
    indexed = _indexed_columns()
    tables = _all_tables()
    assert len(tables) >= 15
    wrong = []
    for cls in tables:
        table = _instance(cls)
        model = cls._meta.model
        for bound in table.columns.all():
            keys = list(bound.column.order_by) if bound.column.order_by else [str(bound.accessor)]
            column = _sort_column(model, keys[0])
            has_index = column in indexed
            if bound.orderable and not has_index:
                wrong.append(f"{cls.__name__}.{bound.name} sorts by {keys[0]} without an index")
            if has_index and not bound.orderable and bound.column.orderable is not False:
                wrong.append(f"{cls.__name__}.{bound.name} has an index but does not sort")
    assert wrong == []
    # And the member list's main orders are among them.
    members = _instance(next(c for c in tables if c.__name__ == "MemberTable"))
    assert members.columns["full_name"].orderable and members.columns["birth_date"].orderable
    assert not members.columns["gender"].orderable


def test_a_sort_on_a_column_without_an_index_is_ignored(client_for, tree):
    make_member(tree.a1_1, full_name="An", birth_date=dt.date(1990, 1, 1), gender="male")
    make_member(tree.a1_1, full_name="Bình", birth_date=dt.date(1980, 1, 1), gender="female")
    staff = client_for("committee_staff")
    assert [m.full_name for m in records(staff.get(MEMBERS + "?sort=birth_date"))] == ["Bình", "An"]
    assert [m.full_name for m in records(staff.get(MEMBERS + "?sort=-gender"))] == ["An", "Bình"]  # by name


# --- Bulk transfer -----------------------------------------------------------------------------------------

def _transfer(client, members, to_cell, day="01/03/2025", **extra):
    return client.post("/members/transfer/", {"selected": [m.pk for m in members], "confirm": "1",
                                              "to_cell": to_cell.pk, "date": day, "reason": "moved", "note": "",
                                              **extra})


def test_the_ticked_members_move_together_after_one_confirmation(client_for, tree):
    first, second = make_member(tree.a1_1), make_member(tree.a2)
    staying = make_member(tree.a1_1)
    staff = client_for("committee_staff")
    confirm = staff.get("/members/transfer/", {"selected": [first.pk, second.pk], "back": "gender=male"})
    assert confirm.status_code == 200
    assert [m.pk for m in confirm.context["members"]] == sorted([first.pk, second.pk],
                                                                  key=lambda pk: Member.objects.get(pk=pk).full_name)
    assert Member.objects.get(pk=first.pk).cell_id == tree.a1_1.pk  # the GET moved nobody
    unconfirmed = _transfer(staff, [first, second], tree.a1_2, confirm="yes")  # not the page's button
    assert unconfirmed.status_code == 200 and not Member.objects.filter(cell=tree.a1_2).exists()

    response = _transfer(staff, [first, second], tree.a1_2)
    assert response.status_code == 302
    assert set(Member.objects.filter(cell=tree.a1_2).values_list("pk", flat=True)) == {first.pk, second.pk}
    assert Member.objects.get(pk=staying.pk).cell_id == tree.a1_1.pk
    for member, old in ((first, tree.a1_1), (second, tree.a2)):
        periods = list(MembershipPeriod.objects.filter(member=member).order_by("valid"))
        assert [(p.cell_id, p.valid.lower, p.valid.upper) for p in periods] == [
            (old.pk, dt.date(2020, 1, 1), dt.date(2025, 3, 1)), (tree.a1_2.pk, dt.date(2025, 3, 1), None)]


def test_one_refusal_moves_nobody(client_for, tree):
    early, late = make_member(tree.a1_1), make_member(tree.a2, start=dt.date(2025, 6, 1))
    staff = client_for("committee_staff")
    response = _transfer(staff, [early, late], tree.a1_2, day="01/03/2025")
    assert response.status_code == 200
    assert late.full_name in response.content.decode()  # the member the date does not fit is named
    assert Member.objects.filter(cell=tree.a1_2).count() == 0
    assert MembershipPeriod.objects.filter(member=early).count() == 1


def test_the_bulk_transfer_checks_every_member(client_for, tree):
    mine, theirs = make_member(tree.a1_1), make_member(tree.b1)
    # Not visible to committee staff of bloc A: the whole request is sent back to the list.
    response = _transfer(client_for("committee_staff"), [mine, theirs], tree.a1_2)
    assert response.status_code == 302 and response.url.startswith(MEMBERS)
    assert Member.objects.get(pk=mine.pk).cell_id == tree.a1_1.pk
    # Visible but not changeable by the cell secretary; leadership may not change members at all.
    assert _transfer(client_for("cell_secretary"), [mine], tree.a1_2).status_code == 403
    assert _transfer(client_for("leadership"), [mine], tree.a1_2).status_code == 403
    assert Member.objects.get(pk=mine.pk).cell_id == tree.a1_1.pk


# --- Mark the ticked reports received --------------------------------------------------------------------

def test_the_ticked_owed_reports_are_marked_received(client_for, tree):
    from targets.records.models import PeriodicReport, ReportSubmission
    from targets.records.services import report_submission_create

    quarterly = PeriodicReport.objects.get(code="degradation-quarterly")
    report_submission_create(report=quarterly, organization=tree.b1, year=2024, quarter=2,
                             submitted_on=dt.date(2024, 6, 10))
    staff = client_for("committee_staff")
    query = {"report": quarterly.pk, "year": 2024, "quarter": 2}
    owed = staff.get("/records/submissions/owed/", query)
    # The TCCSĐ of bloc A: Đảng bộ Sở A1 and Chi bộ Sở A2 (the sub cells and the bloc itself owe nothing).
    assert [o.pk for o in records(owed)] == [tree.a1.pk, tree.a2.pk]

    refused = staff.post("/records/submissions/owed/", {**query, "selected": [tree.a1.pk, tree.a2.pk],
                                                        "submitted_on": "01/01/2024"})  # before the quarter
    assert refused.status_code == 200 and ReportSubmission.objects.filter(year=2024, quarter=2).count() == 1

    done = staff.post("/records/submissions/owed/", {**query, "selected": [tree.a1.pk, tree.a2.pk],
                                                     "submitted_on": "25/06/2024", "reference": "15-BC/ĐU"})
    assert done.status_code == 302
    rows = ReportSubmission.objects.filter(year=2024, quarter=2, report=quarterly).exclude(organization=tree.b1)
    assert sorted((s.organization_id, s.submitted_on, s.reference) for s in rows) == sorted([
        (tree.a1.pk, dt.date(2024, 6, 25), "15-BC/ĐU"), (tree.a2.pk, dt.date(2024, 6, 25), "15-BC/ĐU")])
    assert records(staff.get("/records/submissions/owed/", query)) == []


def test_marking_received_needs_the_right_to_record(client_for, tree):
    from targets.records.models import PeriodicReport, ReportSubmission

    quarterly = PeriodicReport.objects.get(code="degradation-quarterly")
    payload = {"report": quarterly.pk, "year": 2024, "quarter": 2, "selected": [tree.a1.pk],
               "submitted_on": "25/06/2024"}
    assert client_for("leadership").post("/records/submissions/owed/", payload).status_code == 403
    # The outsider records reports, but A1 is not among its rows.
    assert client_for("outsider").post("/records/submissions/owed/", payload).status_code == 200
    assert not ReportSubmission.objects.exists()
