"""The standard admission stages (RULES §3) and the public holidays 2020–2027."""

import datetime as dt

from django.db import migrations

STAGES = [
    # (order, code, Vietnamese name, needs a document number and date)
    (10, "outstanding", "Quần chúng ưu tú", False),
    (20, "sympathizer", "Danh sách cảm tình Đảng", False),
    (30, "course", "Hoàn thành lớp bồi dưỡng nhận thức về Đảng", True),
    (40, "application", "Đơn xin vào Đảng và người giới thiệu", False),
    (50, "verification", "Thẩm tra lý lịch", True),
    (60, "cell_resolution", "Nghị quyết chi bộ", True),
    (70, "grassroots_resolution", "Nghị quyết đảng ủy cơ sở", True),
    (80, "decision", "Quyết định kết nạp", True),
    (90, "ceremony", "Lễ kết nạp", False),
]


# Weekdays off in 2020–2027 (the government's announcements; 2027 is provisional). Weekend days inside a
# break are not listed: they are not working days anyway. Kept here, frozen with the migration; staff add later years in the admin.
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


def load(apps, schema_editor):
    AdmissionStage = apps.get_model("members", "AdmissionStage")
    PublicHoliday = apps.get_model("members", "PublicHoliday")
    for order, code, name, needs_document in STAGES:
        AdmissionStage.objects.update_or_create(
            code=code, defaults={"order": order, "name": name, "needs_document": needs_document})
    for day, name in STANDARD_HOLIDAYS:
        PublicHoliday.objects.get_or_create(date=dt.date.fromisoformat(day), defaults={"name": name})


def unload(apps, schema_editor):
    apps.get_model("members", "AdmissionStage").objects.filter(code__in=[s[1] for s in STAGES]).delete()


class Migration(migrations.Migration):
    dependencies = [("members", "0002_admissions")]
    operations = [migrations.RunPython(load, unload)]
