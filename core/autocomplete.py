"""The JSON a remote picker (Tom Select, static/js/autocomplete.js) reads: ``{"results": [{"value", "text"}],
"more": bool}``, one page of ``PAGE`` rows of an already scoped queryset matching ``?q=``. Each kind of picker
has its own small view (organizations, members) that scopes and searches; this is only the shape."""

from __future__ import annotations

from django.http import JsonResponse

PAGE = 20
MAX_QUERY = 100


def query_text(request) -> str:
    return (request.GET.get("q") or "").strip()[:MAX_QUERY]


def autocomplete_response(queryset, label) -> JsonResponse:
    """The first ``PAGE`` rows of ``queryset`` (ordered by the caller), labelled by ``label(row)``; one query
    (``PAGE + 1`` rows are read to tell whether there are more)."""
    rows = list(queryset[:PAGE + 1])
    return JsonResponse({"results": [{"value": row.pk, "text": label(row)} for row in rows[:PAGE]],
                         "more": len(rows) > PAGE})
