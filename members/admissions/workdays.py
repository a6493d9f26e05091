"""Vietnamese working days (ngày làm việc): Monday to Friday, less the public holidays recorded in
PublicHoliday. The party's deadlines in working days (the ceremony within 30 working days of the
decision, the full-membership consideration within 30 working days after the probation) are counted here.

Each function reads the holidays it needs in one query; ``holidays`` may be passed in to count many
deadlines with one read (lists, reminders)."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Collection

from members.register.models import months_between  # noqa: F401  (one age calculation, the register's)

# The span of calendar days that surely holds n working days: no holiday break is longer than 9 days.
_SLACK_DAYS = 30


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later; a day the target month lacks becomes its last (31/01 + 1 → 28/02)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def holidays_between(start: dt.date, end: dt.date) -> set[dt.date]:
    from members.admissions.models import PublicHoliday

    return set(PublicHoliday.objects.filter(date__gte=start, date__lte=end).values_list("date", flat=True))


def is_working_day(day: dt.date, holidays: Collection[dt.date] | None = None) -> bool:
    if day.weekday() >= 5:
        return False
    if holidays is None:
        holidays = holidays_between(day, day)
    return day not in holidays


def add_working_days(start: dt.date, count: int, holidays: Collection[dt.date] | None = None) -> dt.date:
    """The ``count``-th working day after ``start`` (``start`` itself is not counted): the last day of a
    deadline of ``count`` working days from an event on ``start``."""
    if holidays is None:
        holidays = holidays_between(start, start + dt.timedelta(days=count * 2 + _SLACK_DAYS))
    day = start
    left = count
    while left > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5 and day not in holidays:
            left -= 1
    return day


def working_days_between(start: dt.date, end: dt.date, holidays: Collection[dt.date] | None = None) -> int:
    """Working days in (start, end]: how many working days after ``start`` the day ``end`` falls.
    Negative when ``end`` is before ``start``."""
    if end < start:
        return -working_days_between(end, start, holidays)
    if holidays is None:
        holidays = holidays_between(start, end)
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if day.weekday() < 5 and day not in holidays:
            count += 1
    return count


