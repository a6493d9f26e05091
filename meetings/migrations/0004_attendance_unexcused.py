# Unexcused absences per meeting from a partial index (issue 11, docs/PERFORMANCE.md). Built concurrently:
# attendance is the largest table (about 6 M rows a year for a capital-sized committee).

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("meetings", "0003_meeting_kind_briefing"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="attendance",
            index=models.Index(condition=models.Q(status="absent_unexcused"), fields=["meeting"],
                               name="attendance_unexcused"),
        ),
    ]
