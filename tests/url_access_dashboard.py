"""Who may open the leadership dashboards (/dashboard/, see tests/url_access.py).

The overview and its Excel file open on the user's own scope, so every role with a subtree gets 200 (the
outsider sees bloc B, which no resolution measures); a user without a role has no scope (403). The
drill-down and the records are of target TKA-1 (bloc A's resolution, tests/url_access_targets.py) for bloc A
in 2024: seen by the roles whose scope holds bloc A; for the others bloc A does not exist (404). The trends
of bloc A's resolution open, without an organization asked for, on the resolution's own organization, or —
for the grassroots officer and the cell secretary, who work below bloc A — on their own organization, which
the resolution measures too; the outsider's bloc B is outside it (404)."""

from __future__ import annotations

from tests.url_access import VIEWERS, Access
from tests.url_access_targets import BLOC_A_VIEWERS, attainment_pk, bloc_a_resolution

BELOW_BLOC_A = VIEWERS - {"outsider"}


def target_of_bloc_a(w):
    attainment_pk(w)  # TKA-1 has a figure for bloc A in 2024
    return {"pk": bloc_a_resolution(w).targets.get().pk, "org": w.tree.bloc_a.pk, "year": 2024}


def resolution_of_bloc_a(w):
    return {"pk": bloc_a_resolution(w).pk}


ACCESS = {
    "dashboard:overview": Access(ok=VIEWERS),
    "dashboard:overview_xlsx": Access(ok=VIEWERS),
    "dashboard:target": Access(ok=BLOC_A_VIEWERS, kwargs=target_of_bloc_a, denied=404),
    "dashboard:records": Access(ok=BLOC_A_VIEWERS, kwargs=target_of_bloc_a, denied=404),
    "dashboard:trends": Access(ok=BELOW_BLOC_A, kwargs=resolution_of_bloc_a, denied=404,
                               denied_overrides={"no_role": 403}),
}
