# The member list's order as an index (issue 11, docs/PERFORMANCE.md). Built concurrently: the register
# stays writable while a large one is indexed.

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("members", "0005_membership_cell_valid_index"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="member",
            index=models.Index(fields=["full_name", "id"], name="member_name_order"),
        ),
    ]
