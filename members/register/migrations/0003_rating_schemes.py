"""The rating schemes of RULES §1 as data: staff add a new one when the party issues one."""

from django.db import migrations

TOP4 = [("HTXS", "Hoàn thành xuất sắc nhiệm vụ"), ("HTT", "Hoàn thành tốt nhiệm vụ"), ("HT", "Hoàn thành nhiệm vụ"),
        ("KHT", "Không hoàn thành nhiệm vụ")]
SCORE_BANDS = {"HTXS": 90, "HTT": 70, "HT": 50, "KHT": 0}

SCHEMES = [
    # code, name, subject, legal basis, from, to, has_score, cap, forced, sick max, levels
    ("hd27-2014-member", "Xếp loại đảng viên (Hướng dẫn 27, 2014)", "member", "Hướng dẫn 27-HD/BTCTW (2014)",
     2014, 2017, False, None, "VPTC", "DTC_HT",
     [("DTC_HTXS", "Đủ tư cách, hoàn thành xuất sắc nhiệm vụ"), ("DTC_HTT", "Đủ tư cách, hoàn thành tốt nhiệm vụ"),
      ("DTC_HT", "Đủ tư cách, hoàn thành nhiệm vụ"), ("VPTC", "Vi phạm tư cách")]),
    ("hd27-2014-org", "Xếp loại tổ chức (Hướng dẫn 27, 2014)", "organization", "Hướng dẫn 27-HD/BTCTW (2014)",
     2014, 2017, False, None, "YK", "",
     [("TSVM", "Trong sạch, vững mạnh"), ("HTT", "Hoàn thành tốt nhiệm vụ"), ("HT", "Hoàn thành nhiệm vụ"),
      ("YK", "Yếu kém")]),
    ("qd132-2018-member", "Xếp loại đảng viên (Quy định 132, 2018)", "member",
     "Quy định 132-QĐ/TW (2018); Hướng dẫn 16, 21-HD/BTCTW", 2018, 2022, False, 20, "KHT", "HT", TOP4),
    ("qd132-2018-org", "Xếp loại tổ chức, tập thể (Quy định 132, 2018)", "organization",
     "Quy định 132-QĐ/TW (2018); Hướng dẫn 16, 21-HD/BTCTW", 2018, 2022, False, 20, "KHT", "", TOP4),
    ("qd124-2023-member", "Xếp loại đảng viên (Quy định 124, 2023)", "member",
     "Quy định 124-QĐ/TW (04/10/2023); Hướng dẫn 25-HD/BTCTW", 2023, 2024, False, 20, "KHT", "HT", TOP4),
    ("qd124-2023-org", "Xếp loại tổ chức, tập thể (Quy định 124, 2023)", "organization",
     "Quy định 124-QĐ/TW (04/10/2023); Hướng dẫn 25-HD/BTCTW", 2023, 2024, False, 20, "KHT", "", TOP4),
    ("qd366-2025-member", "Xếp loại đảng viên (Quy định 366, 2025)", "member",
     "Quy định 366-QĐ/TW (30/8/2025); Hướng dẫn 43-HD/BTCTW (31/10/2025)", 2025, None, True, 20, "KHT", "HT", TOP4),
    ("qd366-2025-org", "Xếp loại tổ chức, tập thể (Quy định 366, 2025)", "organization",
     "Quy định 366-QĐ/TW (30/8/2025); Hướng dẫn 43-HD/BTCTW (31/10/2025)", 2025, None, True, 20, "KHT", "", TOP4),
]


def load(apps, schema_editor):
    Scheme = apps.get_model("members", "RatingScheme")
    Level = apps.get_model("members", "RatingLevel")
    for code, name, subject, basis, start, end, score, cap, forced, sick, levels in SCHEMES:
        scheme = Scheme.objects.create(
            code=code, name=name, subject=subject, legal_basis=basis, valid_from_year=start, valid_to_year=end,
            has_score=score, cap_percent=cap, cap_top_level="HTXS" if cap else "", cap_base_level="HTT" if cap else "",
            forced_level=forced, sick_leave_max_level=sick,
        )
        Level.objects.bulk_create(
            Level(scheme=scheme, code=lc, name=ln, rank=i, min_score=SCORE_BANDS.get(lc) if score else None)
            for i, (lc, ln) in enumerate(levels, start=1)
        )


def unload(apps, schema_editor):
    apps.get_model("members", "RatingScheme").objects.filter(code__in=[s[0] for s in SCHEMES]).delete()


class Migration(migrations.Migration):
    dependencies = [("members", "0002_ratings")]
    operations = [migrations.RunPython(load, unload)]
