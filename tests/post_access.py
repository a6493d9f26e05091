"""Who may change what by POST: every data-changing URL name of the project is registered here, and
tests/test_post_walk.py POSTs to every URL name of the project (the enumeration of test_url_access.py, same
SKIP rules) as every persona and anonymously, with a valid CSRF token, each request in a transaction rolled
back afterwards, comparing a snapshot of the database (every table's row count and an md5 of its rows)
before and after.

For a URL registered here:
- a refused request must answer its expected status (403 for an action the role does not allow, 404 for an
  object outside the persona's scope, 200 when the page opens but the form refuses what the persona may not
  choose, 302 to the login page for anonymous visitors) AND leave the database unchanged;
- an allowed request must answer its expected status (usually 302 to the saved object) AND change the
  database, so the payload is proven valid and the refusals are refusals of permission, not of bad input.

A URL NOT registered here must leave the database unchanged for everyone who POSTs to it (a read-only page
that answers POST like GET, or 405). So a new data-changing URL fails the walk until it is registered here.

The expected statuses are derived from the role table (organizations/permissions.py ROLE_PERMISSIONS) and the
GET classification of tests/url_access.py, by reasoning about who may do what where:

    administrator       province       everything (roles included)
    committee_staff     bloc A         tree, members, ratings, meetings, admissions, targets, records
    inspection_staff    bloc A         view + inspections and discipline
    grassroots_officer  A1             members, ratings (propose, decide members), meetings, admissions, records
    cell_secretary      A1-1           view, propose ratings, meetings, records
    leadership          bloc A         view only
    outsider            bloc B         committee staff, but of bloc B: A's objects do not exist for it
    no_role             —              nothing

The objects acted on are those of tests/url_access.py (world of tests/test_url_access.py: cell A1-1 with
world.member and world.meeting, the mass organization of A1, the cell secretary's assignment …), or created on
demand by the builders below when an action needs a particular state (an empty cell to dissolve, a candidate
ready to be admitted …). Payload builders run once per URL, before the snapshot; uploaded files are sent
afresh for each persona."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field

from tests.factories import baseline_data
from tests.url_access import (
    ADMISSION_RUNNERS,
    IN_SCOPE,
    MEETING_EDITORS,
    MEMBER_EDITORS,
    RATING_ENTRY,
    ROLE_MANAGERS,
    TREE_EDITORS,
    VIEWERS,
    candidate_in_a1_1,
    import_run_of_grassroots_officer,
    inspection_of_member,
    member_in_a1_1,
    org,
    phu_tho_rubric_pk,
    rating_grid_of_a1_1,
    recognition_of_a1_1,
    status_period_of_member,
)
from tests.url_access_records import REPORTERS, figure_of_a1, model_of_a1_1, submission_of_a1
from tests.url_access_targets import (
    BESIDE,
    TARGET_EDITORS,
    bloc_a_resolution,
    resolution_measuring,
    resolution_pk,
    target_pk,
)

ANONYMOUS = "anonymous"
OUT_OF_SCOPE = {"outsider": 404, "no_role": 404}
INSPECTION_EDITORS = frozenset({"administrator", "inspection_staff"})
D = dt.date


@dataclass(frozen=True)
class Post:
    ok: frozenset[str]  # personas ("anonymous" included) whose POST succeeds and changes the database
    payload: Callable  # world -> dict of form data (files as SimpleUploadedFile), built once before the snapshot
    kwargs: Callable | None = None  # world -> URL kwargs; None: those of tests/url_access.py
    ok_status: int = 302
    denied: int = 403  # status for the personas not in ok
    denied_overrides: dict = field(default_factory=dict)  # persona -> status when it differs from ``denied``
    anonymous: int = 302  # status for anonymous visitors when not in ok (302: sent to the login page)
    # A two-step upload (preview, then confirm): ``preview`` (world -> dict, the file) is POSTed first by the same
    # client, and the main POST confirms the token the preview left in the session under ``session_key``.
    preview: Callable | None = None
    session_key: str = ""


def _d(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _upload(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content,
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


# --- Site-wide ------------------------------------------------------------------------------------------

def login_payload(w):
    from tests.conftest import PASSWORD

    return {"username": w.personas.no_role.username, "password": PASSWORD}


def password_payload(w):
    from tests.conftest import PASSWORD

    return {"old_password": PASSWORD, "new_password1": "Đổi-mật-khẩu-2027!", "new_password2": "Đổi-mật-khẩu-2027!"}


def notification_of_cell_secretary(w):
    from core.models import Notification

    note = Notification.objects.create(user=w.personas.cell_secretary, key="post-walk", title="Nhắc họp chi bộ",
                                       link="/meetings/")
    return {"pk": note.pk}


# --- Organizations --------------------------------------------------------------------------------------

def partial_committee_in_a1(w):
    """A đảng bộ bộ phận under A1: somewhere cell A1-1 may be moved to within bloc A."""
    from organizations.choices import OrgKind
    from organizations.services import organization_create
    from tests.conftest import FOUNDED

    return organization_create(name="Đảng bộ bộ phận A1-P", kind=OrgKind.PARTIAL_COMMITTEE, parent=w.tree.a1,
                               founded_on=FOUNDED)


def move_payload(w):
    return {"new_parent": partial_committee_in_a1(w).pk, "date": "01/02/2025", "decision": "05-QĐ/ĐU",
            "confirm": "on"}


def split_payload(w):
    return {"parts": "Chi bộ A1-1a\nChi bộ A1-1b", "date": "01/02/2025", f"member_{w.member.pk}": "2",
            "confirm": "on"}


MASS_ORG = {"name": "Đoàn Thanh niên Sở A1", "kind": "youth_union", "level": "grassroots", "active": "on"}


# --- Members ----------------------------------------------------------------------------------------------

def member_create_payload(w):
    return {"cell": w.tree.a1_1.pk, "start_date": "01/06/2024", "start_reason": "admitted",
            "full_name": "Đỗ Minh Quân", "gender": "male", "birth_date": "15/08/1995", "ethnicity": "Kinh",
            "religion": "none", "citizen_id": "", "party_card_number": "", "admission_date": "01/06/2024",
            "full_membership_date": "", "professional_level": "university", "political_theory": "elementary",
            "job_title": "", "phone": ""}


def member_edit_payload(w):
    m = w.member
    m.refresh_from_db()
    return {"full_name": m.full_name, "gender": m.gender, "birth_date": _d(m.birth_date), "ethnicity": m.ethnicity,
            "religion": m.religion, "citizen_id": m.citizen_id or "", "party_card_number": m.party_card_number or "",
            "admission_date": _d(m.admission_date), "full_membership_date": _d(m.full_membership_date),
            "professional_level": m.professional_level, "political_theory": m.political_theory,
            "job_title": "Phó phòng", "phone": m.phone, "version": m.version}


def import_file(w):
    """The register's import template with its example row replaced by one member of cell A1-1."""
    from openpyxl import load_workbook

    from members.register import excel

    buffer = io.BytesIO()
    excel.build_template(buffer, user=w.personas.administrator)
    wb = load_workbook(io.BytesIO(buffer.getvalue()))
    ws = wb.worksheets[0]
    ws.delete_rows(2)
    row = {"full_name": "Nguyễn Văn Nhập", "gender": "Nam", "birth_date": "01/02/1990", "ethnicity": "Kinh",
           "religion": "Không", "admission_date": D(2015, 5, 19), "full_membership_date": "19/05/2016",
           "professional_level": "Đại học", "political_theory": "Trung cấp", "cell_name": w.tree.a1_1.name,
           "start_date": D(2021, 1, 1)}
    for column, spec in enumerate(excel.IMPORT_COLUMNS, start=1):
        ws.cell(row=2, column=column, value=row.get(spec.key))
    out = io.BytesIO()
    wb.save(out)
    return {"action": "preview", "start_reason": "recorded", "file": _upload("dang-vien.xlsx", out.getvalue())}


# --- Meetings ---------------------------------------------------------------------------------------------

def meeting_data(w, day: dt.date, **extra):
    return {"date": _d(day), "start_time": "08:00", "end_time": "09:45", "kind": "regular", "format": "in_person",
            "conclusions": "Hoàn thành nhiệm vụ tháng.", "agenda": ["dues", "review"],
            f"att_{w.member.pk}": "present", f"reason_{w.member.pk}": "", **extra}


RUBRIC = {"name": "Bộ tiêu chí thử", "criteria": "Chuẩn bị | Họp chi ủy | 30\nTiến hành | Đúng giờ | 70",
          "levels": "Tốt | 90\nĐạt | 50\nKhông đạt | 0", "year_rules": "Tốt | Đạt | Tốt | 6"}


# --- Admissions -------------------------------------------------------------------------------------------

def ready_candidate_in_a1_1(w):
    """A candidate of A1-1 who passed every stage up to the admission decision (02/10/2023), two sponsors."""
    from tests.test_admissions_rules import ready_candidate

    return {"pk": ready_candidate(w.tree.a1_1, full_name="Quần chúng Sẵn Sàng").pk}


def probationer_in_a1_1(w):
    """A candidate of A1-1 admitted on 20/10/2023, whose probation ended on 20/10/2024 undecided."""
    from members.admissions.services import candidate_admit
    from tests.test_admissions_rules import ready_candidate

    candidate = ready_candidate(w.tree.a1_1, full_name="Dự bị Thử")
    candidate_admit(candidate=candidate, ceremony_date=D(2023, 10, 20))
    return {"pk": candidate.pk}


def candidate_payload(w, **extra):
    return {"cell": w.tree.a1_1.pk, "full_name": "Trần Thị Mai", "gender": "female", "birth_date": "08/03/1999",
            "ethnicity": "Kinh", "youth_union": "on", **extra}


def stage_payload(w):
    from members.admissions.choices import StageCode
    from members.admissions.models import AdmissionStage

    return {"stage": AdmissionStage.objects.get(code=StageCode.OUTSTANDING).pk, "date": "01/03/2024"}


# --- Ratings ----------------------------------------------------------------------------------------------

def member_grid_payload(w):
    from members.ratings.forms import input_name
    from members.ratings.services import member_grid

    grid = member_grid(organization=w.tree.a1_1, year=2024)
    return {"grid_version": grid.version, input_name(w.member.pk, "proposed_level"): "HTT"}


def grid_upload_file(w):
    """The grid's Excel template of A1-1 for 2024 with world.member proposed HTT."""
    from django.utils.translation import override
    from openpyxl import load_workbook

    from members.ratings import excel as rating_excel
    from members.ratings.services import member_grid

    buffer = io.BytesIO()
    rating_excel.build_grid_template(buffer, member_grid(organization=w.tree.a1_1, year=2024))
    wb = load_workbook(io.BytesIO(buffer.getvalue()))
    ws = wb.worksheets[0]
    with override(rating_excel.SPREADSHEET_LANGUAGE):
        header = next(c for c in rating_excel.COLUMNS if c.key == "proposed_level").header(2024)
    column = next(cell.column for cell in ws[1] if cell.value == header)
    ws.cell(row=2, column=column, value="HTT")
    out = io.BytesIO()
    wb.save(out)
    return {"action": "preview", "file": _upload("xep-loai.xlsx", out.getvalue())}


def bloc_a_party_grid(w):
    return {"committee_pk": w.tree.bloc_a.pk, "kind": "party_org", "year": 2024}


def organization_grid_payload(w):
    from members.ratings.forms import input_name
    from members.ratings.services import organization_grid

    grid = organization_grid(committee=w.tree.bloc_a, kind="party_org", year=2024)
    return {"grid_version": grid.version, input_name(f"o{w.tree.a1.pk}", "proposed_level"): "HTT"}


# --- Inspections ------------------------------------------------------------------------------------------

def inspection_payload(w, **extra):
    return {"activity": "supervision", "kind": "thematic_supervision", "conducting_body": w.tree.a1.pk,
            "charter_article": "30", "decision_number": "GS-07", "decision_date": "2024-06-01",
            "members": [w.member.pk], "organizations": [w.tree.a1_1.pk], "start_date": "2024-06-10",
            "conclusion": "none", "follow_up": "none", **extra}


def inspection_edit_payload(w):
    return {"activity": "inspection", "kind": "violation_signs", "conducting_body": w.tree.a1.pk,
            "charter_article": "30", "decision_number": "01-QĐ/ĐU", "decision_date": "2024-04-01",
            "members": [w.member.pk], "start_date": "2024-04-01", "conclusion": "shortcomings",
            "conclusion_text": "Kết luận đã sửa", "follow_up": "pending", "follow_up_due": "2024-12-31",
            "version": 1}


def discipline_payload(w):
    return {"member": w.member.pk, "form": "warning", "violation_year": 2024, "decision_number": "10-QĐ/ĐU",
            "decision_date": "2024-09-01", "deciding_body": w.tree.a1.pk}


# --- Targets ----------------------------------------------------------------------------------------------

def resolution_payload(w):
    r = bloc_a_resolution(w)
    return {"number": r.number, "kind": r.kind, "title": "Nghị quyết thử (sửa)", "issuer_name": r.issuer_name,
            "issuing_body": r.issuing_body_id or "", "issued_on": "", "start_year": r.start_year,
            "end_year": r.end_year, "scope": r.scope_id, **baseline_data([])}


def target_payload(w):
    t = bloc_a_resolution(w).targets.get()

    def number(value):
        return "" if value is None else str(value).replace(".", ",")

    return {"short_text": "Chỉ tiêu thử (sửa)", "clause": t.clause, "comparator": t.comparator,
            "lower": number(t.lower), "upper": number(t.upper), "unit": t.unit, "periodicity": t.periodicity,
            "start_year": "", "end_year": "", "active": "on", "applies_to": t.applies_to,
            "p_levels": t.params["levels"]}


def resolution_create_payload(w):
    return {"code": "moi-khoi-a", "number": "09-NQ/ĐUK", "kind": "resolution", "title": "Nghị quyết mới",
            "issuer_name": "Đảng ủy Khối A", "issuing_body": "", "issued_on": "", "start_year": 2026,
            "end_year": 2026, "scope": w.tree.bloc_a.pk, "source_text": "",
            **baseline_data([("01/01/2026", "members", "", "120")])}


def resolution_copy_payload(w):
    return {"code": "sao-khoi-a", "number": "10-NQ/ĐUK", "title": "Nghị quyết năm sau", "issued_on": "",
            "start_year": 2026, "end_year": 2030, "scope": w.tree.bloc_a.pk}


def target_create_payload(w):
    return {**target_payload(w), "code": "TKA-MOI", "family": "R-mem"}


def _second_target(w):
    """A second target of bloc A's resolution (created on first use), so moving it up changes the order."""
    from targets.engine.models import Target

    resolution = bloc_a_resolution(w)
    first = resolution.targets.order_by("order", "code").first()
    second, _created = Target.objects.get_or_create(resolution=resolution, code="TKA-2", defaults={
        "order": first.order + 1, "family": first.family, "params": first.params, "short_text": "Chỉ tiêu thứ hai",
        "clause": first.clause, "comparator": first.comparator, "lower": first.lower, "unit": first.unit})
    return second


# --- Records ----------------------------------------------------------------------------------------------

def _indicator_pk():
    from targets.records.models import ReportIndicator

    return ReportIndicator.objects.get(code="staff_studied").pk


def _periodic_report_pk(code):
    from targets.records.models import PeriodicReport

    return PeriodicReport.objects.get(code=code).pk


def document_payload(w):
    from targets.records.models import RequiredDocument

    yearly = RequiredDocument.objects.filter(cadence="year")
    return {**{f"adopted_{d.pk}": "on" for d in yearly}, **{f"adopted_on_{d.pk}": "15/01/2024" for d in yearly}}


# --- Reports ----------------------------------------------------------------------------------------------

def year_report_of_a1(w):
    """A finished year-end report of Đảng bộ Sở A1 on bloc A's resolution (no file needed to mark it)."""
    from reports.models import ReportRun

    resolution = bloc_a_resolution(w)
    run = ReportRun.objects.create(kind="resolution_year", title="Báo cáo năm 2024", organization=w.tree.a1,
                                   parameters={"resolution": resolution.pk, "organization": w.tree.a1.pk,
                                               "year": 2024},
                                   formats="pdf", status="done", progress=100, document_number=1,
                                   document_reference="01-BC/ĐU")
    return {"pk": run.pk}


def draft_of_a1(w):
    """A finished draft (no number yet) of Đảng bộ Sở A1's composition report."""
    from reports.models import ReportRun

    run = ReportRun.objects.create(kind="composition", title="Cơ cấu đảng viên (dự thảo)", organization=w.tree.a1,
                                   parameters={"organization": w.tree.a1.pk, "day": "2024-12-31",
                                               "issued_on": "2025-01-15"},
                                   formats="pdf", status="done", progress=100)
    return {"pk": run.pk}


def failed_of_a1(w):
    """A run of Đảng bộ Sở A1's composition report that failed (its worker was lost)."""
    from reports.models import ReportRun

    run = ReportRun.objects.create(kind="composition", title="Cơ cấu đảng viên", organization=w.tree.a1,
                                   parameters={"organization": w.tree.a1.pk, "day": "2024-12-31",
                                               "issued_on": "2025-01-15"},
                                   formats="pdf", status="failed", error="Tiến trình xử lý bị dừng.")
    return {"pk": run.pk}


def mark_payload(w):
    from django.utils import timezone

    return {"mark-report": _periodic_report_pk("degradation-yearly"), "mark-year": timezone.localdate().year,
            "mark-quarter": 0}


def composition_report_payload(w):
    return {"kind": "composition", "organization": w.tree.a1.pk, "day": "31/12/2024", "formats": "pdf",
            "issued_on": "15/01/2025", "signer_title": "BÍ THƯ"}


# ----------------------------------------------------------------------------------------------------------

# The mass organization hangs on A1, above the cell secretary's cell: outside that persona's scope.
MASS_ORG_DENIED = {**OUT_OF_SCOPE, "cell_secretary": 404}
# Bloc A's party organizations are rated by bloc A: below it (A1, A1-1) bloc A does not exist.
BELOW_BLOC_A = {"grassroots_officer": 404, "cell_secretary": 404, **OUT_OF_SCOPE}

POSTS: dict[str, Post] = {
    # Logging in writes the user's last_login; a logged-in user is sent home without a change.
    "login": Post(ok=frozenset({ANONYMOUS}), payload=login_payload, denied=302),
    "password_change": Post(ok=VIEWERS | {"no_role"}, payload=password_payload),
    # A notification is its user's only: for everyone else it does not exist.
    "notification_read": Post(ok=frozenset({"cell_secretary"}), kwargs=notification_of_cell_secretary,
                              payload=lambda w: {}, denied=404),
    # Columns chosen for a list are the user's own row: every logged-in user keeps theirs.
    "list_preference": Post(ok=VIEWERS | {"no_role"}, kwargs=lambda w: {"key": "members"},
                            payload=lambda w: {"columns": ["gender", "cell"], "next": "/members/"}),

    # --- The tree (CHANGE_TREE: administrator, committee staff over bloc A) ---------------------------------
    # The outsider may create organizations, but only under bloc B: bloc A is not among its choices (200).
    "organizations:organization_create": Post(
        ok=TREE_EDITORS, denied_overrides={"outsider": 200},
        payload=lambda w: {"parent": w.tree.bloc_a.pk, "name": "Chi bộ Công ty Cà phê", "kind": "grassroots_cell",
                           "founded_on": "15/03/2022"}),
    "organizations:organization_edit": Post(
        ok=TREE_EDITORS, kwargs=org("a1_1"), denied_overrides=OUT_OF_SCOPE,
        payload=lambda w: {"short_name": "CB A1-1", "code": "A1-1", "notes": "Ghi chú thử"}),
    "organizations:organization_rename": Post(
        ok=TREE_EDITORS, kwargs=org("a1_1"), denied_overrides=OUT_OF_SCOPE,
        payload=lambda w: {"new_name": "Chi bộ Phòng Tổng hợp", "date": "01/02/2025", "confirm": "on"}),
    "organizations:organization_move": Post(ok=TREE_EDITORS, kwargs=org("a1_1"), denied_overrides=OUT_OF_SCOPE,
                                            payload=move_payload),
    # A1-2 has no member (an organization with members is not dissolved); it is outside the cell secretary's A1-1.
    "organizations:organization_dissolve": Post(
        ok=TREE_EDITORS, kwargs=org("a1_2"), denied_overrides={**OUT_OF_SCOPE, "cell_secretary": 404},
        payload=lambda w: {"date": "01/02/2025", "decision": "06-QĐ/ĐU", "confirm": "on"}),
    "organizations:organization_merge": Post(
        ok=TREE_EDITORS, kwargs=org("a1_1"), denied_overrides=OUT_OF_SCOPE,
        payload=lambda w: {"sources": [w.tree.a1_2.pk], "date": "01/02/2025", "confirm": "on"}),
    "organizations:organization_split": Post(ok=TREE_EDITORS, kwargs=org("a1_1"), denied_overrides=OUT_OF_SCOPE,
                                             payload=split_payload),
    "organizations:massorg_create": Post(ok=TREE_EDITORS, kwargs=org("a1"), denied_overrides=MASS_ORG_DENIED,
                                         payload=lambda w: MASS_ORG),
    "organizations:massorg_edit": Post(ok=TREE_EDITORS, kwargs=lambda w: {"pk": w.mass_org.pk},
                                       denied_overrides=MASS_ORG_DENIED,
                                       payload=lambda w: {**MASS_ORG, "name": "Công đoàn cơ sở Sở A1"}),
    # Roles (MANAGE_ROLES: administrators only). Assignments are listed only to those who manage them, so
    # for every other persona the cell secretary's assignment does not exist (404).
    "organizations:role_create": Post(
        ok=ROLE_MANAGERS,
        payload=lambda w: {"user": w.personas.no_role.pk, "role": "leadership", "organization": w.tree.bloc_b.pk}),
    "organizations:role_delete": Post(ok=ROLE_MANAGERS, kwargs=lambda w: {"pk": w.assignment.pk},
                                      payload=lambda w: {}, denied=404),
    "organizations:user_create": Post(
        ok=ROLE_MANAGERS,
        payload=lambda w: {"username": "bithu.moi", "full_name": "Lê Thị Hồng", "email": "",
                           "password": "Sinh-hoat-chi-bo-2026", "role": "cell_secretary",
                           "organization": w.tree.a2.pk}),

    # --- The register (CHANGE_MEMBERS: administrator, committee staff, grassroots officer of A1) ------------
    # The outsider changes members, but of bloc B: cell A1-1 is not among its choices (200; the import's
    # preview refuses the row and the confirmation finds nothing waiting: back to the upload page, 302).
    "members:member_create": Post(ok=MEMBER_EDITORS, denied_overrides={"outsider": 200},
                                  payload=member_create_payload),
    "members:member_import": Post(ok=MEMBER_EDITORS, denied_overrides={"outsider": 302}, preview=import_file,
                                  session_key="members_import", payload=lambda w: {"action": "commit"}),
    "members:member_edit": Post(ok=MEMBER_EDITORS, kwargs=member_in_a1_1, denied_overrides=OUT_OF_SCOPE,
                                payload=member_edit_payload),
    "members:member_transfer": Post(
        ok=MEMBER_EDITORS, kwargs=member_in_a1_1, denied_overrides=OUT_OF_SCOPE,
        payload=lambda w: {"to_cell": w.tree.a1_2.pk, "date": "01/02/2025", "reason": "moved", "note": ""}),
    # The bulk transfer: the outsider has CHANGE_MEMBERS but does not see the member (back to the list, 302).
    "members:member_transfer_selected": Post(
        ok=MEMBER_EDITORS, denied_overrides={"outsider": 302},
        payload=lambda w: {"selected": [w.member.pk], "confirm": "1", "to_cell": w.tree.a1_2.pk, "date": "01/02/2025",
                           "reason": "moved", "note": ""}),
    "members:member_leave": Post(
        ok=MEMBER_EDITORS, kwargs=member_in_a1_1, denied_overrides=OUT_OF_SCOPE,
        payload=lambda w: {"date": "01/02/2025", "reason": "resigned", "note": "Xin ra khỏi Đảng"}),

    "members:status_period_create": Post(
        ok=MEMBER_EDITORS, kwargs=member_in_a1_1, denied_overrides=OUT_OF_SCOPE,
        payload=lambda w: {"kind": "exempted", "start": "01/02/2025", "end": "", "decision": "12-QĐ/ĐU",
                           "decision_body": "Đảng ủy Sở A1", "reason": "Tuổi cao, sức yếu"}),
    "members:status_period_edit": Post(
        ok=MEMBER_EDITORS, kwargs=status_period_of_member, denied_overrides=OUT_OF_SCOPE,
        payload=lambda w: {"kind": "sick_leave", "start": "01/02/2024", "end": "15/03/2024", "decision": "",
                           "decision_body": "", "reason": "Ốm dài ngày"}),

    # --- Meetings (CHANGE_MEETINGS: administrator, committee staff, grassroots officer, cell secretary) -----
    # The cell is posted: for the outsider cell A1-1 does not exist.
    "meetings:meeting_create": Post(ok=MEETING_EDITORS, denied_overrides={"outsider": 404},
                                    payload=lambda w: meeting_data(w, D(2025, 1, 10), cell=w.tree.a1_1.pk)),
    "meetings:meeting_edit": Post(ok=MEETING_EDITORS, kwargs=lambda w: {"pk": w.meeting.pk},
                                  denied_overrides=OUT_OF_SCOPE,
                                  payload=lambda w: meeting_data(w, D(2024, 3, 15), version=1,
                                                                 conclusions="Biên bản đã sửa")),
    "meetings:meeting_delete": Post(ok=MEETING_EDITORS, kwargs=lambda w: {"pk": w.meeting.pk},
                                    denied_overrides=OUT_OF_SCOPE, payload=lambda w: {}),
    # Rubrics are shared data, created by whoever may change targets somewhere (the outsider too); choosing one
    # for bloc A needs CHANGE_TARGETS on bloc A (the outsider's form does not offer bloc A: 200).
    "meetings:rubric_create": Post(ok=TREE_EDITORS | {"outsider"}, payload=lambda w: RUBRIC),
    "meetings:rubric_detail": Post(ok=TREE_EDITORS, kwargs=lambda w: {"pk": phu_tho_rubric_pk()},
                                   denied_overrides={"outsider": 200},
                                   payload=lambda w: {"organization": w.tree.bloc_a.pk, "from_year": 2025}),

    # --- Admissions (RUN_ADMISSIONS: administrator, committee staff, grassroots officer) --------------------
    "admissions:candidate_create": Post(ok=ADMISSION_RUNNERS, denied_overrides={"outsider": 200},
                                        payload=candidate_payload),
    "admissions:candidate_edit": Post(ok=ADMISSION_RUNNERS, kwargs=candidate_in_a1_1, denied_overrides=OUT_OF_SCOPE,
                                      payload=lambda w: candidate_payload(w, full_name="Quần chúng Thử Sửa",
                                                                          birth_date="08/03/1998")),
    "admissions:stage_record": Post(ok=ADMISSION_RUNNERS, kwargs=candidate_in_a1_1, denied_overrides=OUT_OF_SCOPE,
                                    payload=stage_payload),
    "admissions:sponsor_add": Post(ok=ADMISSION_RUNNERS, kwargs=candidate_in_a1_1, denied_overrides=OUT_OF_SCOPE,
                                   payload=lambda w: {"member": w.member.pk, "date": "01/03/2024",
                                                      "worked_together_since": "01/01/2018"}),
    "admissions:candidate_admit": Post(ok=ADMISSION_RUNNERS, kwargs=ready_candidate_in_a1_1,
                                       denied_overrides=OUT_OF_SCOPE,
                                       payload=lambda w: {"ceremony_date": "20/10/2023"}),
    "admissions:probation_decide": Post(ok=ADMISSION_RUNNERS, kwargs=probationer_in_a1_1,
                                        denied_overrides=OUT_OF_SCOPE,
                                        payload=lambda w: {"outcome": "fit", "decided_on": "25/10/2024",
                                                           "decision": "NQ 7"}),

    # --- Ratings ------------------------------------------------------------------------------------------
    # Members of A1-1: proposals need PROPOSE_RATINGS on the cell (administrator, committee staff, grassroots
    # officer, cell secretary); inspection staff and leadership read the grid only (403).
    "ratings:member_grid": Post(ok=RATING_ENTRY, kwargs=rating_grid_of_a1_1, denied_overrides=OUT_OF_SCOPE,
                                payload=member_grid_payload),
    "ratings:member_grid_upload": Post(ok=RATING_ENTRY, kwargs=rating_grid_of_a1_1, denied_overrides=OUT_OF_SCOPE,
                                       preview=grid_upload_file, session_key="ratings_import",
                                       payload=lambda w: {"action": "commit"}),
    "ratings:member_not_rated": Post(ok=MEMBER_EDITORS, kwargs=lambda w: {"member_pk": w.member.pk, "year": 2024},
                                     denied_overrides=OUT_OF_SCOPE,
                                     payload=lambda w: {"action": "record", "reason": "Công tác dài hạn ở nước ngoài"}),
    # Recognitions (DECIDE_ORG_RATINGS): A1-1 is not among the outsider's choices (200, nothing saved).
    "ratings:recognition_create": Post(
        ok=TREE_EDITORS, denied_overrides={"outsider": 200},
        payload=lambda w: {"organization": w.tree.a1_2.pk, "year": "2024", "title": "four_good_cell",
                           "deciding_body": w.tree.a1.pk, "decision": "11-QĐ/ĐU"}),
    "ratings:recognition_edit": Post(
        ok=TREE_EDITORS, kwargs=recognition_of_a1_1, denied_overrides=OUT_OF_SCOPE,
        payload=lambda w: {"organization": w.tree.a1_1.pk, "year": "2024", "title": "four_good_cell",
                           "deciding_body": w.tree.a1.pk, "decision": "10-QĐ/ĐU (sửa)"}),
    # Bloc A's party organizations: proposing for A1 needs PROPOSE_RATINGS on A1 and deciding DECIDE_ORG_RATINGS
    # on bloc A; of those who see bloc A only the administrator and committee staff have either.
    "ratings:organization_grid": Post(ok=TREE_EDITORS, kwargs=bloc_a_party_grid, denied_overrides=BELOW_BLOC_A,
                                      payload=organization_grid_payload),

    # --- Inspections (CHANGE_INSPECTIONS: administrator, inspection staff of bloc A) ---------------------------
    "inspections:inspection_create": Post(ok=INSPECTION_EDITORS, payload=inspection_payload),
    "inspections:inspection_edit": Post(ok=INSPECTION_EDITORS, kwargs=inspection_of_member,
                                        denied_overrides=OUT_OF_SCOPE, payload=inspection_edit_payload),
    "inspections:discipline_create": Post(ok=INSPECTION_EDITORS, payload=discipline_payload),

    # --- Targets (CHANGE_TARGETS on bloc A: administrator, committee staff) -------------------------------
    # Bloc A's resolution is not seen below or beside bloc A (404); inspection staff and leadership see it (403).
    "targets:resolution_edit": Post(ok=TARGET_EDITORS, kwargs=resolution_pk, denied_overrides=BESIDE,
                                    payload=resolution_payload),
    "targets:target_edit": Post(ok=TARGET_EDITORS, kwargs=target_pk, denied_overrides=BESIDE,
                                payload=target_payload),
    # The outsider may create resolutions, but not of bloc A (not among its choices: 200, nothing saved).
    "targets:resolution_create": Post(ok=TARGET_EDITORS, denied_overrides={"outsider": 200},
                                      payload=resolution_create_payload),
    "targets:resolution_copy": Post(ok=TARGET_EDITORS, kwargs=resolution_pk, denied_overrides={"outsider": 404},
                                    payload=resolution_copy_payload),
    "targets:target_create": Post(ok=TARGET_EDITORS, kwargs=resolution_pk, denied_overrides=BESIDE,
                                  payload=target_create_payload),
    "targets:target_move": Post(ok=TARGET_EDITORS, kwargs=lambda w: {"pk": _second_target(w).pk},
                                denied_overrides=BESIDE, payload=lambda w: {"direction": "up"}),
    # Recomputing needs CHANGE_TARGETS somewhere (403 before anything else); the outsider has it, but bloc A's
    # resolution does not exist for it (404).
    "targets:recompute": Post(ok=TARGET_EDITORS, denied_overrides={"outsider": 404},
                              payload=lambda w: {"resolution": bloc_a_resolution(w).pk}),

    # --- Records (REPORT_FIGURES: administrator, committee staff, grassroots officer, cell secretary) -----------
    # Figures and submissions are reported by grassroots organizations (A1): the cell secretary, working in a
    # sub cell, and the outsider, working beside bloc A, do not have A1 among their choices (200).
    "records:figure_create": Post(
        ok=REPORTERS - {"cell_secretary"}, denied_overrides={"cell_secretary": 200, "outsider": 200},
        payload=lambda w: {"indicator": _indicator_pk(), "organization": w.tree.a1.pk, "year": 2024,
                           "numerator": 40, "denominator": 42, "note": "Hội nghị quán triệt"}),
    "records:figure_edit": Post(
        ok=REPORTERS - {"cell_secretary"}, kwargs=figure_of_a1,
        denied_overrides={**OUT_OF_SCOPE, "cell_secretary": 404},
        payload=lambda w: {"indicator": _indicator_pk(), "organization": w.tree.a1.pk, "year": 2024,
                           "numerator": 42, "denominator": 42}),
    "records:model_create": Post(
        ok=REPORTERS, denied_overrides={"outsider": 200},
        payload=lambda w: {"organization": w.tree.a1_1.pk, "year": 2024, "kind": "ho_chi_minh",
                           "name": "Mô hình “Chi bộ số”", "description": "", "recognised_by": ""}),
    "records:model_edit": Post(
        ok=REPORTERS, kwargs=model_of_a1_1, denied_overrides=OUT_OF_SCOPE,
        payload=lambda w: {"organization": w.tree.a1_1.pk, "year": 2024, "kind": "ho_chi_minh",
                           "name": "Mô hình “Dân vận khéo” (sửa)", "description": "", "recognised_by": ""}),
    "records:document_edit": Post(ok=REPORTERS, kwargs=lambda w: {"organization": w.tree.a1_1.pk, "year": 2024},
                                  denied_overrides=OUT_OF_SCOPE, payload=document_payload),
    "records:submission_create": Post(
        ok=REPORTERS - {"cell_secretary"}, denied_overrides={"cell_secretary": 200, "outsider": 200},
        payload=lambda w: {"report": _periodic_report_pk("degradation-quarterly"), "organization": w.tree.a1.pk,
                           "year": 2024, "quarter": 1, "submitted_on": "18/03/2024", "reference": "12-BC/ĐU"}),
    # Marking owed reports received: A1 is not among the cell secretary's or the outsider's rows (200, nothing
    # recorded); roles without REPORT_FIGURES are refused (403).
    "records:submission_owed": Post(
        ok=REPORTERS - {"cell_secretary"}, denied_overrides={"cell_secretary": 200, "outsider": 200},
        payload=lambda w: {"report": _periodic_report_pk("degradation-quarterly"), "year": 2024, "quarter": 2,
                           "selected": [w.tree.a1.pk], "submitted_on": "20/06/2024", "reference": "14-BC/ĐU"}),
    "records:submission_edit": Post(
        ok=REPORTERS - {"cell_secretary"}, kwargs=submission_of_a1,
        denied_overrides={**OUT_OF_SCOPE, "cell_secretary": 404},
        payload=lambda w: {"report": _periodic_report_pk("degradation-quarterly"), "organization": w.tree.a1.pk,
                           "year": 2024, "quarter": 1, "submitted_on": "20/03/2024", "reference": "13-BC/ĐU"}),

    # --- Reports --------------------------------------------------------------------------------------------
    # Starting a run records it (a ReportRun): like an export, every role may, about an organization it sees —
    # A1 is above the cell secretary's cell and beside the outsider's bloc, so not among their choices (200).
    "reports:run_create": Post(ok=IN_SCOPE - {"cell_secretary"},
                               denied_overrides={"cell_secretary": 200, "outsider": 200},
                               payload=composition_report_payload),
    # Issuing A1's draft gives it A1's next document number (ISSUE_REPORTS on A1: administrator, committee staff,
    # grassroots officer); leadership and inspection staff see the draft (403), the cell secretary does not (404).
    "reports:run_issue": Post(ok=frozenset({"administrator", "committee_staff", "grassroots_officer"}),
                              kwargs=draft_of_a1, denied_overrides={**OUT_OF_SCOPE, "cell_secretary": 404},
                              payload=lambda w: {}),
    # Starting A1's failed run again queues it (whoever may start a report about A1; the walk's transaction is
    # rolled back, so it is queued, not generated); the cell secretary and the outsider do not see it (404).
    "reports:run_retry": Post(ok=frozenset({"administrator", "committee_staff", "inspection_staff",
                                            "grassroots_officer", "leadership"}),
                              kwargs=failed_of_a1, denied_overrides={**OUT_OF_SCOPE, "cell_secretary": 404},
                              payload=lambda w: {}),
    # Marking A1's year-end report submitted records a submission of A1 (REPORT_FIGURES on A1).
    "reports:run_mark_submitted": Post(
        ok=REPORTERS - {"cell_secretary"}, kwargs=year_report_of_a1,
        denied_overrides={**OUT_OF_SCOPE, "cell_secretary": 404}, payload=mark_payload),
}


# --- Object-level scope of action views (issue 19) ------------------------------------------------------------
# An action view checks the object it acts on, not a permission held somewhere: each entry below acts on an
# object outside bloc A (bloc B's resolution and its runs, cell B1's reports) or on everything at once (a full
# recompute and its run), so bloc A's staff — who hold the very permission, but elsewhere — are refused, while the
# outsider (committee staff of bloc B) and the administrator of the province are not. A GET entry is a page of
# the object (run pages, downloads); a POST entry must also change the database exactly when allowed.

@dataclass(frozen=True)
class ObjectScope:
    name: str
    kwargs: Callable | None  # world -> URL kwargs
    ok: frozenset[str]
    method: str = "post"
    payload: Callable | None = None  # world -> dict (POST)
    ok_status: int = 302
    denied: int = 404
    denied_overrides: dict = field(default_factory=dict)

    def expected(self, persona: str) -> int:
        if persona in self.ok:
            return self.ok_status
        return self.denied_overrides.get(persona, self.denied)


def bloc_b_resolution(w):
    return resolution_measuring(w.tree.bloc_b, "thu-khoi-b", "02-NQ/ĐUK", "TKB-1")


def global_run(w):
    """A run of every target (a full recompute without a resolution): the administrators' only."""
    from targets.engine.models import RecomputeRun

    return {"pk": RecomputeRun.objects.create(kind="full", status="done", total=1, done=1).pk}


def bloc_b_run(w):
    from targets.engine.models import RecomputeRun

    run = RecomputeRun.objects.create(kind="full", resolution=bloc_b_resolution(w), status="done", total=1, done=1)
    return {"pk": run.pk}


def report_of_b1(w, kind="composition", *, draft=False, status="done"):
    """A finished report of cell B1 with a (tiny) PDF: beside bloc A, so bloc A's users do not see it."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from reports.models import ReportRun

    name = default_storage.save("reports/object-scope-b1.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    parameters = ({"resolution": bloc_b_resolution(w).pk, "organization": w.tree.b1.pk, "year": 2024}
                  if kind == "resolution_year" else {"organization": w.tree.b1.pk, "day": "2024-12-31"})
    run = ReportRun.objects.create(kind=kind, title="Báo cáo của Chi bộ Sở B1", organization=w.tree.b1,
                                   parameters=parameters, formats="pdf", status=status, progress=100, pdf_file=name,
                                   document_number=None if draft else 1, document_reference="" if draft else "01-BC/CB")
    return {"pk": run.pk}


_TARGETS_ELSEWHERE = {"committee_staff": 404}  # bloc A's target editors: bloc B's objects do not exist for them
# Those who hold no CHANGE_TARGETS anywhere are refused before the object is looked up (403).
_NO_TARGET_RIGHT = dict.fromkeys(("inspection_staff", "grassroots_officer", "cell_secretary", "leadership",
                                  "no_role"), 403)

OBJECT_SCOPE: list[ObjectScope] = [
    # A full recompute rewrites every organization's figures: bloc A's and bloc B's staff alike are refused.
    ObjectScope("targets:recompute", None, ok=frozenset({"administrator"}), payload=lambda w: {}, denied=403),
    ObjectScope("targets:recompute", None, ok=frozenset({"administrator", "outsider"}),
                payload=lambda w: {"resolution": bloc_b_resolution(w).pk}, denied=403,
                denied_overrides=_TARGETS_ELSEWHERE),
    ObjectScope("targets:run_detail", global_run, ok=frozenset({"administrator"}), method="get", ok_status=200,
                denied_overrides={**_NO_TARGET_RIGHT, "outsider": 404}),
    ObjectScope("targets:run_progress", global_run, ok=frozenset({"administrator"}), method="get", ok_status=200,
                denied_overrides={**_NO_TARGET_RIGHT, "outsider": 404}),
    ObjectScope("targets:run_detail", bloc_b_run, ok=frozenset({"administrator", "outsider"}), method="get",
                ok_status=200, denied_overrides=_NO_TARGET_RIGHT),
    ObjectScope("targets:run_progress", bloc_b_run, ok=frozenset({"administrator", "outsider"}), method="get",
                ok_status=200, denied_overrides=_NO_TARGET_RIGHT),
    # Report runs are B1's: seen (and downloaded, and marked submitted) only by who sees B1.
    ObjectScope("reports:run_detail", report_of_b1, ok=frozenset({"administrator", "outsider"}), method="get",
                ok_status=200),
    ObjectScope("reports:run_progress", report_of_b1, ok=frozenset({"administrator", "outsider"}), method="get",
                ok_status=200),
    # An import in the worker is its requester's only, an administrator's included (core.views._import_run_for).
    ObjectScope("import_run_detail", import_run_of_grassroots_officer, ok=frozenset({"grassroots_officer"}),
                method="get", ok_status=200),
    ObjectScope("import_run_progress", import_run_of_grassroots_officer, ok=frozenset({"grassroots_officer"}),
                method="get", ok_status=200),
    ObjectScope("reports:run_download", lambda w: {**report_of_b1(w), "format": "pdf"},
                ok=frozenset({"administrator", "outsider"}), method="get", ok_status=200),
    ObjectScope("reports:run_issue", lambda w: report_of_b1(w, draft=True), ok=frozenset({"administrator", "outsider"}),
                payload=lambda w: {}),
    ObjectScope("reports:run_retry", lambda w: report_of_b1(w, status="failed"),
                ok=frozenset({"administrator", "outsider"}), payload=lambda w: {}),
    ObjectScope("reports:run_mark_submitted", lambda w: report_of_b1(w, "resolution_year"),
                ok=frozenset({"administrator", "outsider"}), payload=mark_payload),
]
