"""The UI shell: login, Vietnamese pages, error pages, health, lockout, formats."""

import datetime as dt
import json

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from core.models import WorkerHeartbeat
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_the_login_page(anonymous):
    response = anonymous.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_is_vietnamese(anonymous):
    response = anonymous.get(reverse("login"))
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="vi">' in body
    assert "Đăng nhập" in body
    assert "Mật khẩu" in body


def test_it_logs_in_and_sees_the_vietnamese_home_page(anonymous, member_user):
    response = anonymous.post(reverse("login"), {"username": member_user.username, "password": PASSWORD}, follow=True)
    assert response.status_code == 200
    assert response.wsgi_request.user == member_user
    body = response.content.decode()
    assert "Xin chào" in body
    assert "Đăng xuất" in body


def test_wrong_password_says_so_in_vietnamese(anonymous, member_user):
    response = anonymous.post(reverse("login"), {"username": member_user.username, "password": "sai"})
    assert response.status_code == 200
    assert "mật khẩu chính xác" in response.content.decode()
    assert "_auth_user_id" not in anonymous.session


def test_english_is_available(authenticated):
    response = authenticated.post(reverse("set_language"), {"language": "en", "next": reverse("home")}, follow=True)
    assert response.status_code == 200
    assert "Hello," in response.content.decode()


def test_logout_is_a_post(authenticated):
    response = authenticated.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in authenticated.session


def test_password_change_applies_the_validators(authenticated):
    url = reverse("password_change")
    weak = {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"}
    response = authenticated.post(url, weak)
    assert response.status_code == 200
    body = response.content.decode()
    assert "quá phổ biến" in body or "quá ngắn" in body
    authenticated.user.refresh_from_db()
    assert authenticated.user.check_password(PASSWORD)

    strong = {"old_password": PASSWORD, "new_password1": "Chi-bo-sinh-hoat-2026",
              "new_password2": "Chi-bo-sinh-hoat-2026"}
    response = authenticated.post(url, strong)
    assert response.status_code == 302
    authenticated.user.refresh_from_db()
    assert authenticated.user.check_password("Chi-bo-sinh-hoat-2026")


def test_repeated_failures_lock_the_account(anonymous, member_user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        anonymous.post(reverse("login"), {"username": member_user.username, "password": "sai-mat-khau"})
    response = anonymous.post(reverse("login"), {"username": member_user.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "tạm khóa" in response.content.decode()
    assert "_auth_user_id" not in anonymous.session


def test_404_page_is_vietnamese(authenticated):
    response = authenticated.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_403_and_500_pages_are_vietnamese(rf):
    from config import views

    with translation.override("vi"):
        request = rf.get("/")
        from django.contrib.auth.models import AnonymousUser

        request.user = AnonymousUser()
        assert "Không có quyền truy cập" in views.error_403(request).content.decode()
        response = views.error_500(request)
    assert response.status_code == 500
    assert "Lỗi máy chủ" in response.content.decode()


def test_healthz_reports_database_and_broker(anonymous):
    WorkerHeartbeat.objects.create(hostname="worker@test", seen_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    response = anonymous.get(reverse("healthz"))
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["status"] == "ok"
    assert data["database"]["ok"] and data["broker"]["ok"]
    assert data["worker"]["last_heartbeat"].startswith("2026-01-01")
    assert data["worker"]["fresh"] is False


def test_healthz_answers_503_when_the_broker_is_down(anonymous):
    from config.celery import app

    saved = app.conf.broker_url, app.conf.broker_transport_options
    # A real connection attempt to a closed port: the failure is the broker's, not a mock's.
    app.conf.broker_url, app.conf.broker_transport_options = "redis://127.0.0.1:9/0", {}
    try:
        response = anonymous.get(reverse("healthz"))
    finally:
        app.conf.broker_url, app.conf.broker_transport_options = saved
    assert response.status_code == 503
    data = json.loads(response.content)
    assert data["broker"]["ok"] is False and data["database"]["ok"] is True


def test_dates_and_numbers_use_vietnamese_conventions():
    template = Template("{% load humanize %}{{ d|date:'SHORT_DATE_FORMAT' }} {{ n|floatformat:'1g' }} "
                        "{{ big|intcomma }} {{ pk }}")
    with translation.override("vi"):
        rendered = template.render(Context({"d": dt.date(2025, 3, 7), "n": 1234.5, "big": 2712, "pk": 5461}))
    assert rendered == "07/03/2025 1.234,5 2.712 5461"  # ids stay plain, counts are grouped


def test_date_fields_accept_dd_mm_yyyy():
    from django import forms

    class F(forms.Form):
        day = forms.DateField()

    with translation.override("vi"):
        form = F({"day": "15/11/2024"})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == dt.date(2024, 11, 15)
