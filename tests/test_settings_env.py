"""Typed environment readers and the production mode's refusals."""

import os
import secrets
import subprocess
import sys

import pytest

from core.env import ImproperlyConfiguredEnv, database_url_from_settings, env_bool, env_int, parse_database_url
from tests.conftest import ROOT


def test_it_reads_booleans_strictly(monkeypatch):
    monkeypatch.setenv("X_FLAG", "yes")
    assert env_bool("X_FLAG") is True
    monkeypatch.setenv("X_FLAG", "0")
    assert env_bool("X_FLAG", default=True) is False
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfiguredEnv, match="X_FLAG='maybe' is not a boolean"):
        env_bool("X_FLAG")


def test_it_reads_integers_strictly(monkeypatch):
    monkeypatch.setenv("X_NUM", "12")
    assert env_int("X_NUM", 3) == 12
    monkeypatch.delenv("X_NUM")
    assert env_int("X_NUM", 3) == 3
    monkeypatch.setenv("X_NUM", "twelve")
    with pytest.raises(ImproperlyConfiguredEnv, match="X_NUM='twelve' is not an integer"):
        env_int("X_NUM", 3)


def test_it_parses_database_urls_both_ways():
    db = parse_database_url("postgres://pb:s%40cret@db.example:5433/party?sslmode=require")
    assert (db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "party", "pb", "s@cret", "db.example", "5433")
    assert db["OPTIONS"] == {"sslmode": "require"}
    assert parse_database_url(database_url_from_settings(db))["PASSWORD"] == "s@cret"

    socket = parse_database_url("postgresql://postgres:@/partybuilding?host=/tmp/pg%20dir")
    assert socket["HOST"] == "/tmp/pg dir" and socket["NAME"] == "partybuilding"
    assert parse_database_url(database_url_from_settings(socket, name="test_x"))["HOST"] == "/tmp/pg dir"


def test_it_refuses_databases_other_than_postgresql():
    with pytest.raises(ImproperlyConfiguredEnv, match="PostgreSQL only"):
        parse_database_url("sqlite:///db.sqlite3")


def _django_setup(env_overrides: dict, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SECRET_KEY", "DEBUG"))}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings", "DATABASE_URL": "postgres://u@127.0.0.1:1/x",
                "REDIS_URL": "redis://127.0.0.1:1/0"})
    env.update(env_overrides)
    cmd = [sys.executable, "manage.py", *args] if args else [sys.executable, "-c", "import django; django.setup()"]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_production_refuses_the_default_secret_key():
    result = _django_setup({"DJANGO_ENV": "production", "ALLOWED_HOSTS": "party.example"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_debug():
    result = _django_setup({"DJANGO_ENV": "production", "ALLOWED_HOSTS": "party.example",
                            "SECRET_KEY": secrets.token_urlsafe(50), "DEBUG": "1"})
    assert result.returncode != 0
    assert "DEBUG" in result.stderr


def test_production_needs_a_database_url():
    env = {"DJANGO_ENV": "production", "ALLOWED_HOSTS": "party.example", "SECRET_KEY": secrets.token_urlsafe(50)}
    result = _django_setup({**env, "DATABASE_URL": ""})
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_check_deploy_is_clean_with_production_settings():
    result = _django_setup(
        {"DJANGO_ENV": "production", "ALLOWED_HOSTS": "party.example", "SECRET_KEY": secrets.token_urlsafe(50)},
        "check", "--deploy", "--fail-level", "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
