"""The catalogue's targets that bind the resolution's own organization (issue 17, item 6): the rows of the
organizations under them show their contribution, unjudged. The field itself came with the authoring pages
(0006); this sets it for the seed targets and gives its choices their final labels."""

from django.db import migrations, models

# targets.engine.catalogue.BINDS_SCOPE, as read from the seed sentences when this migration was written.
BINDS_SCOPE = ["LD-4d", "LD-4e", "LD-5c", "LD-7a", "KT-3", "TV-3", "TV-8a", "TV-8b", "TV-9c", "KH-4"]

CHOICES = [("scope", "The resolution's own organization"), ("each", "Each subordinate organization")]


def binds_scope(apps, schema_editor):
    apps.get_model("targets", "Target").objects.filter(code__in=BINDS_SCOPE).update(applies_to="scope")


class Migration(migrations.Migration):

    dependencies = [("targets", "0006_resolution_baseline_target_applies_to")]

    operations = [
        migrations.AlterField(
            model_name="historicaltarget", name="applies_to",
            field=models.CharField(choices=CHOICES, db_default="each", default="each", max_length=8,
                                   verbose_name="applies to")),
        migrations.AlterField(
            model_name="target", name="applies_to",
            field=models.CharField(choices=CHOICES, db_default="each", default="each", max_length=8,
                                   verbose_name="applies to")),
        migrations.RunPython(binds_scope, migrations.RunPython.noop),
    ]
