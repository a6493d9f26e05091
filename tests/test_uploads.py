"""The one upload → preview → commit flow (core/uploads.py), with a stand-in import: the "file" lists user
names, one per word, and the run creates those users; a name starting with "!" is a problem."""

import os
import time
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from core.uploads import MAX_AGE, XlsxUpload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def run(path, pending, commit):
    names = path.read_text().split()
    for name in names:
        User.objects.create(username=name.lstrip("!"))  # written even when wrong: the flow must roll it back
    return [f"bad name {n}" for n in names if n.startswith("!")], len(names)


def request(session=None):
    """What the flow reads of a request: its session (a dict is enough)."""
    return SimpleNamespace(session={} if session is None else session)


def upload(text="an binh", name="ds.xlsx"):
    return SimpleUploadedFile(name, text.encode())


def kept(media):
    return sorted(p.name for p in (media / "imports").iterdir())


def test_the_preview_changes_nothing_and_waits_for_confirmation(media):
    flow, req = XlsxUpload("test_import", run), request()
    result = flow.preview(req, upload(), org=7)
    assert (result.problems, result.count, result.committed) == ([], 2, False)
    assert not User.objects.exists()  # the run wrote two users; the preview rolled them back
    token = result.pending["token"]
    assert req.session["test_import"] == {"token": token, "name": "ds.xlsx", "org": 7, "count": 2}
    assert kept(media) == [f"{token}.xlsx"]


def test_a_preview_with_problems_keeps_no_file_and_nothing_waits(media):
    flow, req = XlsxUpload("test_import", run), request()
    result = flow.preview(req, upload("an !binh"))
    assert result.problems == ["bad name !binh"]
    assert not User.objects.exists() and "test_import" not in req.session and kept(media) == []


def test_a_double_confirmation_imports_once(media):
    flow, req = XlsxUpload("test_import", run), request()
    token = flow.preview(req, upload()).pending["token"]
    # A double click: the second request carries the session as it was before the first one ended.
    second = request(dict(req.session))
    result = flow.confirm(req, token)
    assert (result.problems, result.count, result.committed) == ([], 2, True)
    assert flow.confirm(second, token) is None
    assert flow.confirm(req, token) is None  # and a later one with the cleared session
    assert sorted(User.objects.values_list("username", flat=True)) == ["an", "binh"]
    assert "test_import" not in req.session and kept(media) == []


def test_a_problem_found_at_confirmation_saves_nothing(media):
    flow, req = XlsxUpload("test_import", run), request()
    token = flow.preview(req, upload()).pending["token"]
    late = XlsxUpload("test_import", lambda path, pending, commit: (run(path, pending, commit)[0] + ["changed"], 2))
    result = late.confirm(req, token)
    assert (result.problems, result.count, result.committed) == (["changed"], 0, False)
    assert not User.objects.exists()
    assert "test_import" not in req.session and kept(media) == []  # the user uploads the file again


@pytest.mark.parametrize("token", ["00000000-0000-0000-0000-000000000000", "../../etc/passwd", "", None])
def test_a_foreign_token_changes_nothing(media, token):
    flow, req = XlsxUpload("test_import", run), request()
    mine = flow.preview(req, upload()).pending["token"]
    assert flow.confirm(req, token) is None
    assert flow.confirm(request(), mine) is None  # another session cannot confirm this one's upload
    assert not User.objects.exists()
    assert req.session["test_import"]["token"] == mine and kept(media) == [f"{mine}.xlsx"]
    assert flow.confirm(req, mine).committed  # the owner still can


def test_an_upload_for_another_grid_is_not_confirmed_here(media):
    flow, req = XlsxUpload("test_import", run), request()
    token = flow.preview(req, upload(), org=7, year=2024).pending["token"]
    assert flow.confirm(req, token, expect={"org": 8, "year": 2024}) is None
    assert not User.objects.exists()
    assert flow.confirm(req, token, expect={"org": 7, "year": 2024}).committed


def test_an_expired_upload_is_purged_and_cannot_be_confirmed(media):
    flow, req = XlsxUpload("test_import", run), request()
    token = flow.preview(req, upload()).pending["token"]
    old = time.time() - MAX_AGE - 60
    os.utime(media / "imports" / f"{token}.xlsx", (old, old))
    other = request()
    flow.preview(other, upload("chi"))  # the next upload, by anyone, purges the abandoned file
    assert flow.confirm(req, token) is None
    assert not User.objects.exists()
    assert kept(media) == [f"{other.session['test_import']['token']}.xlsx"]


def test_each_kind_of_import_forgets_only_its_own_pending_upload(media):
    members, ratings, req = XlsxUpload("members_import", run), XlsxUpload("ratings_import", run), request()
    first = members.preview(req, upload("an")).pending["token"]
    ratings.preview(req, upload("binh"))
    assert req.session["members_import"]["token"] == first
    assert members.confirm(req, first).committed
    assert list(User.objects.values_list("username", flat=True)) == ["an"]
