"""Pages that cache what they read, keyed by the freshness of the figures.

Attainments change only when a recompute commits, and every recompute stamps its target's
``attainments_at`` in the same transaction (a failed one stamps ``compute_error_at``); resolutions, targets and
organizations (names shown on the pages) change only through their edits, which write a history row, and the
tree through its operations, each logged as an ``OrganizationEvent``. So ``figures_version()`` — one query over
a few indexed maxima — changes whenever anything a dashboard shows may have changed, and a page cached under it
is never older than the last commit. The key also holds the page's path, the user, the user's role assignments
(scope), the language and the query string, so no
user is ever served a page rendered for another scope."""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.db import connection
from django.utils import translation

TIMEOUT = 600  # seconds; the version makes entries stale long before, this only bounds the memory

_VERSION_SQL = """
SELECT (SELECT max(attainments_at) FROM targets_target),
       (SELECT max(compute_error_at) FROM targets_target),
       (SELECT max(history_date) FROM targets_historicaltarget),
       (SELECT max(history_date) FROM targets_historicalresolution),
       (SELECT max(history_date) FROM organizations_historicalorganization),
       (SELECT max(id) FROM organizations_organizationevent),
       (SELECT string_agg(ra.id || ':' || ra.role || ':' || ra.organization_id, ',' ORDER BY ra.id)
          FROM organizations_roleassignment ra WHERE ra.user_id = %s)
"""


def figures_version(user) -> str:
    with connection.cursor() as cur:
        cur.execute(_VERSION_SQL, [user.pk])
        return "|".join(str(v) for v in cur.fetchone())


def page_key(request, name: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in sorted(request.GET.lists()))
    raw = "|".join([name, request.path, str(request.user.pk), str(request.user.is_superuser),
                    translation.get_language() or "", query, figures_version(request.user)])
    return "dashboard:" + hashlib.sha256(raw.encode()).hexdigest()


def cached_fragment(request, name: str, render):
    """The HTML ``render()`` returns, from the cache when the figures have not changed since it was made."""
    key = page_key(request, name)
    html = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, html, TIMEOUT)
    return html
