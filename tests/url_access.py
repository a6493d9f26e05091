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


@dataclass(frozen=True)
class Access:
    ok: frozenset[str]
    kwargs: Callable | None = None  # world -> dict of URL kwargs
    query: str = ""
    denied: int = 403  # status for personas not in ok (404 for objects out of scope)
    denied_overrides: dict = field(default_factory=dict)  # persona -> status when it differs from ``denied``
    public: bool = False  # anonymous allowed
    ok_status: int = 200


def member_in_a1_1(w):
    return {"pk": w.member.pk}


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
    "healthz": Access(ok=ALL, public=True),
    "notification_list": Access(ok=ALL),
    "notification_read": Access(ok=frozenset(), kwargs=lambda w: {"pk": 1}, denied=405),  # POST only
    # Organizations: every role sees its subtree; tree changes are for committee staff and administrators.
    "organizations:organization_list": Access(ok=VIEWERS),
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
    "members:member_detail": Access(ok=VIEWERS - {"outsider"}, kwargs=member_in_a1_1, denied=404),
    # Creating and importing need CHANGE_MEMBERS somewhere: the outsider has it over bloc B.
    "members:member_create": Access(ok=MEMBER_EDITORS | {"outsider"}),
    "members:member_import": Access(ok=MEMBER_EDITORS | {"outsider"}),
    "members:member_import_template": Access(ok=MEMBER_EDITORS | {"outsider"}),
    # Changing a member: 404 when it is outside the user's view, 403 when visible but read-only.
    **{name: Access(ok=MEMBER_EDITORS, kwargs=member_in_a1_1, denied=403,
                    denied_overrides={"outsider": 404, "no_role": 404})
       for name in ("members:member_edit", "members:member_transfer", "members:member_leave")},
}
