"""LD-5a and LD-5b ("được kiểm tra") count inspections only; LD-5c ("được kiểm tra, giám sát") keeps both
(issue 17)."""

from django.db import migrations


def inspections_only(apps, schema_editor):
    Target = apps.get_model("targets", "Target")
    for code, subject in (("LD-5a", "members"), ("LD-5b", "sub_cells")):
        Target.objects.filter(code=code).update(params={"subject": subject, "activity": "inspection"})


class Migration(migrations.Migration):

    dependencies = [("targets", "0008_leadership_from_ratings")]

    operations = [migrations.RunPython(inspections_only, migrations.RunPython.noop)]
