"""A user's in-app notifications (written by ``core.notifications.notify``)."""

import re

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core.lists import paginate
from core.models import ListPreference, Notification
from core.notifications import mark_read
from core.tables import NotificationTable

PER_PAGE = 30


@login_required
def notification_list(request):
    # A notification belongs to one user, not to an organization: the user's own, not visible_to.
    table = paginate(request, NotificationTable(Notification.objects.filter(user=request.user)), PER_PAGE)
    return render(request, "notifications.html", {"table": table})


@login_required
@require_POST
def notification_read(request, pk):
    """Mark one notification read and follow its link (a POST: reading changes state)."""
    note = get_object_or_404(Notification, pk=pk, user=request.user)
    mark_read(note)
    safe = note.link and url_has_allowed_host_and_scheme(note.link, {request.get_host()})
    return redirect(note.link if safe else "notification_list")


def _import_run_for(request, pk):
    """An import in the worker is its requester's own (like a notification): another user's does not exist."""
    from core.models import ImportRun

    return get_object_or_404(ImportRun, pk=pk, requested_by=request.user)


def _import_context(run) -> dict:
    from django.urls import reverse

    return {"run": run, "progress_url": reverse("import_run_progress", args=[run.pk]),
            "after_template": "uploads/_import_after.html"}


@login_required
def import_run_detail(request, pk):
    run = _import_run_for(request, pk)
    return render(request, "uploads/import_run.html", _import_context(run))


@login_required
def import_run_progress(request, pk):
    """Just the progress bar: the page polls it every second until the import has ended."""
    return render(request, "_run_progress.html", _import_context(_import_run_for(request, pk)))


@login_required
@require_POST
def list_preference(request, key):
    """Keep the columns a user chose for a list (and whether its filters show counts), then go back to it.
    The names are kept as given; the list shows only those of its own columns (ListTable.show_columns), so
    a stale or forged name changes nothing. "reset" returns to the list's default."""
    if not re.fullmatch(r"[a-z0-9_]{1,40}", key):
        raise Http404
    if "reset" in request.POST:
        ListPreference.objects.filter(user=request.user, key=key).delete()
    else:
        defaults = {"columns": [c[:60] for c in request.POST.getlist("columns")[:40]]}
        if request.POST.get("counts") in ("on", "off"):
            defaults = {"counts": request.POST["counts"] == "on"}
        ListPreference.objects.update_or_create(user=request.user, key=key, defaults=defaults)
    back = request.POST.get("next", "")
    # Only a path on this site: anything else (a forged or mangled "next") goes home, never to reverse().
    if back.startswith("/") and url_has_allowed_host_and_scheme(back, {request.get_host()}):
        return HttpResponseRedirect(back)
    return redirect("home")
