"""System-wide records that belong to no domain app, and the base of every background run."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.choices import RunStatus


class BackgroundRun(models.Model):
    """Long work a worker does for a user (a recompute, a report), with what the page that polls it shows:
    its status, progress, timings and error (the idea of NetBox's Job). Each step is written on its own
    (``record``), outside the work's transaction, so the poll sees it while the work goes on. A run still
    "running" after ``stale_after_minutes`` lost its worker and is shown as failed."""

    status = models.CharField(_("status"), max_length=8, choices=RunStatus.choices, default=RunStatus.QUEUED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    running_label = pgettext_lazy("run status", "Running")  # what the status badge says while the work goes on
    interrupted_message = _("The work was interrupted: its worker stopped. Start it again.")

    class Meta:
        abstract = True

    def stale_after_minutes(self) -> int | None:
        return None

    @property
    def percent(self) -> int:
        raise NotImplementedError

    @property
    def is_stale(self) -> bool:
        limit = self.stale_after_minutes()
        if self.status != RunStatus.RUNNING or limit is None:
            return False
        since = self.started_at or self.requested_at
        return since is not None and timezone.now() - since > dt.timedelta(minutes=limit)

    @property
    def shown_status(self) -> str:
        return RunStatus.FAILED if self.is_stale else self.status

    @property
    def polling(self) -> bool:
        return self.shown_status in (RunStatus.QUEUED, RunStatus.RUNNING)

    @property
    def shown_error(self) -> str:
        return self.error or (str(self.interrupted_message) if self.shown_status == RunStatus.FAILED else "")

    def record(self, **fields) -> None:
        """Write these fields now, as one statement on this row alone (the instance follows)."""
        type(self).objects.filter(pk=self.pk).update(**fields)
        for name, value in fields.items():
            if not hasattr(value, "resolve_expression"):  # an F() expression: the row has the value
                setattr(self, name, value)

    def mark_running(self, **fields) -> None:
        self.record(status=RunStatus.RUNNING, started_at=timezone.now(), finished_at=None, error="", **fields)

    def mark_done(self, **fields) -> None:
        self.record(status=RunStatus.DONE, finished_at=timezone.now(), **fields)

    def mark_failed(self, message: str, **fields) -> None:
        self.record(status=RunStatus.FAILED, error=str(message)[:2000], finished_at=timezone.now(), **fields)


class WorkerHeartbeat(models.Model):
    """The last time each Celery worker ran the periodic heartbeat task.

    Pages and /healthz read it to say how fresh background work is when the queue or worker is down.
    """

    hostname = models.CharField(_("worker"), max_length=255, unique=True)
    seen_at = models.DateTimeField(_("last seen"))
    beats = models.PositiveBigIntegerField(_("heartbeats"), default=0)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self):
        return f"{self.hostname} @ {self.seen_at:%Y-%m-%d %H:%M:%S}"


class Notification(models.Model):
    """An in-app message to one user (reminders, deadlines, decisions that concern them). ``key`` makes
    sending idempotent: the same reminder for the same user and period is stored once however often a
    job runs."""

    user = models.ForeignKey("auth.User", on_delete=models.CASCADE, related_name="notifications")
    key = models.CharField(max_length=200)
    title = models.CharField(_("title"), max_length=255)
    body = models.TextField(_("message"), blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_key")]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self):
        return self.title


class ImportRun(BackgroundRun):
    """A confirmed Excel import too large for the request (more than UPLOAD_WORKER_ROWS records), run by the
    worker with a progress bar (core.uploads.XlsxUpload.confirm, core.tasks.run_import). ``runner`` is the
    dotted path of the app's ``(user, pending) -> run`` factory, so core names no app; ``pending`` is what the
    preview kept (the file's token and the caller's data)."""

    runner = models.CharField(max_length=200)
    name = models.CharField(_("file"), max_length=255)
    pending = models.JSONField(default=dict)
    done = models.PositiveIntegerField(default=0)  # rows read
    total = models.PositiveIntegerField(default=0)  # rows of the sheet
    count = models.PositiveIntegerField(_("records"), default=0)
    problems = models.JSONField(default=list)  # [{"row", "column", "message"}] when the import was refused
    next_url = models.CharField(max_length=500, blank=True)  # where the finished import leads

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def stale_after_minutes(self) -> int | None:
        return 60

    @property
    def percent(self) -> int:
        if self.status == RunStatus.DONE:
            return 100
        # Reading the rows is most of the work; the save is the last tenth.
        return min(int(self.done * 90 / self.total), 90) if self.total else 0


class ListPreference(models.Model):
    """How one user keeps one list page (``key``, e.g. "members"): the columns they chose to see (empty:
    the list's default) and whether its filters show their counts. One row per user and list, written by
    the column chooser (core.views.list_preference) and read once per page (core.lists.list_page)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="list_preferences")
    key = models.CharField(max_length=40)
    columns = models.JSONField(default=list, blank=True)
    counts = models.BooleanField(null=True, blank=True)  # None: the list's default
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="list_preference_once")]

    def __str__(self):
        return f"{self.user_id}:{self.key}"
