"""What each role may do. A role granted on an organization applies to that organization's whole
subtree and nothing outside it (DESIGN §2). Apps add their own permission names here as they arrive,
so there is one table to read when asking "who may do what"."""

from __future__ import annotations

from organizations.choices import Role


class Perm:
    VIEW = "view"  # see records of the subtree
    VIEW_SENSITIVE = "view_sensitive"  # citizen ID, ethnicity, religion (Decree 13/2023/NĐ-CP)
    CHANGE_TREE = "change_tree"  # create, rename, move, merge, split, dissolve organizations
    CHANGE_MEMBERS = "change_members"  # the member register, transfers, positions, import
    MANAGE_ROLES = "manage_roles"  # grant and revoke role assignments
    PROPOSE_RATINGS = "propose_ratings"  # self-assessment and proposals of annual ratings
    DECIDE_MEMBER_RATINGS = "decide_member_ratings"  # members are rated by their grassroots organization
    DECIDE_ORG_RATINGS = "decide_org_ratings"  # organizations are rated by the committee one level up
    CHANGE_MEETINGS = "change_meetings"  # log cell meetings and attendance
    CHANGE_INSPECTIONS = "change_inspections"  # inspections, supervision, discipline
    RUN_ADMISSIONS = "run_admissions"  # candidates, admission, probation
    CHANGE_TARGETS = "change_targets"  # resolutions and their targets
    # figures only organizations can supply: reported figures, models and exemplars, documents adopted,
    # periodic report submissions (targets of families REP, MODEL, DOC, DUE)
    REPORT_FIGURES = "report_figures"
    # give a generated report its official document number ("Số 12-BC/ĐUK"): until then it is a draft
    ISSUE_REPORTS = "issue_reports"


# Every permission name (what a remote picker's ``?action=`` may ask for).
PERMS = frozenset(value for name, value in vars(Perm).items() if name.isupper())

_STAFF = {Perm.VIEW, Perm.VIEW_SENSITIVE, Perm.CHANGE_TREE, Perm.CHANGE_MEMBERS, Perm.PROPOSE_RATINGS,
          Perm.DECIDE_MEMBER_RATINGS, Perm.DECIDE_ORG_RATINGS, Perm.CHANGE_MEETINGS, Perm.RUN_ADMISSIONS,
          Perm.CHANGE_TARGETS, Perm.REPORT_FIGURES, Perm.ISSUE_REPORTS}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.ADMINISTRATOR: frozenset(_STAFF | {Perm.MANAGE_ROLES, Perm.CHANGE_INSPECTIONS}),
    Role.COMMITTEE_STAFF: frozenset(_STAFF),
    Role.INSPECTION_STAFF: frozenset({Perm.VIEW, Perm.CHANGE_INSPECTIONS}),
    Role.GRASSROOTS_OFFICER: frozenset({Perm.VIEW, Perm.CHANGE_MEMBERS, Perm.PROPOSE_RATINGS,
                                        Perm.DECIDE_MEMBER_RATINGS, Perm.CHANGE_MEETINGS, Perm.RUN_ADMISSIONS,
                                        Perm.REPORT_FIGURES, Perm.ISSUE_REPORTS}),
    Role.CELL_SECRETARY: frozenset({Perm.VIEW, Perm.PROPOSE_RATINGS, Perm.CHANGE_MEETINGS, Perm.REPORT_FIGURES}),
    Role.LEADERSHIP: frozenset({Perm.VIEW}),
}


def roles_granting(perm: str) -> list[str]:
    return [role for role, perms in ROLE_PERMISSIONS.items() if perm in perms]
