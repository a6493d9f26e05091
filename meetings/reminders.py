"""Cells that logged no regular meeting for a month, and who is reminded about them. Set-based: one query
finds the cells, one finds the recipients of all of them."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings.choices import MeetingKind
from meetings.models import DEFAULT_REMINDER_DAY, Meeting
from organizations.choices import CELL_KINDS, TCCSD_KINDS, Role
from organizations.models import Organization
from organizations.population import above_on, is_under_on


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    """'2025-03' -> (01/03/2025, 01/04/2025)."""
    year, mon = (int(part) for part in month.split("-"))
    start = dt.date(year, mon, 1)
    return start, dt.date(year + (mon == 12), mon % 12 + 1, 1)


def previous_month(today: dt.date) -> str:
    first = today.replace(day=1) - dt.timedelta(days=1)
    return f"{first:%Y-%m}"


def cells_without_regular_meeting(month: str, *, under: Organization | None = None, cell_ids=None):
    """Active cells that existed in ``month`` and have no regular meeting logged in it."""
    start, end = month_bounds(month)
    met = Meeting.objects.filter(cell=OuterRef("pk"), kind=MeetingKind.REGULAR, date__gte=start, date__lt=end)
    qs = (Organization.objects.cells().active().filter(founded_on__lt=end)
          .annotate(met=Exists(met)).filter(met=False))
    if under is not None:
        qs = qs.filter(path__startswith=under.path)
    if cell_ids is not None:
        qs = qs.filter(pk__in=cell_ids)
    return qs


# How many days before a quarter ends the cells without its thematic meeting are reminded (Hướng dẫn 12: one
# thematic meeting a quarter), so there is still time to hold it.
THEMATIC_REMINDER_DAYS_BEFORE = 15


def quarter_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    """The quarter holding ``day``: (its first day, the next quarter's first day)."""
    first_month = (day.month - 1) // 3 * 3 + 1
    start = dt.date(day.year, first_month, 1)
    return start, dt.date(day.year + (first_month == 10), (first_month + 2) % 12 + 1, 1)


def thematic_held(start: dt.date, end: dt.date):
    """A cell (OuterRef pk) held a thematic meeting in [start, end): on its own or with a regular meeting."""
    return Exists(Meeting.objects.filter(cell=OuterRef("pk"), date__gte=start, date__lt=end).filter(
        Q(kind=MeetingKind.THEMATIC) | Q(includes_thematic=True)))


def cells_without_thematic_meeting(day: dt.date, *, under: Organization | None = None):
    """Active cells that existed in the quarter of ``day`` and have no thematic meeting logged in it."""
    start, end = quarter_bounds(day)
    qs = (Organization.objects.cells().active().filter(founded_on__lt=end)
          .annotate(met=thematic_held(start, end)).filter(met=False))
    if under is not None:
        qs = qs.filter(path__startswith=under.path)
    return qs


def send_thematic_reminders(day: dt.date) -> int:
    """Notify the secretaries and grassroots officers of every cell without a thematic meeting in the quarter
    of ``day``; returns notifications created. Idempotent: the key names the cell and the quarter."""
    from django.urls import reverse


    start, end = quarter_bounds(day)
    quarter = (start.month - 1) // 3 + 1
    last_day = end - dt.timedelta(days=1)
    return _notify_cells(cells_without_thematic_meeting(day), lambda cell_id, name: {
        "key": f"thematic-missing:{cell_id}:{start.year}-Q{quarter}",
        "title": _("%(cell)s has no thematic meeting logged for quarter %(q)s/%(y)s") % {
            "cell": name, "q": quarter, "y": start.year},
        "body": _("A cell holds a thematic meeting every quarter: hold and log it by %(day)s.")
        % {"day": last_day.strftime("%d/%m/%Y")},
        "link": reverse("meetings:meeting_create") + f"?cell={cell_id}&kind=thematic"})


def _notify_cells(cells, message) -> int:
    """Notify the secretaries and grassroots officers of each of ``cells`` (an Organization queryset) with
    ``message(cell_id, name)`` (notify's key, title, body, link); returns notifications created."""
    from core.notifications import notify

    missing = list(cells.values_list("pk", "name"))
    recipients = recipients_by_cell(pk for pk, _n in missing)
    return sum(notify(recipients[cell_id], **message(cell_id, name))
               for cell_id, name in missing if recipients.get(cell_id))


# The most specific schedule of each cell: the one of its nearest organization above it today (the tree as
# it stands on the reminder day), else the bloc-wide one.
_CELLS_DUE = """
SELECT c.id FROM organizations_organization c
JOIN LATERAL (
  SELECT s.day_of_month FROM meetings_reminderschedule s
  LEFT JOIN """ + above_on("a", "c.id", "%s") + """ AND a.ancestor_id = s.organization_id
  WHERE s.organization_id IS NULL OR a.ancestor_id IS NOT NULL
  ORDER BY a.ancestor_depth DESC NULLS LAST LIMIT 1
) sched ON TRUE
WHERE c.kind = ANY(%s) AND c.dissolved_on IS NULL AND sched.day_of_month = %s
"""


def cells_due_on(day: dt.date) -> list[int] | None:
    """Ids of the cells whose reminder day (most specific ReminderSchedule) is ``day``; None means every
    cell (no schedule configured and today is the default day); [] means nobody today."""
    from meetings.models import ReminderSchedule

    if not ReminderSchedule.objects.exists():
        return None if day.day == DEFAULT_REMINDER_DAY else []
    with connection.cursor() as cur:
        cur.execute(_CELLS_DUE, [day, list(CELL_KINDS), day.day])
        return [row[0] for row in cur.fetchall()]


def recipients_by_cell(cell_ids) -> dict[int, list]:
    """{cell id: users}: the cell secretaries of the cell and the grassroots officers of its TCCSĐ."""
    from django.contrib.auth import get_user_model


    cell_ids = list(cell_ids)
    if not cell_ids:
        return {}
    sql = """
    SELECT c.id, ra.user_id FROM organizations_organization c
    JOIN organizations_roleassignment ra ON TRUE
    JOIN organizations_organization o ON o.id = ra.organization_id
    WHERE c.id = ANY(%s) AND o.dissolved_on IS NULL AND (
      (ra.role = %s AND o.id = c.id)
      OR (ra.role = %s AND o.kind = ANY(%s) AND """ + is_under_on("c.id", "o.id", "%s") + """))
    """
    with connection.cursor() as cur:
        cur.execute(sql, [cell_ids, Role.CELL_SECRETARY, Role.GRASSROOTS_OFFICER,
                          list(TCCSD_KINDS), timezone.localdate()])
        pairs = cur.fetchall()
    users = get_user_model().objects.in_bulk({u for _c, u in pairs})
    found: dict[int, list] = defaultdict(list)
    for cell_id, user_id in pairs:
        found[cell_id].append(users[user_id])
    return found


def send_reminders(month: str, *, cell_ids=None) -> int:
    """Notify about every cell without a regular meeting in ``month``; returns notifications created.
    Idempotent: the key names the cell and the month."""
    from django.urls import reverse


    start, _end = month_bounds(month)
    return _notify_cells(cells_without_regular_meeting(month, cell_ids=cell_ids), lambda cell_id, name: {
        "key": f"meeting-missing:{cell_id}:{month}",
        "title": _("%(cell)s has no regular meeting logged for %(month)s") % {"cell": name,
                                                                             "month": f"{start:%m/%Y}"},
        "body": _("Log the regular meeting of %(month)s, or tell the grassroots committee why it was not held.")
        % {"month": f"{start:%m/%Y}"},
        "link": reverse("meetings:meeting_create") + f"?cell={cell_id}&month={month}"})
