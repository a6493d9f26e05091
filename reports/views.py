"""Report pages: the list of runs the user may see, the form that starts a run (per kind), the run's page
with its progress bar (htmx polls the partial every second until the run has ended), the downloads, and
"mark as submitted" (a periodic report, family DUE).

A run is seen by whoever can see its organization (``ReportRun.objects.visible_to``): anything else is a
404, downloads included."""

from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.choices import RunStatus
from core.lists import paginate
from organizations.permissions import Perm
from organizations.scoping import require_anywhere, user_can
from reports import services
from reports.choices import ReportFormat
from reports.forms import MarkSubmittedForm
from reports.kinds import KINDS, ReportError
from reports.models import ReportRun
from reports.tables import RunTable

RUNS_PER_PAGE = 25
CONTENT_TYPES = {
    ReportFormat.PDF: "application/pdf",
    ReportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@login_required
def run_list(request):
    require_anywhere(request.user, Perm.VIEW)
    runs = (ReportRun.objects.visible_to(request.user).select_related("organization", "requested_by")
            .order_by("-requested_at", "-pk"))
    # No filters: every run the user may see, newest first.
    table = paginate(request, RunTable(runs), RUNS_PER_PAGE)
    return render(request, "reports/run_list.html", {"table": table, "kinds": KINDS})


@login_required
@require_http_methods(["GET", "POST"])
def run_create(request):
    require_anywhere(request.user, Perm.VIEW)
    code = request.POST.get("kind") or request.GET.get("kind") or next(iter(KINDS))
    kind = KINDS.get(code)
    if kind is None:
        raise Http404
    form = kind.form_class(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.run_create(user=request.user, kind=code, params=form.params(),
                                      formats=form.cleaned_data["formats"])
        except ReportError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The report is being generated."))
            return redirect("reports:run_detail", pk=run.pk)
    return render(request, "reports/run_create.html", {"form": form, "kind": kind, "kinds": KINDS})


def _run_for(request, pk) -> ReportRun:
    return get_object_or_404(ReportRun.objects.visible_to(request.user).select_related(
        "organization", "requested_by", "submission__report"), pk=pk)


def _run_to_act_on(request, pk, perm: str) -> ReportRun:
    """The run an action changes: seen (else 404), and ``perm`` on its organization (else 403)."""
    run = _run_for(request, pk)
    if not user_can(request.user, perm, run.organization):
        raise PermissionDenied
    return run


def _act_on_run(request, pk, perm: str, action, success):
    """An action on a run (``perm`` on its organization): the service's refusal shown as messages, its success
    with ``success(run)``; back to the run's page either way."""
    run = _run_to_act_on(request, pk, perm)
    try:
        run = action(run)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, success(run))
    return redirect("reports:run_detail", pk=run.pk)


def _context(request, run: ReportRun) -> dict:
    may_mark = (run.kind == "resolution_year" and run.shown_status == RunStatus.DONE and run.submission_id is None
                and run.document_number is not None
                and user_can(request.user, Perm.REPORT_FIGURES, run.organization))
    form = None
    if may_mark:
        year = run.parameters.get("year") or timezone.localdate().year
        form = MarkSubmittedForm(initial={"year": year}, prefix="mark")
    may_issue = (run.shown_status == RunStatus.DONE and run.document_number is None and "pdf" in run.format_list
                 and user_can(request.user, Perm.ISSUE_REPORTS, run.organization))
    may_retry = run.shown_status == RunStatus.FAILED and user_can(request.user, Perm.VIEW, run.organization)
    return {"run": run, "kind": KINDS.get(run.kind), "may_mark": may_mark, "mark_form": form, "may_issue": may_issue,
            "may_retry": may_retry,
            "tccsd": run.organization.is_tccsd, "progress_url": reverse("reports:run_progress", args=[run.pk]),
            "note_template": "reports/_run_note.html", "after_template": "reports/_run_after.html"}


@login_required
def run_detail(request, pk):
    run = _run_for(request, pk)
    return render(request, "reports/run_detail.html", _context(request, run))


@login_required
def run_progress(request, pk):
    """Just the progress and, once done, the downloads: the run page polls it every second until the end."""
    run = _run_for(request, pk)
    return render(request, "_run_progress.html", _context(request, run))


@login_required
def run_download(request, pk, format):
    run = _run_for(request, pk)
    field = run.file_for(format)
    if not field:
        raise Http404
    try:
        handle = field.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    name = f"{services.ascii_slug(run.title)[:80] or run.kind}{Path(field.name).suffix}"
    return FileResponse(handle, as_attachment=True, filename=name, content_type=CONTENT_TYPES[format])


@login_required
@require_POST
def run_issue(request, pk):
    """Give the draft its official number and generate it again as issued (staff with ISSUE_REPORTS there)."""
    return _act_on_run(request, pk, Perm.ISSUE_REPORTS, lambda run: services.issue(run=run, user=request.user),
                       lambda run: _("Issued as number %(ref)s: the document is being generated again with it.")
                       % {"ref": run.document_reference})


@login_required
@require_POST
def run_retry(request, pk):
    """Start a failed run again (whoever may start a report about its organization)."""
    return _act_on_run(request, pk, Perm.VIEW, lambda run: services.run_retry(run=run, user=request.user),
                       lambda run: _("The report is being generated again."))


@login_required
@require_POST
def run_mark_submitted(request, pk):
    run = _run_to_act_on(request, pk, Perm.REPORT_FIGURES)
    form = MarkSubmittedForm(request.POST, prefix="mark")
    if form.is_valid():
        try:
            submission = services.mark_submitted(run=run, report=form.cleaned_data["report"],
                                                 year=form.cleaned_data["year"],
                                                 quarter=form.cleaned_data["quarter"], user=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Recorded: “%(report)s” submitted on %(day)s.") % {
                "report": submission.report, "day": submission.submitted_on.strftime("%d/%m/%Y")})
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect("reports:run_detail", pk=run.pk)
