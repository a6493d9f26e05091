"""The one Excel upload → preview → commit flow of the application (DESIGN §7: imports are all or
nothing, with a dry-run preview).

An upload is kept under MEDIA_ROOT/imports/<uuid>.xlsx with its token and the caller's data in the
session, and handed to the caller's ``run(path, pending, commit) -> (problems, count)``. The preview runs
inside a transaction that is always rolled back, so it shows exactly what the commit would do and changes
nothing; confirming runs the kept file again for real, rolled back too when anything is wrong. The file is
claimed by an atomic rename first, so of two confirmations sent at once (a double click) only one runs,
and it is deleted afterwards. Uploads abandoned for a day are purged when the next one starts.

Before anything parses it, a kept file is checked (``check_workbook``): its uncompressed size, its rows and
columns against the settings UPLOAD_MAX_UNCOMPRESSED_MB, UPLOAD_MAX_ROWS and UPLOAD_MAX_COLUMNS, and no XML part
may declare a DTD or entities (defusedxml). The check reads the zip's directory and streams each sheet's XML,
stopping at the first limit passed, so a zip bomb, a billion-laughs workbook or a million-row sheet is refused
in well under a second with a message naming the limit, instead of a 500 or minutes of parsing. A row counts by
its number as well as by its element, and so does the sheet's declared dimension: a sparse sheet of two rows
numbered 1 and 1,000,000 would make any reader lay out a million rows.

A file that passes is read by ``sheet_rows`` (python-calamine, Rust): 500,000 rows in seconds where openpyxl's
read-only mode takes minutes, in memory bounded by the limits above (the checked rows × columns).

This module knows no app: the member import and the rating grid upload give it a session key and their
``run``."""

from __future__ import annotations

import re
import time
import uuid
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_IMPORT_BYTES = 10 * 1024 * 1024
MAX_AGE = 24 * 60 * 60  # seconds an abandoned upload is kept

# Larger confirmed imports go to the worker (ImportRun); the web process reports the rows read through this.
_progress: ContextVar[Callable[[int, int], None] | None] = ContextVar("upload_progress", default=None)
PROGRESS_EVERY = 500  # rows between two progress writes

# What an upload's ``run`` returns: the problems found (empty when all is well) and how many records the
# file creates or changes (would create, in the preview).
Run = Callable[[Path, dict, bool], tuple[list, int]]


class XlsxUploadForm(forms.Form):
    """An Excel workbook to import: .xlsx only, at most 10 MB; subclasses add their own fields."""

    file = forms.FileField(label=_("Excel file (.xlsx)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise ValidationError(_("Only Excel workbooks (.xlsx) can be imported. Save the file as .xlsx "
                                    "and upload it again."), code="extension")
        if upload.size > MAX_IMPORT_BYTES:
            raise ValidationError(_("The file is larger than 10 MB. Split it into several files."), code="size")
        return upload


@dataclass
class UploadProblem:
    """A problem of the whole file (no row, no column), shown like an import's own problems."""

    message: str
    row: int | None = None
    column: str | None = None

    def __str__(self):
        return self.message


_SHEET = re.compile(r"^xl/worksheets/[^/]+\.xml$")
_COLUMN_LETTERS = re.compile(r"^[A-Z]+")
_ROW_DIGITS = re.compile(r"[0-9]+$")


def _row_number(ref: str) -> int:
    digits = _ROW_DIGITS.search(ref or "")
    return int(digits.group(0)) if digits else 0


def _column_number(ref: str) -> int:
    letters = _COLUMN_LETTERS.match(ref or "")
    number = 0
    for ch in letters.group(0) if letters else "":
        number = number * 26 + ord(ch) - 64
    return number


def _too_many(limit_name: str, limit: int, what: str) -> str:
    if what == "rows":
        return gettext("A sheet has more than %(limit)s rows (%(setting)s): split the file into several files.") % {
            "limit": f"{limit:,}".replace(",", "."), "setting": limit_name}
    return gettext("A sheet has more than %(limit)s columns (%(setting)s): start from the template.") % {
        "limit": limit, "setting": limit_name}


def check_workbook(path: Path) -> list[UploadProblem]:
    """What refuses ``path`` before it is parsed (empty: parse it). A file that is not a zip is left to the
    parser, which says it is not a workbook."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import iterparse

    max_bytes = settings.UPLOAD_MAX_UNCOMPRESSED_MB * 1024 * 1024
    max_rows, max_columns = settings.UPLOAD_MAX_ROWS, settings.UPLOAD_MAX_COLUMNS
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return []
    with archive:
        entries = archive.infolist()
        if sum(e.file_size for e in entries) > max_bytes:
            return [UploadProblem(gettext(
                "Uncompressed, the file is larger than %(limit)s MB (UPLOAD_MAX_UNCOMPRESSED_MB): it is not a "
                "workbook the application can read. Save it again from Excel or split it.")
                % {"limit": settings.UPLOAD_MAX_UNCOMPRESSED_MB})]
        try:
            for entry in entries:
                if not entry.filename.endswith((".xml", ".rels")):
                    continue
                sheet = bool(_SHEET.match(entry.filename))
                rows = 0
                # ZipExtFile never inflates more than the size the directory declares (checked above).
                with archive.open(entry) as stream:
                    for _event, element in iterparse(stream, forbid_dtd=True):
                        if not sheet:
                            element.clear()
                            continue
                        tag = element.tag.rsplit("}", 1)[-1]
                        if tag == "c":
                            ref = element.get("r", "")
                            if _column_number(ref) > max_columns:
                                return [UploadProblem(_too_many("UPLOAD_MAX_COLUMNS", max_columns, "columns"))]
                            if _row_number(ref) > max_rows:
                                return [UploadProblem(_too_many("UPLOAD_MAX_ROWS", max_rows, "rows"))]
                        elif tag == "row":
                            rows += 1
                            if max(rows, _row_number(element.get("r", ""))) > max_rows:
                                return [UploadProblem(_too_many("UPLOAD_MAX_ROWS", max_rows, "rows"))]
                            element.clear()  # bounded memory: the rows already counted are dropped
                        elif tag == "dimension":
                            # "A1:Z20000": the sheet's own claim of its extent, which readers size from.
                            last = element.get("ref", "").rsplit(":", 1)[-1]
                            if _row_number(last) > max_rows:
                                return [UploadProblem(_too_many("UPLOAD_MAX_ROWS", max_rows, "rows"))]
                            if _column_number(last) > max_columns:
                                return [UploadProblem(_too_many("UPLOAD_MAX_COLUMNS", max_columns, "columns"))]
        except DefusedXmlException:
            return [UploadProblem(gettext("The file declares XML entities or a document type, which workbooks "
                                          "saved by Excel never do: it is refused. Save it again from Excel."))]
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, SyntaxError, ValueError):  # a damaged part
            return [UploadProblem(gettext("The file could not be read as an Excel workbook (.xlsx)."))]
    return []


class UnreadableWorkbook(Exception):
    """The file is not a workbook calamine can read (not a zip, no sheet, a broken part)."""


def _cell_value(value):
    """A calamine value as openpyxl's read-only mode gives it, so the parsers read either alike: an empty
    cell is None, a whole number an int."""
    if value == "":
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def sheet_rows(source) -> Iterator[tuple]:
    """The rows of the first sheet of the checked workbook ``source`` (a path or a binary file), from A1
    (leading empty rows and columns kept, as a spreadsheet shows them), each a tuple of cell values. Raises
    UnreadableWorkbook."""
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_object(str(source) if isinstance(source, Path) else source)
    except (CalamineError, OSError, ValueError, TypeError) as exc:
        raise UnreadableWorkbook(str(exc)) from exc
    try:
        try:
            sheet = workbook.get_sheet_by_index(0)
            start = sheet.start
            rows = sheet.iter_rows()
        except (CalamineError, IndexError, OSError, ValueError) as exc:
            raise UnreadableWorkbook(str(exc)) from exc
        lead = (None,) * (start[1] if start else 0)  # calamine's rows begin at the first used column
        progress, total = _progress.get(), sheet.total_height or 0
        try:
            for index, row in enumerate(rows, start=1):
                if progress is not None and index % PROGRESS_EVERY == 0:
                    progress(index, total)
                yield lead + tuple(_cell_value(v) for v in row)
        except (CalamineError, OSError, ValueError) as exc:
            raise UnreadableWorkbook(str(exc)) from exc
    finally:
        workbook.close()


@dataclass
class UploadResult:
    problems: list = field(default_factory=list)
    count: int = 0
    pending: dict = field(default_factory=dict)  # the token, the file's name and the caller's data
    committed: bool = False
    run: object = None  # the ImportRun when the import went to the worker


MAX_PROBLEMS_SHOWN = 500  # a page of 10,000 errors helps nobody: the first ones and how many more


def preview_context(outcome: UploadResult, *, committing: bool) -> dict:
    """What the preview page (core/templates/uploads/preview.html) shows of an outcome, for every import."""
    return {"problems": outcome.problems[:MAX_PROBLEMS_SHOWN], "problems_total": len(outcome.problems),
            "problems_hidden": max(len(outcome.problems) - MAX_PROBLEMS_SHOWN, 0), "count": outcome.count,
            "pending": outcome.pending, "committing": committing, "outcome": outcome}


def imports_dir() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def pending_path(token) -> Path | None:
    """The kept file of ``token``, or None for anything that is not a uuid (a forged token names no path)."""
    try:
        return imports_dir() / f"{uuid.UUID(str(token))}.xlsx"
    except ValueError:
        return None


def purge_abandoned(max_age: int = MAX_AGE) -> None:
    cutoff = time.time() - max_age
    for path in imports_dir().glob("*.xlsx"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
        except OSError:
            pass  # another request removed it first


class XlsxUpload:
    """The two steps of one kind of import, keyed in the session by ``session_key``."""

    def __init__(self, session_key: str, run: Run, *, max_age: int = MAX_AGE, runner: str = ""):
        """``runner``: the dotted path of a ``(user, pending) -> run`` factory that builds the same ``run`` in
        the worker; with it, a confirmed file of more than UPLOAD_WORKER_ROWS records is imported there."""
        self.session_key, self.run, self.max_age, self.runner = session_key, run, max_age, runner

    def forget(self, request) -> None:
        """Drop this kind's pending upload of the session, and its file."""
        pending = request.session.pop(self.session_key, None)
        if pending:
            path = pending_path(pending.get("token"))
            if path is not None:
                path.unlink(missing_ok=True)

    def preview(self, request, upload, **data) -> UploadResult:
        """Keep ``upload`` and run it without saving. Without problems it waits in the session for
        ``confirm``; with problems the file is dropped (the user fixes it and uploads it again)."""
        self.forget(request)
        purge_abandoned(self.max_age)
        pending = {"token": str(uuid.uuid4()), "name": upload.name, **data}
        path = pending_path(pending["token"])
        with path.open("wb") as fh:
            for chunk in upload.chunks():
                fh.write(chunk)
        refused = check_workbook(path)
        if refused:
            path.unlink(missing_ok=True)
            return UploadResult(refused, 0, pending, committed=False)
        with transaction.atomic():
            problems, count = self.run(path, pending, False)
            transaction.set_rollback(True)  # a preview never saves, whatever ``run`` did
        if problems:
            path.unlink(missing_ok=True)
        else:
            pending["count"] = count  # how the confirmation decides between the request and the worker
            request.session[self.session_key] = pending
        return UploadResult(list(problems), count, pending, committed=False)

    def confirm(self, request, token, *, expect: dict | None = None, next_url: str = "") -> UploadResult | None:
        """Run the kept file of ``token`` for real, all or nothing. None when no such upload waits in this
        session (another token, another grid than ``expect`` says, already confirmed, purged)."""
        pending = request.session.get(self.session_key) or {}
        same = pending.get("token") == token and all(pending.get(k) == v for k, v in (expect or {}).items())
        path = pending_path(pending.get("token")) if same else None
        if path is None:
            return None
        if self.runner and pending.get("count", 0) > settings.UPLOAD_WORKER_ROWS:
            return self._queue(request, path, pending, next_url)
        # Readers take names ending in .xlsx, hence the double suffix.
        claimed = path.with_name(f"{path.stem}.committing.xlsx")
        try:
            path.rename(claimed)  # atomic: of two confirmations sent at once, only one gets the file
        except FileNotFoundError:
            return None
        try:
            with transaction.atomic():
                problems, count = self.run(claimed, pending, True)
                if problems:
                    transaction.set_rollback(True)
        finally:
            claimed.unlink(missing_ok=True)
            request.session.pop(self.session_key, None)
        return UploadResult(list(problems), count if not problems else 0, pending, committed=not problems)

    def _queue(self, request, path: Path, pending: dict, next_url: str) -> UploadResult | None:
        """Hand the kept file to the worker: an ImportRun the user follows on its page."""
        from core.models import ImportRun
        from core.tasks import run_import

        try:
            path.rename(queued_path(pending["token"]))  # claimed, as for a confirmation in the request
        except FileNotFoundError:
            return None
        request.session.pop(self.session_key, None)
        run = ImportRun.objects.create(runner=self.runner, name=pending.get("name", "")[:255], pending=pending,
                                       requested_by=request.user, next_url=next_url)
        queue = settings.UPLOAD_TASK_QUEUE or None  # imports may be routed to workers of their own
        transaction.on_commit(lambda: run_import.apply_async((run.pk,), queue=queue))
        return UploadResult([], 0, pending, committed=False, run=run)


def queued_path(token) -> Path:
    return imports_dir() / f"{uuid.UUID(str(token))}.queued.xlsx"


def run_queued_import(run_id: int) -> None:
    """The worker's side of ``XlsxUpload._queue``: run the kept file for real, all or nothing (each app's
    ``run`` saves through its service in one transaction and saves nothing when it returns problems), writing
    the rows read as it goes, outside that transaction, for the progress bar. A run found started already (a
    redelivery after its worker died) is left as it is: the page shows it interrupted."""
    from django.contrib.auth import get_user_model
    from django.utils.module_loading import import_string

    from core.choices import RunStatus
    from core.models import ImportRun

    run = ImportRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).first()
    if run is None:
        return
    run.mark_running()
    path = queued_path(run.pending["token"])
    last = [0.0]

    def progress(done: int, total: int) -> None:
        if time.monotonic() - last[0] >= 0.5:
            last[0] = time.monotonic()
            run.record(done=done, total=total)

    token = _progress.set(progress)
    try:
        user = get_user_model().objects.get(pk=run.requested_by_id)
        problems, count = import_string(run.runner)(user, run.pending)(path, run.pending, True)
        if problems:
            shown = [{"row": getattr(p, "row", None), "column": getattr(p, "column", None), "message": str(p)}
                     for p in list(problems)[:MAX_PROBLEMS_SHOWN]]
            run.mark_failed(gettext("Nothing was imported: the file has %(count)d problems (the first are listed "
                                    "below). Fix them and upload the file again.") % {"count": len(problems)},
                            problems=shown)
        else:
            run.mark_done(count=count)
    except Exception as exc:
        run.mark_failed(gettext("The import stopped: %(error)s") % {"error": exc})
        raise
    finally:
        _progress.reset(token)
        path.unlink(missing_ok=True)
