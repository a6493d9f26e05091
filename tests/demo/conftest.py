"""The full demo data set, built once for the whole test run.

``manage.py seed_demo --seed 2025`` (the register, then admissions, ratings, inspections, meetings and the
targets: about a minute) runs once, when the first test of this package needs it, inside a transaction that is
rolled back when the last test of the package has run. Every test here runs in a savepoint of that
transaction (pytest-django's own per-test transaction), so what a test changes — even a ``--reset`` rebuild —
is undone before the next one, and no test outside this package ever sees the demo.

Why a package fixture rather than a session fixture: pytest runs a package's modules one after the other, so
the transaction stays open only while this package runs, and the rest of the suite starts from the empty
database it expects. Why the full demo for both modules: the register-only build (``--register-only``) was a
second build of its own, and every assertion about the register holds unchanged in the full demo (the later
loaders link admitted candidates to existing members, rate, discipline and log meetings; they add no member and
change no seed 000 figure). The one adaptation: the determinism test compares a register-only rebuild with the
register digest the build printed before the other loaders ran (today equal to the digest of the full demo's
members, but that is not what the test is about).

The demo's history ends on the day it is built for (``--today``, default the real today). These tests build it
for ``DEMO_TODAY`` (31/12/2025, the last day of the seed documents' terms), so the figures they count by hand
stay true whatever day the suite runs; tests/test_demo_today.py builds it for other days.

The tests are marked ``demo`` (pyproject.toml); ``make test-fast`` leaves them out."""

from __future__ import annotations

import datetime as dt
import io
import re
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import connection, transaction

DEMO_TODAY = dt.date(2025, 12, 31)


@pytest.fixture(scope="package")
def demo_data(django_db_setup, django_db_blocker):
    """The output of the build, and the digest of the register it printed before the other records were added."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = io.StringIO()
        # Verbosity 2 prints the register's digest (devdata.demo.register.member_digest) as it stood when the
        # register was complete, before admissions added the members they admit.
        call_command("seed_demo", seed=2025, today=DEMO_TODAY, stdout=out, verbosity=2)
        output = out.getvalue()
        found = re.search(r"^Register digest: (\w+)$", output, re.MULTILINE)
        assert found, "seed_demo -v 2 no longer prints the register digest"
        # Check the build's deferred foreign keys now, once. Otherwise they stay pending in this transaction,
        # and Django checks constraints at the end of every test (SET CONSTRAINTS ALL IMMEDIATE in the test's
        # savepoint, undone by its rollback): four seconds of checking the whole demo again after each test.
        connection.check_constraints()
        yield SimpleNamespace(output=output, register_digest=found.group(1))
        transaction.set_rollback(True)
    # The rolled-back build leaves its rows behind as dead tuples, and the planner statistics of the ANALYZE
    # seed_demo ran inside it (row estimates of thousands for tables that are empty again): clean both up, or
    # every later test that scans a table pays for the demo (the POST walk's snapshots ran three times slower).
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
