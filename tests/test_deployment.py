"""The production shape: docker-compose.yml validates and defines every service with a health check;
the quick start's embedded PostgreSQL starts on its own."""

import os
import subprocess

import yaml

from tests.conftest import ROOT, require_tool


def _compose_config(tmp_path, **env):
    tool = require_tool("docker-compose", "docker-compose")
    # Run from an empty folder so a developer's own .env cannot make the check pass.
    return subprocess.run([tool, "-f", str(ROOT / "docker-compose.yml"), "--project-directory", str(tmp_path),
                           "config", "-q"], capture_output=True, text=True, timeout=60,
                          env={"PATH": os.environ["PATH"], **env})


def test_compose_file_validates_with_debian_docker_compose(tmp_path):
    result = _compose_config(tmp_path, SECRET_KEY="x" * 50, ALLOWED_HOSTS="party.example", POSTGRES_PASSWORD="pw")
    assert result.returncode == 0, result.stderr


def test_compose_refuses_to_start_without_a_secret_key(tmp_path):
    result = _compose_config(tmp_path, ALLOWED_HOSTS="party.example", POSTGRES_PASSWORD="pw")
    assert result.returncode != 0
    assert "set SECRET_KEY" in result.stderr


def test_compose_defines_every_service_with_a_health_check():
    spec = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = spec["services"]
    for name in ("web", "worker", "beat", "db", "redis"):
        assert name in services, name
        assert "healthcheck" in services[name], f"{name} has no health check"
    assert services["migrate"]["restart"] == "no"
    assert "gunicorn" in " ".join(services["web"]["command"])


def test_the_embedded_postgresql_starts_and_has_unaccent(tmp_path):
    import psycopg2

    from config.embedded_db import embedded_database_url

    url = embedded_database_url(tmp_path / "pg", database="probe")
    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        cur.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        cur.execute("SELECT unaccent('Nguyễn Văn Đức')")
        assert cur.fetchone()[0] == "Nguyen Van Duc"
    conn.close()


def test_migrations_match_the_models(db):
    from django.core.management import call_command

    # --check exits non-zero when a model change has no migration yet.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_an_administrator_can_add_a_rating_scheme_in_the_admin(admin_client):
    from members.ratings.models import RatingScheme

    response = admin_client.post("/admin/ratings/ratingscheme/add/", {
        "code": "qd-moi-2030-member", "name": "Quy định mới", "subject": "member", "legal_basis": "Quy định 999-QĐ/TW",
        "valid_from_year": 2030, "cap_percent": "20", "cap_top_level": "HTXS", "cap_base_level": "HTT",
        "forced_level": "KHT", "sick_leave_max_level": "HT", "sick_leave_days": "90",
        "levels-TOTAL_FORMS": "2", "levels-INITIAL_FORMS": "0", "levels-MIN_NUM_FORMS": "0",
        "levels-MAX_NUM_FORMS": "1000",
        "levels-0-code": "HTXS", "levels-0-name": "Hoàn thành xuất sắc nhiệm vụ", "levels-0-rank": "1",
        "levels-1-code": "KHT", "levels-1-name": "Không hoàn thành nhiệm vụ", "levels-1-rank": "2",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    scheme = RatingScheme.objects.get(code="qd-moi-2030-member")
    assert RatingScheme.objects.for_year("member", 2031).first() == scheme
    assert RatingScheme.objects.for_year("member", 2029).first().code == "qd366-2025-member"
    assert list(scheme.levels.values_list("code", flat=True)) == ["HTXS", "KHT"]
