"""Shared fixtures: a small organization tree, one persona per role, the output folder, tool checks.

The tree (founded 01/01/2020):

    Tỉnh ủy Thử nghiệm (provincial)                    <- administrator
    ├── Đảng ủy Khối A (direct)                        <- committee staff, inspection staff, leadership
    │   ├── Đảng bộ Sở A1 (grassroots committee)       <- grassroots officer
    │   │   ├── Chi bộ A1-1 (sub cell)                 <- cell secretary
    │   │   └── Chi bộ A1-2 (sub cell)
    │   └── Chi bộ Sở A2 (grassroots cell)
    └── Đảng ủy Khối B (direct)                        <- outsider (committee staff of another subtree)
        └── Chi bộ Sở B1 (grassroots cell)
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.factories import UserFactory

# The real-worker fixture, for every module that tests an asynchronous path.
pytest_plugins = ["tests.workers"]

ROOT = Path(__file__).resolve().parent.parent
OUTPUT_ROOT = ROOT / "test-output"
FOUNDED = dt.date(2020, 1, 1)
PASSWORD = "Mật-khẩu-thử-2026"


def require_tool(path_or_name: str, package: str) -> str:
    """Return the tool's path, or skip naming the Debian package; in CI a missing tool fails."""
    found = path_or_name if os.path.isabs(path_or_name) and os.access(path_or_name,
                                                                      os.X_OK) else shutil.which(path_or_name)
    if found:
        return found
    message = f"{path_or_name} not found: install the Debian package `{package}` (apt-get install -y {package})"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def output_dir(request) -> Path:
    """A folder under test-output/ named after the test, for screenshots and generated files."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid.replace("tests/", ""))
    path = OUTPUT_ROOT / name
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def tree(db):
    """The small tree above, built through the services like real data."""
    from organizations.choices import OrgKind
    from organizations.services import organization_create

    def make(name, kind, parent):
        return organization_create(name=name, kind=kind, parent=parent, founded_on=FOUNDED)

    province = make("Tỉnh ủy Thử nghiệm", OrgKind.PROVINCIAL, None)
    bloc_a = make("Đảng ủy Khối A", OrgKind.DIRECT, province)
    a1 = make("Đảng bộ Sở A1", OrgKind.GRASSROOTS_COMMITTEE, bloc_a)
    a1_1 = make("Chi bộ A1-1", OrgKind.SUB_CELL, a1)
    a1_2 = make("Chi bộ A1-2", OrgKind.SUB_CELL, a1)
    a2 = make("Chi bộ Sở A2", OrgKind.GRASSROOTS_CELL, bloc_a)
    bloc_b = make("Đảng ủy Khối B", OrgKind.DIRECT, province)
    b1 = make("Chi bộ Sở B1", OrgKind.GRASSROOTS_CELL, bloc_b)
    return SimpleNamespace(province=province, bloc_a=bloc_a, a1=a1, a1_1=a1_1, a1_2=a1_2, a2=a2, bloc_b=bloc_b, b1=b1)


def _persona(role, organization, username):
    from organizations.models import RoleAssignment

    user = UserFactory(username=username, password=PASSWORD)
    if role is not None:
        RoleAssignment.objects.create(user=user, role=role, organization=organization)
    return user


@pytest.fixture
def personas(tree):
    """One user per role (and an outsider holding committee staff over bloc B only)."""
    from organizations.choices import Role

    return SimpleNamespace(
        administrator=_persona(Role.ADMINISTRATOR, tree.province, "quantri"),
        committee_staff=_persona(Role.COMMITTEE_STAFF, tree.bloc_a, "canbo"),
        inspection_staff=_persona(Role.INSPECTION_STAFF, tree.bloc_a, "kiemtra"),
        grassroots_officer=_persona(Role.GRASSROOTS_OFFICER, tree.a1, "coso"),
        cell_secretary=_persona(Role.CELL_SECRETARY, tree.a1_1, "bithu"),
        leadership=_persona(Role.LEADERSHIP, tree.bloc_a, "lanhdao"),
        outsider=_persona(Role.COMMITTEE_STAFF, tree.bloc_b, "ngoai"),
        no_role=_persona(None, None, "khongvaitro"),
    )


@pytest.fixture
def client_for(client, personas):
    """``client_for("committee_staff")`` logs the test client in as that persona; None stays anonymous."""

    def login(persona: str | None):
        client.logout()
        if persona is not None:
            client.force_login(getattr(personas, persona))
        return client

    return login


@pytest.fixture
def anonymous(client):
    """A visitor who has not logged in."""
    return client


@pytest.fixture
def member_user(db):
    return UserFactory(password=PASSWORD)


@pytest.fixture
def authenticated(client, member_user):
    """A logged-in user holding no role."""
    client.force_login(member_user)
    client.user = member_user
    return client


# Reference data shipped by data migrations (rating schemes, admission stages and holidays, the Phú Thọ
# rubric). A transactional test (real worker, live server) ends with a flush that empties every table,
# these included, so the next transactional test would run without them: load them again first.
REFERENCE_MIGRATIONS = [("members", "0003_rating_schemes"), ("members", "0003_admission_data"),
                        ("meetings", "0002_rubric_phu_tho"), ("targets", "0002_catalogue"),
                        ("meetings", "0006_meeting_rule_sets"), ("meetings", "0008_meeting_documents_posted"),
                        ("members", "0009_admission_age_rules"),
                        ("records", "0002_indicator_whole_from_register"), ("targets", "0007_target_binds_scope"),
                        ("targets", "0008_leadership_from_ratings"), ("targets", "0009_inspection_is_not_supervision")]


def restore_reference_data():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.db.migrations.operations import RunPython

    from members.ratings.models import RatingScheme

    if RatingScheme.objects.exists():
        return
    # Each data migration runs against the models as they were at that migration (some models have since
    # moved to another app), exactly as `migrate` ran it.
    loader = MigrationExecutor(connection).loader
    for app_label, name in REFERENCE_MIGRATIONS:
        migration = loader.get_migration(app_label, name)
        # The state at the migration's end: its RunPython follows its own schema operations (a model it
        # creates, a field it adds), which the state before it lacks.
        state_apps = loader.project_state((app_label, name), at_end=True).apps
        for operation in migration.operations:
            if isinstance(operation, RunPython):
                with connection.schema_editor() as editor:
                    operation.code(state_apps, editor)


@pytest.fixture(autouse=True)
def _reference_data(request):
    if {"transactional_db", "live_server"} & set(request.fixturenames):
        request.getfixturevalue("transactional_db")
        restore_reference_data()
