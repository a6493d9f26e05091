"""Issue 19 item 8: a Content-Security-Policy with no inline script, the API schema behind login, a password reset
by e-mail and by an administrator's one-time link, and sessions ended when a password changes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD, ROOT

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Mật-khẩu-mới-2027!"


def test_every_page_carries_a_policy_that_forbids_inline_script(client_for):
    response = client_for("committee_staff").get(reverse("home"))
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";") if part.strip())
    assert policy["script-src"] == "'self'" and policy["default-src"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert 'src="/static/js/behaviours.js"' in response.content.decode()


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)


def test_no_template_of_ours_has_an_inline_script_or_handler():
    offending = []
    for path in ROOT.rglob("*.html"):
        parts = path.relative_to(ROOT).parts
        if parts[0] in {".venv", ".data", "test-output", "node_modules"}:
            continue
        text = Path(path).read_text(encoding="utf-8")
        if INLINE_SCRIPT.search(text) or INLINE_HANDLER.search(text):
            offending.append(str(path.relative_to(ROOT)))
    assert offending == []


def test_the_api_schema_is_behind_login(client, client_for):
    assert client.get(reverse("api:schema")).status_code == 401
    assert client_for("no_role").get(reverse("api:schema")).status_code == 200


def _logged_in(user, password=PASSWORD) -> Client:
    client = Client()
    assert client.post(reverse("login"), {"username": user.username, "password": password}).status_code == 302
    return client


def test_changing_the_password_ends_the_other_sessions(personas):
    here, elsewhere = _logged_in(personas.leadership), _logged_in(personas.leadership)
    response = here.post(reverse("password_change"), {"old_password": PASSWORD, "new_password1": NEW_PASSWORD,
                                                      "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert here.get(reverse("home")).status_code == 200  # the session that changed it goes on
    assert elsewhere.get(reverse("home")).url.startswith(reverse("login"))  # the others end


def test_a_password_is_reset_by_e_mail_once(personas, client):
    user = personas.cell_secretary
    other = _logged_in(user)
    response = client.post(reverse("password_reset"), {"email": user.email})
    assert response.status_code == 302 and len(mail.outbox) == 1
    link = re.search(r"https?://[^/\s]+(/password/reset/[\w-]+/[\w-]+/)", mail.outbox[0].body).group(1)
    _choose_password(client, link)
    assert _logged_in(user, NEW_PASSWORD)
    assert other.get(reverse("home")).url.startswith(reverse("login"))  # sessions ended by the new password
    assert 'data-test="invalid-link"' in client.get(link, follow=True).content.decode()  # used: no second time


def _choose_password(client, link):
    form = client.get(link, follow=True)  # Django moves the token into the session, then shows the form
    assert form.status_code == 200 and form.context["validlink"]
    done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done.url == reverse("password_reset_complete")


def test_an_administrator_makes_a_one_time_link_for_a_user_without_e_mail(personas, client_for, client):
    user = personas.no_role
    user.email = ""
    user.save(update_fields=["email"])
    url = reverse("password_reset_link", args=[user.pk])
    roles = client_for("administrator").get(reverse("organizations:role_list")).content.decode()
    assert reverse("password_reset_link", args=[personas.leadership.pk]) in roles  # offered beside each user
    assert client_for("committee_staff").post(url).status_code == 403
    page = client_for("administrator").post(url)
    assert page.status_code == 200
    link = re.search(r"https?://[^/\s]+(/password/reset/[\w-]+/[\w-]+/)", page.content.decode()).group(1)
    client.logout()
    _choose_password(client, link)
    assert _logged_in(user, NEW_PASSWORD)
    assert 'data-test="invalid-link"' in client.get(link, follow=True).content.decode()
