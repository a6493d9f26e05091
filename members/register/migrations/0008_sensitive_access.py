"""The log of sensitive exports becomes the log of every read of sensitive data (issue 19): the table is
renamed, its rows kept as exports."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0007_status_period_decision_body'),
        ('organizations', '0001_initial'),
    ]

    operations = [
        migrations.RenameModel('SensitiveExport', 'SensitiveAccess'),
        migrations.AlterModelOptions(
            name='sensitiveaccess',
            options={'ordering': ['-at', '-pk'], 'verbose_name': 'sensitive data access',
                     'verbose_name_plural': 'sensitive data accesses'},
        ),
        migrations.AddField(
            model_name='sensitiveaccess',
            name='kind',
            field=models.CharField(choices=[('page', 'member page'), ('list', 'member list'), ('export', 'export')],
                                   default='export', max_length=8, verbose_name='kind'),
        ),
        migrations.AddField(
            model_name='sensitiveaccess',
            name='organization',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True,
                                    on_delete=django.db.models.deletion.SET_NULL, related_name='+',
                                    to='organizations.organization', verbose_name='organization'),
        ),
        migrations.AddField(
            model_name='sensitiveaccess',
            name='member_ids',
            field=models.JSONField(blank=True, default=list, verbose_name='members'),
        ),
    ]
