"""LD-4e and the party part of LD-4f are computed from the leadership collectives' recorded ratings (issue 17):
LD-4e becomes an R-org measure of the bloc's own leadership collective; LD-4f keeps the reported figure for
the State agencies' collectives (which the register does not hold) and adds the grassroots committees'
collectives from their ratings."""

from django.db import migrations

HTT = ["HTXS", "HTT", "TSVM"]


def from_ratings(apps, schema_editor):
    Target = apps.get_model("targets", "Target")
    Target.objects.filter(code="LD-4e").update(
        family="R-org", params={"subject": "self", "rating": "leadership", "levels": HTT})
    Target.objects.filter(code="LD-4f").update(params={
        "indicator": "collectives_htt",
        "rated": {"subject": "grassroots_committees", "rating": "leadership", "levels": HTT}})
    apps.get_model("records", "ReportIndicator").objects.filter(code="collectives_htt").update(
        name="Tập thể lãnh đạo, quản lý cơ quan nhà nước hoàn thành tốt nhiệm vụ trở lên",
        numerator_label="Số tập thể lãnh đạo, quản lý cơ quan nhà nước HTT trở lên",
        denominator_label="Tổng số tập thể lãnh đạo, quản lý cơ quan nhà nước")


class Migration(migrations.Migration):

    dependencies = [
        ("targets", "0007_target_binds_scope"),
        ("records", "0002_indicator_whole_from_register"),
    ]

    operations = [migrations.RunPython(from_ratings, migrations.RunPython.noop)]
