"""The five seed documents' resolutions and 69 targets, the reported indicators, required documents and
periodic reports (targets/catalogue.py). Rows staff may edit afterwards."""

from django.db import migrations


def forwards(apps, schema_editor):
    from targets.engine.catalogue import load

    load(apps, records_label="targets")  # the records' reference rows belonged to this app then


class Migration(migrations.Migration):
    dependencies = [("targets", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
