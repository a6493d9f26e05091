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


def load(apps, schema_editor):
    from members.admissions.workdays import STANDARD_HOLIDAYS

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
