"""Vietnamese working days (ngày làm việc): Monday to Friday, less the public holidays recorded in
PublicHoliday. The party's deadlines in working days (the ceremony within 30 working days of the
decision, the full-membership consideration within 30 working days after the probation) are counted here.

Each function reads the holidays it needs in one query; ``holidays`` may be passed in to count many
deadlines with one read (lists, reminders)."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Collection

# The span of calendar days that surely holds n working days: no holiday break is longer than 9 days.
_SLACK_DAYS = 30


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later; a day the target month lacks becomes its last (31/01 + 1 → 28/02)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from ``start`` to ``end`` (age in months: 18 years 0 months is 216)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day and not (end.day == calendar.monthrange(end.year, end.month)[1]):
        months -= 1
    return months


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


# Weekdays off in 2020–2027 (the government's announcements; 2027 is provisional). Weekend days inside a
# break are not listed: they are not working days anyway. Shipped by migration members 0003_admission_data.
STANDARD_HOLIDAYS: list[tuple[str, str]] = [
    # 2020 (Labour Code 2012)
    ("2020-01-01", "Tết Dương lịch"),
    *[(d, "Tết Nguyên đán Canh Tý") for d in ("2020-01-23", "2020-01-24", "2020-01-27", "2020-01-28", "2020-01-29")],
    ("2020-04-02", "Giỗ Tổ Hùng Vương"),
    ("2020-04-30", "Ngày Giải phóng miền Nam"), ("2020-05-01", "Ngày Quốc tế Lao động"),
    ("2020-09-02", "Quốc khánh"),
    # 2021 (Labour Code 2019: two days for National Day)
    ("2021-01-01", "Tết Dương lịch"),
    *[(d, "Tết Nguyên đán Tân Sửu") for d in ("2021-02-10", "2021-02-11", "2021-02-12", "2021-02-15", "2021-02-16")],
    ("2021-04-21", "Giỗ Tổ Hùng Vương"),
    ("2021-04-30", "Ngày Giải phóng miền Nam"), ("2021-05-03", "Nghỉ bù Ngày Quốc tế Lao động"),
    ("2021-09-02", "Quốc khánh"), ("2021-09-03", "Quốc khánh"),
    # 2022
    ("2022-01-03", "Nghỉ bù Tết Dương lịch"),
    *[(d, "Tết Nguyên đán Nhâm Dần") for d in ("2022-01-31", "2022-02-01", "2022-02-02", "2022-02-03", "2022-02-04")],
    ("2022-04-11", "Nghỉ bù Giỗ Tổ Hùng Vương"),
    ("2022-05-02", "Nghỉ bù Ngày Giải phóng miền Nam"), ("2022-05-03", "Nghỉ bù Ngày Quốc tế Lao động"),
    ("2022-09-01", "Quốc khánh"), ("2022-09-02", "Quốc khánh"),
    # 2023
    ("2023-01-02", "Nghỉ bù Tết Dương lịch"),
    *[(d, "Tết Nguyên đán Quý Mão") for d in ("2023-01-20", "2023-01-23", "2023-01-24", "2023-01-25", "2023-01-26")],
    ("2023-05-01", "Ngày Quốc tế Lao động"), ("2023-05-02", "Nghỉ bù Giỗ Tổ Hùng Vương"),
    ("2023-05-03", "Nghỉ bù Ngày Giải phóng miền Nam"),
    ("2023-09-01", "Quốc khánh"), ("2023-09-04", "Nghỉ bù Quốc khánh"),
    # 2024
    ("2024-01-01", "Tết Dương lịch"),
    *[(d, "Tết Nguyên đán Giáp Thìn") for d in ("2024-02-08", "2024-02-09", "2024-02-12", "2024-02-13", "2024-02-14")],
    ("2024-04-18", "Giỗ Tổ Hùng Vương"),
    ("2024-04-29", "Nghỉ hoán đổi"), ("2024-04-30", "Ngày Giải phóng miền Nam"),
    ("2024-05-01", "Ngày Quốc tế Lao động"),
    ("2024-09-02", "Quốc khánh"), ("2024-09-03", "Quốc khánh"),
    # 2025
    ("2025-01-01", "Tết Dương lịch"),
    *[(d, "Tết Nguyên đán Ất Tỵ") for d in ("2025-01-27", "2025-01-28", "2025-01-29", "2025-01-30", "2025-01-31")],
    ("2025-04-07", "Giỗ Tổ Hùng Vương"),
    ("2025-04-30", "Ngày Giải phóng miền Nam"), ("2025-05-01", "Ngày Quốc tế Lao động"),
    ("2025-05-02", "Nghỉ hoán đổi"),
    ("2025-09-01", "Quốc khánh"), ("2025-09-02", "Quốc khánh"),
    # 2026
    ("2026-01-01", "Tết Dương lịch"), ("2026-01-02", "Nghỉ hoán đổi"),
    *[(d, "Tết Nguyên đán Bính Ngọ") for d in ("2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20")],
    ("2026-04-27", "Nghỉ bù Giỗ Tổ Hùng Vương"),
    ("2026-04-30", "Ngày Giải phóng miền Nam"), ("2026-05-01", "Ngày Quốc tế Lao động"),
    ("2026-09-01", "Quốc khánh"), ("2026-09-02", "Quốc khánh"),
    # 2027 (provisional)
    ("2027-01-01", "Tết Dương lịch"),
    *[(d, "Tết Nguyên đán Đinh Mùi") for d in ("2027-02-05", "2027-02-08", "2027-02-09", "2027-02-10", "2027-02-11")],
    ("2027-04-16", "Giỗ Tổ Hùng Vương"),
    ("2027-04-30", "Ngày Giải phóng miền Nam"), ("2027-05-03", "Nghỉ bù Ngày Quốc tế Lao động"),
    ("2027-09-02", "Quốc khánh"), ("2027-09-03", "Quốc khánh"),
]
