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
}
