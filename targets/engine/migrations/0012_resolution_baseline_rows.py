"""Issue 17 item 10: a resolution's baseline figures become rows (ResolutionBaseline: a key of the fixed
vocabulary, a value, the date the document gives it), so the pages can set the register's figure beside each.
The "label: figure" lines of issue 18 move over as figures of the key "other" with their label, dated on the
resolution's date (or 1 January of its first year); the JSON field goes."""

import datetime as dt
from decimal import Decimal

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


def baseline_lines_to_rows(apps, schema_editor):
    Resolution = apps.get_model("targets", "Resolution")
    ResolutionBaseline = apps.get_model("targets", "ResolutionBaseline")
    rows = []
    for resolution in Resolution.objects.exclude(baseline=[]).order_by("pk"):
        seen = set()
        for line in resolution.baseline or []:
            # Lines of issue 18's form have a label and a value; those written back by the reverse step keep
            # their key and date too.
            key = line.get("key", "other")
            day = dt.date.fromisoformat(line["as_of"]) if line.get("as_of") else (
                resolution.issued_on or dt.date(resolution.start_year, 1, 1))
            label = str(line.get("label", ""))[:120] if key == "other" or "key" not in line else \
                str(line.get("document_label", ""))[:120]
            value = Decimal(str(line.get("value", 0)))
            if (day, key, label) in seen or value < 0:
                continue  # one figure a key, label and day, none negative (the rows' constraints)
            seen.add((day, key, label))
            rows.append(ResolutionBaseline(resolution=resolution, as_of=day, key=key, label=label, value=value,
                                           note=str(line.get("note", ""))[:255]))
    ResolutionBaseline.objects.bulk_create(rows)


def rows_to_baseline_lines(apps, schema_editor):
    Resolution = apps.get_model("targets", "Resolution")
    ResolutionBaseline = apps.get_model("targets", "ResolutionBaseline")
    lines: dict[int, list] = {}
    for row in ResolutionBaseline.objects.order_by("resolution_id", "as_of", "id"):
        value = int(row.value) if row.value == row.value.to_integral_value() else float(row.value)
        lines.setdefault(row.resolution_id, []).append({"label": row.label or row.key, "value": value, "key": row.key,
                                                        "document_label": row.label, "as_of": row.as_of.isoformat(),
                                                        "note": row.note})
    for pk, baseline in lines.items():
        Resolution.objects.filter(pk=pk).update(baseline=baseline)


class Migration(migrations.Migration):

    dependencies = [
        ('targets', '0011_qt4b_per_meeting'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalResolutionBaseline',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('as_of', models.DateField(help_text='The date the document gives its figures for', verbose_name='figures as of')),
                ('key', models.CharField(choices=[('members', 'Members'), ('tccsd', 'Grassroots party organizations'), ('Grassroots party organizations by kind', [('tccsd:grassroots_committee', 'Grassroots party committees'), ('tccsd:grassroots_cell', 'Grassroots party cells')]), ('cells', 'Party cells'), ('Professional level', [('professional_level:doctorate', 'Doctorate'), ('professional_level:master', "Master's degree"), ('professional_level:university', 'University degree'), ('professional_level:college', 'College'), ('professional_level:intermediate', 'Vocational secondary'), ('professional_level:technical', 'Technical worker / clerical staff'), ('professional_level:student', 'Student'), ('professional_level:other', 'Other')]), ('Political theory', [('political_theory:advanced', 'Advanced / bachelor'), ('political_theory:intermediate', 'Intermediate'), ('political_theory:elementary', 'Elementary'), ('political_theory:none', 'None')]), ('Gender', [('gender:male', 'Male'), ('gender:female', 'Female')]), ('Status', [('status:full', 'Full members'), ('status:probationary', 'Probationary members')]), ('Age', [('age:under_30', 'Under 30'), ('age:30_40', '30–40'), ('age:41_50', '41–50'), ('age:51_60', '51–60'), ('age:over_60', 'Over 60')]), ('ethnicity:minority', 'Ethnic minority members'), ('other', 'Another figure (label it)')], max_length=40, verbose_name='figure')),
                ('label', models.CharField(blank=True, help_text="Required for another figure; otherwise the document's own words, if they differ", max_length=120, verbose_name='label in the document')),
                ('value', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='value')),
                ('note', models.CharField(blank=True, max_length=255, verbose_name='note')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('resolution', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='targets.resolution', verbose_name='resolution')),
            ],
            options={
                'verbose_name': 'historical baseline figure',
                'verbose_name_plural': 'historical baseline figures',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='ResolutionBaseline',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('as_of', models.DateField(help_text='The date the document gives its figures for', verbose_name='figures as of')),
                ('key', models.CharField(choices=[('members', 'Members'), ('tccsd', 'Grassroots party organizations'), ('Grassroots party organizations by kind', [('tccsd:grassroots_committee', 'Grassroots party committees'), ('tccsd:grassroots_cell', 'Grassroots party cells')]), ('cells', 'Party cells'), ('Professional level', [('professional_level:doctorate', 'Doctorate'), ('professional_level:master', "Master's degree"), ('professional_level:university', 'University degree'), ('professional_level:college', 'College'), ('professional_level:intermediate', 'Vocational secondary'), ('professional_level:technical', 'Technical worker / clerical staff'), ('professional_level:student', 'Student'), ('professional_level:other', 'Other')]), ('Political theory', [('political_theory:advanced', 'Advanced / bachelor'), ('political_theory:intermediate', 'Intermediate'), ('political_theory:elementary', 'Elementary'), ('political_theory:none', 'None')]), ('Gender', [('gender:male', 'Male'), ('gender:female', 'Female')]), ('Status', [('status:full', 'Full members'), ('status:probationary', 'Probationary members')]), ('Age', [('age:under_30', 'Under 30'), ('age:30_40', '30–40'), ('age:41_50', '41–50'), ('age:51_60', '51–60'), ('age:over_60', 'Over 60')]), ('ethnicity:minority', 'Ethnic minority members'), ('other', 'Another figure (label it)')], max_length=40, verbose_name='figure')),
                ('label', models.CharField(blank=True, help_text="Required for another figure; otherwise the document's own words, if they differ", max_length=120, verbose_name='label in the document')),
                ('value', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='value')),
                ('note', models.CharField(blank=True, max_length=255, verbose_name='note')),
                ('resolution', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='baselines', to='targets.resolution', verbose_name='resolution')),
            ],
            options={
                'verbose_name': 'baseline figure',
                'verbose_name_plural': 'baseline figures',
                'ordering': ['resolution', 'as_of', 'id'],
                'constraints': [models.UniqueConstraint(fields=('resolution', 'as_of', 'key', 'label'), name='baseline_once_a_day'), models.CheckConstraint(condition=models.Q(('value__gte', 0)), name='baseline_not_negative')],
            },
        ),
        migrations.RunPython(baseline_lines_to_rows, rows_to_baseline_lines),
        migrations.RemoveField(
            model_name='historicalresolution',
            name='baseline',
        ),
        migrations.RemoveField(
            model_name='resolution',
            name='baseline',
        ),
    ]
