"""Issue 19 item 9, end to end: the quick start's own processes (the Procfile `make run` starts under honcho:
runserver, the worker and beat, each worker and beat through config.supervise) on the embedded Redis (no
REDIS_URL) take a burst of 50 concurrent rating-grid saves over HTTP while the worker is killed in the middle
of the recompute they caused. Nothing is lost: every save answers with its redirect and is in the database,
the web process answers while the worker is down and started again, and the figures the worker computes
afterwards are those of all 50 saves (counted by hand below)."""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import threading
from urllib.parse import urlencode

import psutil
import pytest

from core.embedded_broker import stop_embedded_redis
from devdata.bench import child_env, free_port
from members.ratings.models import MemberRating
from organizations.choices import OrgKind
from organizations.services import organization_create
from targets.engine.choices import RunKind
from targets.engine.models import Attainment, PendingChange, RecomputeRun
from targets.engine.recompute import full_plan, run_recompute
from tests.conftest import FOUNDED, ROOT
from tests.factories import make_member
from tests.test_ratings_views import browser_data, decide_all, grid_url
from tests.test_targets_worker import HTT_PLUS, YEAR, resolution, settle_setup, wait_until

GRIDS = 50
PAUSE = 4  # seconds the worker waits after each target it recomputes: time to kill it in the middle


class QuickStart:
    """honcho running the project's Procfile against the test database, on a broker of its own."""

    def __init__(self, tmp_path, output_dir):
        self.port = free_port()
        self.redis_dir = tmp_path / "redis"  # short: a Unix socket path is limited to 107 bytes
        env = child_env(PORT=self.port, WEB_BIND=f"127.0.0.1:{self.port}", EMBEDDED_REDIS_DIR=self.redis_dir,
                        TARGETS_DEBOUNCE_SECONDS=2, TARGETS_RECOMPUTE_PAUSE=PAUSE, CELERY_VISIBILITY_TIMEOUT=5,
                        PYTHONUNBUFFERED=1)
        env.pop("REDIS_URL")  # the quick start's default: the embedded broker
        env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
        self.log_path = output_dir / "honcho.log"
        self.log = open(self.log_path, "w")  # noqa: SIM115  (written by honcho until stop())
        self.proc = subprocess.Popen([sys.executable, "-m", "honcho", "start", "-f", str(ROOT / "Procfile")],
                                     cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)

    def output(self) -> str:
        return self.log_path.read_text(errors="ignore")

    def request(self, method, path, body=None, headers=None, timeout=60):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, response.getheader("Location"), response.read()
        finally:
            conn.close()

    def healthy(self) -> bool:
        try:
            return self.request("GET", "/healthz", timeout=5)[0] == 200
        except OSError:
            return False

    def workers(self) -> list[psutil.Process]:
        """The Celery worker processes under honcho (not the supervise wrappers around them)."""
        found = []
        for child in psutil.Process(self.proc.pid).children(recursive=True):
            try:
                cmd = child.cmdline()
            except psutil.NoSuchProcess:
                continue
            if "celery" in " ".join(cmd) and "worker" in cmd and "config.supervise" not in cmd:
                found.append(child)
        return found

    def stop(self):
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        except ProcessLookupError:
            pass
        self.log.close()
        stop_embedded_redis(self.redis_dir)


@pytest.mark.worker
def test_the_quick_start_loses_nothing_in_a_burst_of_50_grid_saves_with_the_worker_killed(
        transactional_db, tree, client_for, tmp_path, output_dir):
    cells = [tree.a2] + [organization_create(name=f"Chi bộ Thử {i}", kind=OrgKind.GRASSROOTS_CELL,
                                             parent=tree.bloc_a, founded_on=FOUNDED) for i in range(1, GRIDS)]
    members = {cell.pk: [make_member(cell), make_member(cell)] for cell in cells}
    _, (target,) = resolution(tree.bloc_a, "RB", [("R-mem", {"levels": HTT_PLUS}, "gte", 90)])
    run_recompute(RecomputeRun.objects.create(kind=RunKind.FULL), full_plan(RecomputeRun(kind=RunKind.FULL)))
    settle_setup()
    assert not MemberRating.objects.exists()

    # What each staff member's browser would post: the grid page as served, then the cell's decisions. Even
    # cells decide both members HTT; odd ones one HTT and one HT. By hand: 25 × 2 + 25 × 1 = 75 of 100
    # members at HTT or better in the bloc.
    client = client_for("committee_staff")
    posts = []
    for i, cell in enumerate(cells):
        first, second = members[cell.pk]
        changes = {**decide_all([first], "HTT"), **decide_all([second], "HTT" if i % 2 == 0 else "HT")}
        page = client.get(grid_url(cell))
        posts.append((grid_url(cell), urlencode(browser_data(page, changes,
                                                              csrfmiddlewaretoken=page.context["csrf_token"]))))
    cookies = f"sessionid={client.cookies['sessionid'].value}; csrftoken={client.cookies['csrftoken'].value}"
    headers = {"Cookie": cookies, "Content-Type": "application/x-www-form-urlencoded"}

    quick_start = QuickStart(tmp_path, output_dir)
    try:
        wait_until(quick_start.healthy, output_dir, timeout=120, what="the web process did not answer")
        wait_until(lambda: " ready." in quick_start.output(), output_dir, timeout=120,
                   what="the worker did not start")
        answers: dict[str, tuple] = {}

        def save(url, body):
            try:
                status, location, _ = quick_start.request("POST", url, body, headers)
                answers[url] = (status, location)
            except OSError as error:
                answers[url] = (repr(error), None)

        def burst(batch):
            threads = [threading.Thread(target=save, args=post) for post in batch]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()

        burst(posts[:GRIDS // 2])
        # The first saves queued a recompute at once; kill the worker while it runs it (SIGKILL: no cleanup).
        wait_until(lambda: RecomputeRun.objects.filter(kind=RunKind.CHANGES, status="running").exists(),
                   output_dir, timeout=120, what="no recompute started after the first saves")
        [worker] = quick_start.workers()
        worker.kill()
        worker.wait(timeout=10)
        # While no worker runs: the other half of the burst, and the site keeps answering.
        assert quick_start.workers() == [] or quick_start.workers()[0].pid != worker.pid
        burst(posts[GRIDS // 2:])
        assert quick_start.healthy()

        wrong = {url: answer for url, answer in answers.items() if answer != (302, url)}
        assert len(answers) == GRIDS and not wrong, wrong
        # Every save is in the database, as posted.
        decided = MemberRating.objects.decided().filter(year=YEAR)
        assert decided.count() == 2 * GRIDS
        assert decided.filter(decided_level__code="HT").count() == GRIDS // 2

        # supervise started the worker again, and it recomputed what every save changed.
        wait_until(lambda: len(quick_start.workers()) == 1 and quick_start.workers()[0].pid != worker.pid,
                   output_dir, timeout=60, what="the worker was not started again")

        def settled():
            row = Attainment.objects.filter(target=target, organization=tree.bloc_a, year=YEAR).first()
            return row is not None and (row.numerator, row.denominator) == (75, 100) \
                and not PendingChange.objects.exists()

        wait_until(settled, output_dir, timeout=180, what="the figures of all 50 saves were not computed")
        assert "exited with -9" in quick_start.output()  # config.supervise saw the kill
        assert quick_start.proc.poll() is None  # honcho did not stop everything
        assert quick_start.healthy()
        rows = {a.organization_id: (a.numerator, a.denominator)
                for a in Attainment.objects.filter(target=target, year=YEAR, organization__in=cells)}
        assert rows == {cell.pk: (2 if i % 2 == 0 else 1, 2) for i, cell in enumerate(cells)}
        bloc = Attainment.objects.get(target=target, organization=tree.bloc_a, year=YEAR)
        assert bloc.status != "met"  # 75 % against "at least 90 %"
    finally:
        quick_start.stop()
