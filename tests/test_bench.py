"""The scale tiers and the benchmark suite (issue 11) on the smallest tier: the generator writes a valid tree
with treebeard's own path encoding, is deterministic and can be dropped; the benchmark runs end to end and its
hand-written SQL reproduces the engine's figures exactly. The timings themselves are reported, never asserted
(docs/PERFORMANCE.md)."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.core.management import call_command
from django.db import connection

from devdata.scale import path_step, step_number


def test_path_steps_are_treebeards():
    from organizations.models import Organization

    for number in (1, 9, 10, 35, 36, 37, 1295, 1296, 46_655, 1_679_615):
        assert path_step(number) == Organization._get_path("", 1, number)
        assert step_number(path_step(number)) == number
    with pytest.raises(ValueError):
        path_step(36 ** 4)


def tier_digest(code: str) -> str:
    """What the tier holds, independent of the ids the database handed out."""
    queries = [
        "SELECT o.path, o.kind, o.name, o.numchild FROM organizations_organization o WHERE o.path LIKE %(p)s"
        " ORDER BY 1",
        "SELECT p.path, lower(p.valid), upper(p.valid) FROM organizations_organizationplacement p"
        " WHERE p.path LIKE %(p)s ORDER BY 1, 2",
        "SELECT m.full_name, m.birth_date, m.citizen_id, c.path, lower(mp.valid), upper(mp.valid)"
        " FROM members_member m JOIN members_membershipperiod mp ON mp.member_id = m.id"
        " JOIN organizations_organization c ON c.id = mp.cell_id"
        " WHERE c.path LIKE %(p)s ORDER BY 3, 5",
        "SELECT c.path, m.date, m.kind, a.status, count(*) FROM meetings_attendance a JOIN meetings_meeting m"
        " ON m.id = a.meeting_id JOIN organizations_organization c ON c.id = m.cell_id WHERE c.path LIKE %(p)s"
        " GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4",
        "SELECT mm.citizen_id, r.year, l.code FROM members_memberrating r JOIN members_member mm ON mm.id = r.member_id"
        " JOIN members_ratinglevel l ON l.id = r.decided_level_id JOIN organizations_organization c ON c.id = r.cell_id"
        " WHERE c.path LIKE %(p)s ORDER BY 1, 2",
    ]
    from devdata.scale import tier_root

    root = tier_root("bloc")
    digest = hashlib.sha256()
    with connection.cursor() as cur:
        for sql in queries:
            cur.execute(sql, {"p": root.path + "%"})
            for row in cur.fetchall():
                digest.update(repr(row).encode())
    return digest.hexdigest()


# Counted after a first request: the overview's and the drill-downs' content comes from the cache then
# (targets/dashboards/cache.py), so they read no figure.
BENCH_PAGE_QUERIES = {"healthz (ceiling)": 4, "dashboard overview": 7, "dashboard drill-down": 9,
                      "dashboard drill-down (TCCSĐ)": 9, "member list": 10, "member search 'nguyen van'": 10}


def test_bloc_tier_and_quick_bench(transactional_db, output_dir):
    """The CI smoke of `make bench`: seed the bloc tier, run the quick bench (no worker, pages in-process), check
    what it found; then drop the tier, rebuild it with the same seed and get the same data."""
    from devdata.scale import TIERS, tier_exists
    from organizations.models import Organization

    call_command("bench", tier="bloc", quick=True, repeat=2, floor_repeat=1, output=str(output_dir), verbosity=0)
    result = json.loads((output_dir / "bench-latest.json").read_text())

    assert result["seeded"]["counts"]["tccsd"] == 68 and result["seeded"]["counts"]["cells"] == 300
    assert result["data"]["members"] == 2712
    assert 25_000 < result["data"]["attendance_last_year"] < 40_000  # DESIGN §6: ~33,000 a year
    assert Organization.objects.find_problems() == ([], [], [], [], [])
    # The tier is written with triggers off (session_replication_role): its ancestry is built explicitly, and
    # equals what the triggers' rebuild gives.
    from django.db import connection

    from organizations.population import ANCESTRY, rebuild_ancestry

    def ancestry():
        with connection.cursor() as cur:
            cur.execute(f"SELECT organization_id, ancestor_id, kind, depth, valid FROM {ANCESTRY} ORDER BY 1, 2, 5")
            return cur.fetchall()

    built = ancestry()
    assert len(built) > 336
    rebuild_ancestry()
    assert ancestry() == built
    rec = result["recompute"]
    assert rec["targets"] == 25 and rec["rows"] > 0
    for pair in rec["pairs"]:  # the hand-written SQL computes exactly the engine's figures
        assert pair["figures"]["compared"] > 0, pair
        assert pair["figures"]["mismatched"] == 0, pair
        assert pair["figures"]["floor_only"] == 0 and pair["figures"]["app_only"] == 0, pair
    for label, page in result["pages"]["pages"].items():
        assert page["status"] == [200], (label, page)
    # The counts docs/PERFORMANCE.md gives (constant across tiers; was: each under 30).
    assert {label: page["queries"] for label, page in result["pages"]["pages"].items()} == BENCH_PAGE_QUERIES
    assert result["excel"]["rows"] == 2712 and result["excel"]["bytes"] > 100_000, result["excel"]
    assert "seconds" in result["pdf"] or "skipped" in result["pdf"], result["pdf"]
    assert "full recompute" in result["table"]

    first = tier_digest(TIERS["bloc"].code)
    call_command("seed_scale", tier="bloc", drop=True, verbosity=0)
    assert not tier_exists("bloc")
    assert not Organization.objects.filter(code=TIERS["bloc"].code).exists()
    call_command("seed_scale", tier="bloc", verbosity=0)
    assert tier_digest(TIERS["bloc"].code) == first


@pytest.mark.worker
def test_bench_incremental_and_pages_through_worker_and_gunicorn(transactional_db, output_dir):
    """The parts the quick run leaves out: a rating change through a real worker and pages through gunicorn."""
    call_command("bench", tier="bloc", skip="recompute,export,pdf", repeat=3, incremental_runs=1,
                 output=str(output_dir), verbosity=0)
    result = json.loads((output_dir / "bench-latest.json").read_text())
    run = result["incremental"]["runs"][0]
    assert run["seconds"] is not None and run["value_changed"], result["incremental"]
    assert run["targets_recomputed"] >= 1
    assert result["pages"]["stack"] == "gunicorn"
    for label, page in result["pages"]["pages"].items():
        assert page["status"] == [200], (label, page)
