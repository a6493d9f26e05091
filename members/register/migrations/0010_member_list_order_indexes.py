# The member list's orders (by name, by date of birth) and its count of current members in a scope.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0009_admission_age_rules'),
        ('organizations', '0002_ancestry'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='member',
            index=models.Index(fields=['full_name', 'id'], name='member_name_order'),
        ),
        migrations.AddIndex(
            model_name='member',
            index=models.Index(fields=['birth_date'], name='member_birth_date'),
        ),
        migrations.AddIndex(
            model_name='member',
            index=models.Index(condition=models.Q(('left_on__isnull', True)), fields=['cell'],
                               name='member_current_cell'),
        ),
    ]
