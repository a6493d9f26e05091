"""Admissions and ratings were built side by side; this joins the two branches of migrations."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("members", "0003_admission_data"), ("members", "0003_rating_schemes")]
    operations = []
