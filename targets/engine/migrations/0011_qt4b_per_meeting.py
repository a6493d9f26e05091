"""QT-4b ("đảng viên dự sinh hoạt chi bộ đạt tỷ lệ trên 85%") is judged per meeting (issue 17, item 7): Hướng dẫn 12
applies the 85% to each regular meeting, so the figure is the share of regular meetings whose attendance is above
85% and the target asks it of every one (≥ 100%); the pooled rate is kept beside.

The MEET measure ``attendance_rate`` takes a ``basis`` (per_meeting by default, or pooled). Existing rows:
- the catalogue's QT-4b as it was loaded (same sentence, the pooled reading "> 85%") — the catalogue row, the
  demo's, and the copies the scale tiers made of it — take the new reading and its method note;
- every other target on ``attendance_rate`` was written for the pooled figure: it keeps it, now said explicitly.
Their attainments are recomputed by the next recompute (nightly, or on the next change)."""

from django.db import migrations

CLAUSE = "đảng viên dự sinh hoạt chi bộ đạt tỷ lệ trên 85%"


def per_meeting(apps, schema_editor):
    from targets.engine.catalogue import METHOD_NOTES, QT_4B_PARAMS, TARGETS

    Target = apps.get_model("targets", "Target")
    short_text = TARGETS["QT-4b"][9]
    for target in Target.objects.filter(family="MEET", params__measure="attendance_rate"):
        if "basis" in target.params:
            continue
        if target.clause == CLAUSE and target.params == {"measure": "attendance_rate"} and \
                target.comparator == "gt" and target.lower == 85 and target.upper is None:
            target.params = dict(QT_4B_PARAMS)
            target.comparator, target.lower, target.short_text = "gte", 100, short_text
            target.method_note = target.method_note or METHOD_NOTES["QT-4b"]
        else:
            target.params = {**target.params, "basis": "pooled"}
        target.save(update_fields=["params", "comparator", "lower", "short_text", "method_note"])


class Migration(migrations.Migration):

    dependencies = [("targets", "0010_target_method_note")]

    operations = [migrations.RunPython(per_meeting, migrations.RunPython.noop)]
