"""Shared fixtures: personas (one per role as roles arrive), output folder, tool requirements."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent
OUTPUT_ROOT = ROOT / "test-output"


def require_tool(path_or_name: str, package: str) -> str:
    """Return the tool's path, or skip naming the Debian package; in CI a missing tool fails."""
    found = path_or_name if os.path.isabs(path_or_name) and os.access(path_or_name, os.X_OK) else shutil.which(path_or_name)
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


# --- Personas -------------------------------------------------------------------------------------

PASSWORD = "Mật-khẩu-thử-2026"


@pytest.fixture
def anonymous(client):
    """A visitor who has not logged in."""
    return client


@pytest.fixture
def member_user(db):
    return UserFactory(password=PASSWORD)


@pytest.fixture
def authenticated(client, member_user):
    """A logged-in user holding no role yet."""
    client.force_login(member_user)
    client.user = member_user
    return client
