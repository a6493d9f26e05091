"""``python -m config.supervise CMD ...``: run CMD and start it again whenever it exits, until this process is
told to stop (SIGTERM or SIGINT, passed on to CMD). The Procfile runs the worker and beat through it, because
honcho stops every process, the web server included, as soon as one of them exits: a worker that crashed used
to take the whole quick start down with it (issue 19 item 9)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

RESTART_DELAY = 1.0  # seconds before a restart, doubled while CMD keeps dying at once, at most MAX_DELAY
MAX_DELAY = 30.0
STABLE_AFTER = 60.0  # a run that lasted this long resets the delay


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: python -m config.supervise CMD [ARGS...]", file=sys.stderr)
        return 2
    stopping = False
    child: subprocess.Popen | None = None

    def stop(signum, _frame):
        nonlocal stopping
        stopping = True
        if child is not None and child.poll() is None:
            child.send_signal(signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    delay = RESTART_DELAY
    code = 0
    while not stopping:
        started = time.monotonic()
        child = subprocess.Popen(argv)
        code = child.wait()
        if stopping:
            break
        delay = RESTART_DELAY if time.monotonic() - started > STABLE_AFTER else delay
        print(f"supervise: {argv[0]} exited with {code}; starting it again in {delay:.0f} s", file=sys.stderr,
              flush=True)
        deadline = time.monotonic() + delay
        while not stopping and time.monotonic() < deadline:
            time.sleep(0.1)
        delay = min(delay * 2, MAX_DELAY)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
