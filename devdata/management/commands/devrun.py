"""`make run`: migrate, load demo data into an empty database, print the demo login, then serve the
site with a Celery worker and beat (honcho + Procfile). Ctrl-C stops all of it; the embedded
PostgreSQL stops when this process, its last user, exits.

The address comes from ``HOST`` and ``PORT`` (or ``--host`` / ``--port``; default 127.0.0.1:8000). A port
another process holds is found before anything starts: runserver would otherwise exit after the migration and
the demo load, and honcho would stop the worker, beat and database with it."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import BaseCommand, CommandError, call_command
from django.db import connection

from core.env import database_url_from_settings

DEMO_ADMIN = "admin"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


@dataclass(frozen=True)
class Address:
    host: str
    port: int

    @property
    def bind(self) -> str:
        """What runserver takes: an IPv6 address in brackets."""
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"

    @property
    def url(self) -> str:
        # 0.0.0.0 / :: listen everywhere; a browser on this machine reaches them on the loopback address.
        host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(self.host, self.host)
        return f"http://[{host}]:{self.port}/" if ":" in host else f"http://{host}:{self.port}/"


def resolve_address(host: str | None = None, port: int | str | None = None, environ=None) -> Address:
    """The address to serve on: the option if given, else ``HOST`` / ``PORT`` from the environment, else the
    default. A malformed value stops with the variable to fix."""
    environ = os.environ if environ is None else environ
    host = (host or environ.get("HOST") or DEFAULT_HOST).strip().strip("[]")
    raw = port if port not in (None, "") else (environ.get("PORT") or "").strip() or DEFAULT_PORT
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise CommandError(f"PORT={raw!r} is not a port number: set PORT to an integer between 1 and 65535.") from None
    if not 1 <= value <= 65535:
        raise CommandError(f"PORT={value} is out of range: set PORT to an integer between 1 and 65535.")
    return Address(host, value)


def port_taken(address: Address) -> str | None:
    """Why the web server could not listen on ``address`` (None when it can). Binds as runserver does (with
    SO_REUSEADDR, so a socket left in TIME_WAIT by a previous run does not count as busy) and lets go at once."""
    try:
        infos = socket.getaddrinfo(address.host, address.port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        return f"HOST={address.host!r} is not an address of this machine ({error.strerror})"
    family, kind, proto, _, sockaddr = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(sockaddr)
        except OSError as error:
            return error.strerror or str(error)
    return None


def busy_message(address: Address, reason: str) -> str:
    return (
        f"Cannot serve on {address.bind}: {reason}.\n"
        f"Another process is probably using port {address.port} (`ss -ltnp 'sport = :{address.port}'` shows which).\n"
        f"Stop it, or choose another port with the PORT variable, e.g. `PORT={address.port + 1} make run`"
        f" (HOST sets the interface, default {DEFAULT_HOST})."
    )


class Command(BaseCommand):
    help = "Run the application with demo data, a Celery worker and beat (development only)."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=None, help=f"default: $PORT, else {DEFAULT_PORT}")
        parser.add_argument("--host", default=None, help=f"default: $HOST, else {DEFAULT_HOST}")
        parser.add_argument("--no-serve", action="store_true", help="prepare the database and exit")

    def handle(self, *args, port: int | None = None, host: str | None = None, no_serve: bool = False, **options):
        if settings.PRODUCTION:
            self.stderr.write("devrun is for development; production runs gunicorn, worker and beat separately.")
            sys.exit(2)
        address = resolve_address(host, port)
        if not no_serve:
            # Before the migration and the demo load, and before the embedded database starts: nothing to stop.
            self._require_free(address)
        call_command("migrate", interactive=False, verbosity=1)
        call_command("seed_demo", if_empty=True)
        password = self._ensure_demo_admin()
        self.stdout.write(
            self.style.SUCCESS(
                f"\n  Site:      {address.url}\n"
                f"  Login:     {DEMO_ADMIN}\n"
                f"  Password:  {password}\n"
                f"  (stored in {self._credentials_file()}; Ctrl-C stops everything)\n"
            )
        )
        if no_serve:
            return
        # Again: the demo load takes a while, and something may have taken the port meanwhile.
        self._require_free(address)
        env = os.environ.copy()
        # Children talk to the server this process started instead of each starting their own.
        env["DATABASE_URL"] = database_url_from_settings(connection.settings_dict)
        env["PORT"] = str(address.port)
        env["WEB_BIND"] = address.bind
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
        finally:
            if settings.EMBEDDED_BROKER:  # started by this process's settings; its queue is kept on disk
                from core.embedded_broker import folder_from_env, stop_embedded_redis

                stop_embedded_redis(folder_from_env(Path(settings.DATA_DIR)))

    def _require_free(self, address: Address) -> None:
        reason = port_taken(address)
        if reason:
            raise CommandError(busy_message(address, reason), returncode=3)

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
