"""URL access of the boards that read the records directly (/boards/: the cross-cutting board and the member
composition). Like the other list pages (meetings:overview): every role opens them for the top of its own
subtree (200), a user without a role gets 403. An organization outside the scope asked for by ``?org=`` is a
404, tested in tests/test_boards.py."""

from __future__ import annotations

from tests.url_access import VIEWERS, Access

ACCESS: dict[str, Access] = {
    "boards:overview": Access(ok=VIEWERS),
    "boards:composition": Access(ok=VIEWERS),
}
