"""Issue 19, a check that stays: every form and upload of the POST walk (tests/post_access.py) is sent
hypothesis-generated variations of its valid payload by a persona allowed to send it — numbers too large, too
small or not numbers, impossible dates, control characters, NUL bytes, markup, formulas, very long text,
missing fields, and for uploads broken, truncated, random and hostile files. Whatever is sent: no server error,
and a post the application refuses (any answer but the form's success, or its page with form errors) leaves
the database as it was.

The number of examples per form is the setting FUZZ_EXAMPLES (config/test_settings.py, from the environment):
small by default so the suite stays fast, raise it for a deeper run (FUZZ_EXAMPLES=200). Generation is
derandomized, so a run is reproducible; each example runs in a transaction rolled back afterwards, like the
POST walk."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.post_access import POSTS
from tests.test_hostile_workbooks import billion_laughs, claimed_million, sparse_million, wide
from tests.test_post_walk import _clients, _fresh, changed_tables, snapshot
from tests.test_url_access import world  # noqa: F401  (the URL-access test world)
from tests.url_access import ACCESS

pytestmark = pytest.mark.django_db

NAMES = sorted(POSTS)

AWKWARD = ["", " ", "0", "-1", "-2147483649", "2147483648", "9" * 40, "1e309", "NaN", "inf", "-0", "0x10",
           "1,5", "31/02/2024", "00/00/0000", "01/01/0001", "31/12/9999", "2024-13-45", "25:61", "\x00", "a\x00b",
           "\u202e", "<script>alert(1)</script>", "=HYPERLINK(\"http://x\")", "'; DROP TABLE x; --", "Ω" * 300,
           "x" * 5000, "on", "off", "true", "[]", "{}", "%s", "{0}", "../../etc/passwd"]


def _text_strategy():
    return st.one_of(
        st.sampled_from(AWKWARD),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.dates().map(lambda d: d.strftime("%d/%m/%Y")),
        st.text(max_size=60),
    )


def _file_strategy(original: bytes):
    def flipped(args):
        offset, value = args
        data = bytearray(original)
        if data:
            data[offset % len(data)] = value
        return bytes(data)

    hostile = st.sampled_from([billion_laughs, wide, sparse_million, claimed_million]).map(
        lambda build: build(101) if build is wide else build())
    return st.one_of(
        st.binary(max_size=2048),
        st.integers(min_value=0, max_value=max(len(original) - 1, 0)).map(lambda n: original[:n]),
        st.tuples(st.integers(min_value=0, max_value=2**31), st.integers(min_value=0, max_value=255)).map(flipped),
        hostile,
    )


def _variation(draw, valid: dict) -> dict:
    """``valid`` with one or more of its fields changed (or dropped), files replaced by generated contents."""
    keys = sorted(valid)
    chosen = draw(st.lists(st.sampled_from(keys), min_size=1, max_size=min(len(keys), 4), unique=True)) if keys else []
    data = dict(valid)
    for key in chosen:
        value = valid[key]
        if isinstance(value, UploadedFile):
            value.seek(0)
            content = draw(_file_strategy(value.read()))
            data[key] = SimpleUploadedFile(value.name, content, content_type=value.content_type)
        elif draw(st.integers(min_value=0, max_value=9)) == 0:
            del data[key]
        elif isinstance(value, list):
            data[key] = draw(st.lists(_text_strategy(), max_size=3))
        else:
            data[key] = draw(_text_strategy())
    if draw(st.integers(min_value=0, max_value=9)) == 0:
        data[draw(st.sampled_from(["extra", "pk", "id", "version"]))] = draw(_text_strategy())
    return data


def _has_form_errors(response) -> bool:
    for context in response.context or []:
        for value in context.flatten().values() if hasattr(context, "flatten") else []:
            errors = getattr(value, "errors", None)
            if hasattr(value, "is_bound") and getattr(value, "is_bound", False) and errors:
                return True
    return False


@pytest.mark.parametrize("name", NAMES)
def test_generated_posts_give_no_server_error_and_a_refused_one_changes_nothing(name, world):  # noqa: F811
    post = POSTS[name]
    get = ACCESS.get(name)
    build_kwargs = post.kwargs or (get.kwargs if get else None)
    url = reverse(name, kwargs=build_kwargs(world) if build_kwargs else None)
    # An upload is fuzzed at its first step (the file and its fields); a form, with its own payload.
    valid = post.preview(world) if post.preview else post.payload(world)
    ok_status = 200 if post.preview else post.ok_status
    persona = "administrator" if "administrator" in post.ok else sorted(post.ok)[0]
    client = _clients(world)[persona]
    token = {"csrfmiddlewaretoken": client.cookies["csrftoken"].value}
    before = snapshot()
    failures: list[str] = []

    @hypothesis_settings(max_examples=django_settings.FUZZ_EXAMPLES, deadline=None, database=None,
                         derandomize=True, suppress_health_check=list(HealthCheck))
    @given(st.data())
    def check(data):
        payload = _variation(data.draw, valid)
        with transaction.atomic():
            try:
                response = client.post(url, {**_fresh(payload), **token})
                status = response.status_code
            except Exception as exc:  # the test client re-raises a view's exception: a server error
                response, status = None, f"raised {exc!r}"
            changed = changed_tables(before, snapshot())
            transaction.set_rollback(True)
        shown = {k: (v.name if isinstance(v, UploadedFile) else str(v)[:80]) for k, v in payload.items()}
        if not isinstance(status, int) or status >= 500:
            failures.append(f"{shown}: {status}")
        elif (status != ok_status or _has_form_errors(response)) and changed:
            failures.append(f"{shown}: refused ({status}) but changed {changed}")

    check()
    assert not failures, f"POST {name} {url} as {persona}:\n" + "\n".join(failures[:10])
