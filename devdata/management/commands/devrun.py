"""`make run`: migrate, load demo data into an empty database, print the demo login, then serve the
site with a Celery worker and beat (honcho + Procfile). Ctrl-C stops all of it; the embedded
PostgreSQL stops when this process, its last user, exits."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import BaseCommand, call_command
from django.db import connection

from core.env import database_url_from_settings

DEMO_ADMIN = "admin"


class Command(BaseCommand):
    help = "Run the application with demo data, a Celery worker and beat (development only)."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="prepare the database and exit")

    def handle(self, *args, port: int, no_serve: bool, **options):
        if settings.PRODUCTION:
            self.stderr.write("devrun is for development; production runs gunicorn, worker and beat separately.")
            sys.exit(2)
        call_command("migrate", interactive=False, verbosity=1)
        call_command("seed_demo", if_empty=True)
        password = self._ensure_demo_admin()
        self.stdout.write(
            self.style.SUCCESS(
                f"\n  Site:      http://127.0.0.1:{port}/\n"
                f"  Login:     {DEMO_ADMIN}\n"
                f"  Password:  {password}\n"
                f"  (stored in {self._credentials_file()}; Ctrl-C stops everything)\n"
            )
        )
        if no_serve:
            return
        env = os.environ.copy()
        # Children talk to the server this process started instead of each starting their own.
        env["DATABASE_URL"] = database_url_from_settings(connection.settings_dict)
        env["PORT"] = str(port)
        env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
        env.setdefault("PYTHONUNBUFFERED", "1")
        proc = subprocess.Popen(
            [sys.executable, "-m", "honcho", "start", "-f", str(settings.BASE_DIR / "Procfile")],
            cwd=settings.BASE_DIR,
            env=env,
        )
        try:
            proc.wait()
        except KeyboardInterrupt:
            # honcho got the same SIGINT and stops its children; wait for it so the database goes last.
            proc.wait()

    def _credentials_file(self) -> Path:
        return Path(settings.DATA_DIR) / "demo-admin-password.txt"

    def _ensure_demo_admin(self) -> str:
        path = self._credentials_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            password = path.read_text().strip()
        else:
            password = secrets.token_urlsafe(12)
            path.write_text(password + "\n")
            path.chmod(0o600)
        User = get_user_model()
        user, _ = User.objects.get_or_create(
            username=DEMO_ADMIN, defaults={"first_name": "Quản trị", "last_name": "viên",
                                           "email": "admin@example.invalid"}
        )
        user.is_staff = True
        user.is_superuser = True
        user.set_password(password)
        user.save()
        return password
