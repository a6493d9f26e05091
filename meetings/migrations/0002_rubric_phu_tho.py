"""Ship the Phú Thọ meeting rubric of RULES §2 (preparation 15 + attendance 20 + conduct 45 + closing 20;
Tốt ≥ 90, Khá 70–<90, Trung bình 50–<70, Kém < 50; the year Tốt when every regular meeting ≥ Khá and
≥ 7 Tốt) from meetings/fixtures/rubric_phu_tho.json."""

import json
from decimal import Decimal
from pathlib import Path

from django.db import migrations

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "rubric_phu_tho.json"


def load(apps, schema_editor):
    Rubric = apps.get_model("meetings", "Rubric")
    Section = apps.get_model("meetings", "RubricSection")
    Criterion = apps.get_model("meetings", "RubricCriterion")
    Level = apps.get_model("meetings", "RubricLevel")
    YearRule = apps.get_model("meetings", "RubricYearRule")
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    rubric, created = Rubric.objects.get_or_create(name=data["name"], defaults={
        "legal_basis": data["legal_basis"], "note": data["note"]})
    if not created:
        return
    for i, section in enumerate(data["sections"]):
        row = Section.objects.create(rubric=rubric, name=section["name"], order=i)
        for j, criterion in enumerate(section["criteria"]):
            Criterion.objects.create(section=row, name=criterion["name"], max_points=Decimal(criterion["max_points"]),
                                     order=j)
    levels = {}
    for rank, (name, points) in enumerate(sorted(data["levels"], key=lambda lv: lv[1]), start=1):
        levels[name] = Level.objects.create(rubric=rubric, name=name, min_points=Decimal(points), rank=rank)
    for i, (grade, all_at_least, top, count) in enumerate(data["year_rules"]):
        YearRule.objects.create(rubric=rubric, level=levels[grade], all_at_least=levels.get(all_at_least),
                                top_level=levels.get(top), top_count=count, order=i)


def unload(apps, schema_editor):
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    apps.get_model("meetings", "Rubric").objects.filter(name=data["name"]).delete()


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
