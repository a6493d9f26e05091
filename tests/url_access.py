"""Who may open which URL: every URL name of the project is classified here, and
tests/test_url_access.py requests each one as every persona. A new URL fails that test until it is
added below.

For each URL name: how to build its arguments from the test world (see ``world`` in
test_url_access.py), which personas get 200 on GET, and what the others get: 404 for an object outside
their scope (its existence is not revealed), 403 for a page their role does not allow. Anonymous
visitors are always sent to the login page (302), except for public URLs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

PERSONAS = ("administrator", "committee_staff", "inspection_staff", "grassroots_officer", "cell_secretary",
            "leadership", "outsider", "no_role")
ALL = frozenset(PERSONAS)
VIEWERS = ALL - {"no_role"}  # every role can view its own subtree
IN_SCOPE = VIEWERS - {"outsider"}  # the roles whose subtree holds world.member and cell a1_1
TREE_EDITORS = frozenset({"administrator", "committee_staff"})
MEMBER_EDITORS = frozenset({"administrator", "committee_staff", "grassroots_officer"})
ROLE_MANAGERS = frozenset({"administrator"})
MEETING_EDITORS = frozenset({"administrator", "committee_staff", "grassroots_officer", "cell_secretary"})
RUBRIC_EDITORS = frozenset({"administrator", "committee_staff", "outsider"})  # CHANGE_TARGETS somewhere


@dataclass(frozen=True)
class Access:
    ok: frozenset[str]
    kwargs: Callable | None = None  # world -> dict of URL kwargs
    query: str = ""
    denied: int = 403  # status for personas not in ok (404 for objects out of scope)
    denied_overrides: dict = field(default_factory=dict)  # persona -> status when it differs from ``denied``
    public: bool = False  # anonymous allowed
    ok_status: int = 200


def import_run_of_grassroots_officer(w):
    from core.models import ImportRun

    run = ImportRun.objects.create(runner="members.register.views.import_runner", name="dang-vien.xlsx",
                                   requested_by=w.personas.grassroots_officer)
    return {"pk": run.pk}


def member_in_a1_1(w):
    return {"pk": w.member.pk}


def status_period_of_member(w):
    """A status period of world.member (created on first use)."""
    import datetime as dt

    from members.register.models import StatusPeriod
    from members.register.services import status_period_add

    period = StatusPeriod.objects.filter(member=w.member).first() or status_period_add(
        member=w.member, kind="sick_leave", start=dt.date(2024, 2, 1), end=dt.date(2024, 3, 1), reason="Ốm")
    return {"pk": period.pk}


def recognition_of_a1_1(w):
    """A "four good cell" recognition of A1-1 for 2024 (created on first use)."""
    from members.ratings.models import RecognitionAward

    award, _created = RecognitionAward.objects.get_or_create(
        organization=w.tree.a1_1, year=2024, title="four_good_cell",
        defaults={"deciding_body": w.tree.a1, "decision": "10-QĐ/ĐU"})
    return {"pk": award.pk}


def phu_tho_rubric_pk():
    from meetings.models import Rubric  # shipped by a data migration

    return Rubric.objects.get(name__startswith="Phú Thọ").pk


def org(attr):
    return lambda w: {"pk": getattr(w.tree, attr).pk}


# URL names that are not ours to classify (Django admin, i18n) are skipped by prefix.
SKIP_PREFIXES = ("admin:",)
SKIP = {"set_language", "logout"}

ACCESS: dict[str, Access] = {
    "home": Access(ok=ALL),
    "login": Access(ok=ALL, public=True, ok_status=302),  # logged-in users are sent home; anonymous get 200
    "password_change": Access(ok=ALL),
    "password_change_done": Access(ok=ALL),
    # The e-mail reset is for everyone, signed in or not; a forged link shows "no longer valid" (200).
    "password_reset": Access(ok=ALL, public=True),
    "password_reset_done": Access(ok=ALL, public=True),
    "password_reset_confirm": Access(ok=ALL, public=True, kwargs=lambda w: {"uidb64": "MQ", "token": "forged-link"}),
    "password_reset_complete": Access(ok=ALL, public=True),
    # A one-time reset link for a user is made by an administrator only.
    "password_reset_link": Access(ok=ROLE_MANAGERS, kwargs=lambda w: {"pk": w.personas.no_role.pk}),
    "healthz": Access(ok=ALL, public=True),
    "notification_list": Access(ok=ALL),
    "notification_read": Access(ok=frozenset(), kwargs=lambda w: {"pk": 1}, denied=405),  # POST only
    # An import in the worker is its requester's only (core.views._import_run_for): for everyone else, 404.
    "import_run_detail": Access(ok=frozenset({"grassroots_officer"}), kwargs=import_run_of_grassroots_officer,
                                denied=404),
    "import_run_progress": Access(ok=frozenset({"grassroots_officer"}), kwargs=import_run_of_grassroots_officer,
                                  denied=404),
    "list_preference": Access(ok=frozenset(), kwargs=lambda w: {"key": "members"}, denied=405),  # POST only
    # Organizations: every role sees its subtree; tree changes are for committee staff and administrators.
    "organizations:organization_list": Access(ok=VIEWERS),
    # Remote pickers' JSON: anyone logged in; each answers only the rows the user's scope holds (test_pickers).
    "organizations:autocomplete": Access(ok=ALL),
    "members:member_autocomplete": Access(ok=ALL),
    "organizations:organization_detail": Access(ok=IN_SCOPE, kwargs=org("a1_1"), denied=404),
    "organizations:organization_composition": Access(ok=IN_SCOPE, kwargs=org("a1_1"), denied=404),
    "organizations:organization_create": Access(ok=TREE_EDITORS | {"outsider"}),
    "organizations:organization_edit": Access(ok=TREE_EDITORS, kwargs=org("a1_1"), denied=403,
                                              denied_overrides={"outsider": 404, "no_role": 404}),
    **{f"organizations:organization_{op}": Access(ok=TREE_EDITORS, kwargs=org("a1_1"), denied=403,
                                                  denied_overrides={"outsider": 404, "no_role": 404})
       for op in ("rename", "move", "dissolve", "merge", "split")},
    # The mass organization hangs on A1, above the cell secretary's cell: outside that persona's scope.
    "organizations:massorg_create": Access(ok=TREE_EDITORS, kwargs=org("a1"), denied=403,
                                           denied_overrides={"outsider": 404, "no_role": 404, "cell_secretary": 404}),
    "organizations:massorg_edit": Access(ok=TREE_EDITORS, kwargs=lambda w: {"pk": w.mass_org.pk}, denied=403,
                                         denied_overrides={"outsider": 404, "no_role": 404, "cell_secretary": 404}),
    "organizations:role_list": Access(ok=ROLE_MANAGERS),
    "organizations:role_create": Access(ok=ROLE_MANAGERS),
    "organizations:user_create": Access(ok=ROLE_MANAGERS),
    # POST only: a GET is refused (405) before anything else; who may POST is tested in test_org_views.
    "organizations:role_delete": Access(ok=frozenset(), kwargs=lambda w: {"pk": w.assignment.pk}, denied=405),
    # Member register: lists and exports for every role (within its subtree); no_role sees nothing.
    "members:member_list": Access(ok=VIEWERS),
    "members:member_export": Access(ok=VIEWERS),
    # The bulk transfer's confirmation: CHANGE_MEMBERS somewhere; with nothing ticked, back to the list.
    "members:member_transfer_selected": Access(ok=MEMBER_EDITORS | {"outsider"}, ok_status=302),
    # The log of reads of sensitive data: administrators only (MANAGE_ROLES); everyone else 403.
    "members:sensitive_log": Access(ok=ROLE_MANAGERS),
    "members:member_detail": Access(ok=VIEWERS - {"outsider"}, kwargs=member_in_a1_1, denied=404),
    # Creating and importing need CHANGE_MEMBERS somewhere: the outsider has it over bloc B.
    "members:member_create": Access(ok=MEMBER_EDITORS | {"outsider"}),
    "members:member_import": Access(ok=MEMBER_EDITORS | {"outsider"}),
    "members:member_import_template": Access(ok=MEMBER_EDITORS | {"outsider"}),
    # Changing a member: 404 when it is outside the user's view, 403 when visible but read-only.
    **{name: Access(ok=MEMBER_EDITORS, kwargs=member_in_a1_1, denied=403,
                    denied_overrides={"outsider": 404, "no_role": 404})
       for name in ("members:member_edit", "members:member_transfer", "members:member_leave",
                    "members:status_period_create")},
    "members:status_period_list": Access(ok=VIEWERS),
    "members:status_period_edit": Access(ok=MEMBER_EDITORS, kwargs=status_period_of_member, denied=403,
                                         denied_overrides={"outsider": 404, "no_role": 404}),
    # Cell meetings: every role sees the meetings of its subtree; logging needs CHANGE_MEETINGS (the outsider
    # has it over bloc B, so the log page opens for it with its own cells); world.meeting is in cell a1_1.
    "meetings:meeting_list": Access(ok=VIEWERS),
    "meetings:overview": Access(ok=VIEWERS),
    "meetings:meeting_create": Access(ok=MEETING_EDITORS | {"outsider"}),
    "meetings:meeting_detail": Access(ok=IN_SCOPE, kwargs=lambda w: {"pk": w.meeting.pk}, denied=404),
    "meetings:meeting_edit": Access(ok=MEETING_EDITORS, kwargs=lambda w: {"pk": w.meeting.pk}, denied=403,
                                    denied_overrides={"outsider": 404, "no_role": 404}),
    "meetings:meeting_delete": Access(ok=frozenset(), kwargs=lambda w: {"pk": w.meeting.pk}, denied=405),  # POST only
    "meetings:rubric_list": Access(ok=VIEWERS),
    "meetings:rubric_detail": Access(ok=VIEWERS, kwargs=lambda w: {"pk": phu_tho_rubric_pk()}),
    "meetings:rubric_create": Access(ok=RUBRIC_EDITORS),
}


# Admissions (issue 7): the candidate and the admitted candidate sit in cell a1_1, created on demand.
ADMISSION_RUNNERS = frozenset({"administrator", "committee_staff", "grassroots_officer"})


def candidate_in_a1_1(w):
    import datetime as dt

    from members.admissions.models import Candidate

    candidate = Candidate.objects.filter(cell=w.tree.a1_1, member__isnull=True).first() or Candidate.objects.create(
        cell=w.tree.a1_1, full_name="Quần chúng Thử", gender="female", birth_date=dt.date(1998, 3, 8))
    return {"pk": candidate.pk}


def admitted_candidate_in_a1_1(w):
    from members.admissions.models import Candidate

    candidate = Candidate.objects.filter(member=w.member).first() or Candidate.objects.create(
        cell=w.tree.a1_1, full_name=w.member.full_name, gender=w.member.gender, birth_date=w.member.birth_date,
        status="admitted", member=w.member, admitted_on=w.member.admission_date, probation_outcome="pending")
    return {"pk": candidate.pk}


ACCESS.update({
    "admissions:candidate_list": Access(ok=VIEWERS),
    "admissions:board": Access(ok=VIEWERS),
    "admissions:probation_list": Access(ok=VIEWERS),
    # Adding a candidate needs RUN_ADMISSIONS somewhere: the outsider has it over bloc B.
    "admissions:candidate_create": Access(ok=ADMISSION_RUNNERS | {"outsider"}),
    "admissions:candidate_detail": Access(ok=IN_SCOPE, kwargs=candidate_in_a1_1, denied=404),
    **{name: Access(ok=ADMISSION_RUNNERS, kwargs=candidate_in_a1_1, denied=403,
                    denied_overrides={"outsider": 404, "no_role": 404})
       for name in ("admissions:candidate_edit", "admissions:stage_record", "admissions:sponsor_add",
                    "admissions:candidate_admit")},
    "admissions:probation_decide": Access(ok=ADMISSION_RUNNERS, kwargs=admitted_candidate_in_a1_1, denied=403,
                                          denied_overrides={"outsider": 404, "no_role": 404}),
})

# Members' annual ratings (members/rating_urls.py). The grid of cell A1-1 for 2024: every role whose subtree
# holds it sees it (read-only without a rating permission); entering needs PROPOSE_RATINGS on the cell or
# DECIDE_MEMBER_RATINGS on A1, so inspection staff and leadership get 403 on the upload.
RATING_ENTRY = frozenset({"administrator", "committee_staff", "grassroots_officer", "cell_secretary"})


def rating_grid_of_a1_1(w):
    return {"org_pk": w.tree.a1_1.pk, "year": 2024}


ACCESS.update({
    "ratings:index": Access(ok=VIEWERS),
    **{name: Access(ok=IN_SCOPE, kwargs=rating_grid_of_a1_1, denied=404)
       for name in ("ratings:member_grid", "ratings:member_grid_template", "ratings:decided_export")},
    "ratings:member_grid_upload": Access(ok=RATING_ENTRY, kwargs=rating_grid_of_a1_1, denied=403,
                                         denied_overrides={"outsider": 404, "no_role": 404}),
    # Recognitions: listed for every role; recorded by who decides organizations' ratings (DECIDE_ORG_RATINGS:
    # administrators and committee staff, the outsider over bloc B).
    "ratings:recognition_list": Access(ok=VIEWERS),
    "ratings:recognition_create": Access(ok=TREE_EDITORS | {"outsider"}),
    "ratings:recognition_edit": Access(ok=TREE_EDITORS, kwargs=recognition_of_a1_1, denied=403,
                                       denied_overrides={"outsider": 404, "no_role": 404}),
    # Not rated for another reason: decided where members' ratings are (DECIDE_MEMBER_RATINGS on A1).
    "ratings:member_not_rated": Access(ok=MEMBER_EDITORS, kwargs=lambda w: {"member_pk": w.member.pk, "year": 2024},
                                       denied=403, denied_overrides={"outsider": 404, "no_role": 404}),
})

# Organization ratings: the grid of what bloc A rates (its party organizations) for 2024. Every role whose
# scope covers bloc A sees it (read-only without a rating permission); the grassroots officer and the cell
# secretary start below it, so for them (as for the outsider and no_role) it does not exist.
ACCESS["ratings:organization_grid"] = Access(
    ok=frozenset({"administrator", "committee_staff", "inspection_staff", "leadership"}), denied=404,
    kwargs=lambda w: {"committee_pk": w.tree.bloc_a.pk, "kind": "party_org", "year": 2024})

# Inspections, supervision and discipline (issue 6): every role reads its subtree; writing needs
# CHANGE_INSPECTIONS (inspection staff over bloc A, administrators). The inspection and the discipline
# are of world.member in cell a1_1, created on demand, so their scope is that cell.
INSPECTION_EDITORS = frozenset({"administrator", "inspection_staff"})


def inspection_of_member(w):
    import datetime as dt

    from inspections.models import Inspection
    from inspections.services import inspection_create

    found = Inspection.objects.filter(members=w.member).first() or inspection_create(
        members=[w.member], activity="inspection", kind="violation_signs", conducting_body=w.tree.a1,
        charter_article="30", decision_number="01-QĐ/ĐU", decision_date=dt.date(2024, 4, 1),
        start_date=dt.date(2024, 4, 1), conclusion="shortcomings", conclusion_text="Kết luận thử")
    return {"pk": found.pk}


def discipline_of_member(w):
    import datetime as dt

    from inspections.models import Discipline

    found = Discipline.objects.filter(member=w.member).first() or Discipline.objects.create(
        member=w.member, form="reprimand", violation_year=2024, decision_number="02-QĐ/ĐU",
        decision_date=dt.date(2024, 9, 1), deciding_body=w.tree.a1, scope_path=w.tree.a1_1.path)
    return {"pk": found.pk}


ACCESS.update({
    "inspections:inspection_list": Access(ok=VIEWERS),
    "inspections:inspection_create": Access(ok=INSPECTION_EDITORS),
    "inspections:inspection_detail": Access(ok=IN_SCOPE, kwargs=inspection_of_member, denied=404),
    "inspections:inspection_edit": Access(ok=INSPECTION_EDITORS, kwargs=inspection_of_member, denied=403,
                                          denied_overrides={"outsider": 404, "no_role": 404}),
    "inspections:discipline_list": Access(ok=VIEWERS),
    "inspections:discipline_create": Access(ok=INSPECTION_EDITORS),
    "inspections:discipline_detail": Access(ok=IN_SCOPE, kwargs=discipline_of_member, denied=404),
    "inspections:coverage": Access(ok=VIEWERS),
})


# Areas added later keep their entries in tests/url_access_<area>.py (a module-level ``ACCESS`` dict), so
# parallel work on separate areas does not edit one file.
def _merge_area_modules():
    import importlib
    from pathlib import Path

    for path in sorted(Path(__file__).parent.glob("url_access_*.py")):
        ACCESS.update(importlib.import_module(f"tests.{path.stem}").ACCESS)


_merge_area_modules()
