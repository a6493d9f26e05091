"""The demo data set: one province, four party organizations directly under it modelled on the five
source documents in ``shared/seeds``, about 5,000 members with their history 2021–2025, and a demo user
for every role. ``python manage.py seed_demo`` calls :func:`build_demo`.

Everything is written through ``organizations.services`` and ``members.register.services`` with ``user=None``
(the trusted loader), so placements, events, membership periods and the audit trail are exactly what
real data would produce. The build is a pure function of the seed: ``random.Random(seed)`` and a seeded
Faker, fixed dates, no set iteration — the same seed gives the same register.

Reference days. The Lâm Đồng-style bloc matches seed 000 exactly on the day the resolution gives its figures for
(``LD_BASELINE_DAY``, 30/06/2021: the document says "hiện nay" in 2021 and dates nothing else): 68 TCCSĐ
(34 đảng bộ cơ sở + 34 chi bộ cơ sở), 2,712 members, political theory 701 cao cấp/cử nhân and 732 trung cấp;
admissions, transfers, moves and leavings of 2021–2025 follow that day. The other blocs hold their planned counts
exactly on 31/12/2024 (``REF``). The resolution keeps the document's own figures (its baseline rows, written by
``devdata.demo.targets``), which the resolution's page sets beside these.

Professional levels (seed 000): the document lists 27 tiến sĩ + 654 thạc sĩ + 1,807 đại học + 29 cao
đẳng + 149 trung cấp + 53 công nhân kỹ thuật/nhân viên nghiệp vụ + 5 sinh viên = 2,724 members, yet
states a total of 2,712. The demo keeps the stated total and every other figure and takes the 12 from
đại học (1,807 → 1,795): the largest group, so the smallest relative change (0.7%).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection
from faker import Faker
from faker.providers.person.vi_VN import Provider as VietnamesePersonProvider
from simple_history.utils import bulk_create_with_history

from members.register.choices import (
    MembershipReason,
    PoliticalTheory,
    PositionKind,
    ProfessionalLevel,
    StatusPeriodKind,
)
from members.register.models import Member
from members.register.services import (
    members_bulk_create,
    members_leave_bulk,
    members_transfer_bulk,
    position_add,
    status_period_add,
)
from organizations.choices import MassOrgKind, MassOrgLevel, OrgKind, Role, Sector
from organizations.models import HostUnit, MassOrganization, Organization, RoleAssignment
from organizations.services import (
    organization_create,
    organization_dissolve,
    organization_move,
    organization_rename,
    organizations_merge,
)

D = dt.date

REF = D(2024, 12, 31)  # the day every bloc but the Lâm Đồng-style one holds its planned counts exactly
# Seed 000 states its figures for "hiện nay", the day of the resolution (2021–2025), which it does not date: it
# implements Kế hoạch 11-KH/TU of 24/5/2021, so it is later. The demo takes the end of that half-year.
LD_BASELINE_DAY = D(2021, 6, 30)
HISTORY_START = D(2021, 1, 1)  # members admitted earlier are recorded from this day
RESTRUCTURE = D(2025, 7, 1)  # RULES §5: the 2025 reorganization
# The demo ends on "today" (a parameter, default the real today): probation ending after it has not ended yet, and
# the years after 2025 get their admissions and leavings up to it. Its fixed history (the baselines of the seed
# documents, the 2025 restructuring) needs a today on or after the restructuring.
EARLIEST_TODAY = RESTRUCTURE
LAST_FIXED_YEAR = 2025  # the history drawn year by year after it (DemoBuilder._plan_later_years)

PROVINCE_NAME = "Tỉnh ủy Demo"
TV_PARTY_NAME = "Đảng bộ các cơ quan Đảng tỉnh"
TV_GOV_NAME = "Đảng bộ Ủy ban nhân dân tỉnh"

# Codes of the key organizations, so that fixtures, tests and later loaders can find them.
CODE_PROVINCE = "TU-DEMO"
CODE_LD = "DBK-CQ"  # Lâm Đồng-style bloc (seed 000)
CODE_TV = "DBK-CQDN"  # Trà Vinh-style bloc (seeds 003–004), dissolved on 01/07/2025
CODE_QT = "DBK-DN"  # Quảng Trị-style bloc (seed 002)
CODE_KT = "DBH-NL"  # Kon Tum-style district (seed 001)
CODE_TV_PARTY = "DB-CQD"
CODE_TV_GOV = "DB-UBND"

# Seed 000's baseline, with the professional levels made to add up (see the module docstring).
LD_MEMBERS = 2712
LD_THEORY = {PoliticalTheory.ADVANCED: 701, PoliticalTheory.INTERMEDIATE: 732}
LD_LEVELS = {
    ProfessionalLevel.DOCTORATE: 27, ProfessionalLevel.MASTER: 654, ProfessionalLevel.UNIVERSITY: 1795,
    ProfessionalLevel.COLLEGE: 29, ProfessionalLevel.INTERMEDIATE: 149, ProfessionalLevel.TECHNICAL: 53,
    ProfessionalLevel.STUDENT: 5,
}
assert sum(LD_LEVELS.values()) == LD_MEMBERS


# ---------------------------------------------------------------------------------------------- dates

def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


# ---------------------------------------------------------------------------------------------- names

def _w(spec: str, spaces: bool = True) -> tuple[list[str], list[float]]:
    """'Nguyễn:38 Trần:11' -> (names, weights); in names, '_' stands for a space."""
    names, weights = [], []
    for item in spec.split():
        name, _, weight = item.partition(":")
        names.append(name.replace("_", " ") if spaces else name)
        weights.append(float(weight or 1))
    return names, weights


def _k(spec: str) -> tuple[list[str], list[float]]:
    """Like _w for choice values (keys such as 'cao_dai' keep their underscore)."""
    return _w(spec, spaces=False)


KINH_SURNAMES = _w(
    "Nguyễn:380 Trần:110 Lê:95 Phạm:70 Hoàng:30 Huỳnh:20 Phan:45 Vũ:20 Võ:19 Đặng:21 Bùi:20 Đỗ:14 Hồ:13 Ngô:13 "
    "Dương:10 Lý:5 Đinh:6 Trương:6 Đào:5 Lương:4 Mai:4 Cao:4 Hà:4 Tạ:2 Lâm:3 Châu:2 Thái:2 Chu:2 Kiều:1 Quách:1 "
    "Lại:1 Tôn:1 Phùng:2 Văn:1 Doãn:1 Khổng:1 Triệu:1 Từ:1 Nghiêm:1 Âu:1"
)
SOUTH_SURNAMES = _w(
    "Nguyễn:380 Trần:110 Lê:95 Phạm:60 Huỳnh:45 Võ:40 Phan:45 Đặng:15 Bùi:10 Đỗ:10 Hồ:15 Ngô:12 Dương:12 Lý:8 "
    "Trương:10 Lâm:10 Châu:6 Thái:4 Tô:4 Mai:4 Cao:4 Đoàn:5 Lưu:4 Từ:2 Quách:3 Kiều:2 Tăng:2 La:2"
)
TAY_NUNG_SURNAMES = _w("Hoàng:25 Nông:20 Lục:8 Lương:10 Lăng:6 Ma:6 Hà:8 Triệu:6 La:5 Vi:6 Đàm:4 Bế:6 Chu:4")
MUONG_SURNAMES = _w("Bùi:40 Đinh:30 Quách:15 Hà:10 Cao:5")
HOA_SURNAMES = _w("Lâm:20 Quách:10 Trương:15 Lý:15 Mã:8 Tăng:8 Lưu:8 Diệp:6 Hứa:6 Huỳnh:6")
MIDDLE_MALE = _w(
    "Văn:18 Đức:8 Minh:10 Quốc:7 Hữu:7 Công:6 Thanh:6 Ngọc:4 Xuân:4 Duy:4 Anh:4 Tuấn:3 Hoàng:3 Trọng:3 Quang:4 "
    "Đình:5 Mạnh:2 Tấn:4 Thành:3 Nhật:2 Bá:2 Việt:2 Kim:1 Phước:2 Tiến:2 Trung:2 Khắc:1 Thế:2 Hải:2 Đăng:1"
)
MIDDLE_FEMALE = _w(
    "Thị:32 Ngọc:8 Thu:5 Thanh:5 Kim:4 Minh:3 Hồng:4 Mỹ:3 Phương:3 Thùy:3 Bích:2 Diệu:2 Hoài:2 Quỳnh:2 Khánh:2 "
    "Bảo:2 Tuyết:1 Xuân:2 Hải:1 Cẩm:1 Thảo:1 Lan:1 Như:2"
)
SECOND_MIDDLE_FEMALE = ["Thu", "Ngọc", "Thanh", "Kim", "Hồng", "Mỹ", "Bích", "Minh", "Hải", "Thúy", "Lệ", "Phương"]
GIVEN_MALE = sorted(set(
    ["An", "Anh", "Bảo", "Bình", "Cường", "Chiến", "Công", "Dũng", "Duy", "Dương", "Đạt", "Định", "Đông", "Đức", "Giang", "Hải", "Hào", "Hậu", "Hiếu", "Hiển", "Hiệp", "Hòa", "Hoàng", "Huân", "Hùng", "Huy", "Hưng", "Khải", "Khang", "Khánh", "Khoa", "Kiên", "Lâm", "Lộc", "Long", "Luân", "Lực", "Mạnh", "Minh", "Nam", "Nghĩa", "Nhân", "Nhật", "Phát", "Phong", "Phú", "Phúc", "Phước", "Quân", "Quang", "Quốc", "Quý", "Sang", "Sơn", "Tài", "Tâm", "Tân", "Thái", "Thắng", "Thành", "Thanh", "Thiện", "Thịnh", "Thông", "Thuận", "Tiến", "Toàn", "Trí", "Trọng", "Trung", "Trường", "Tú", "Tuấn", "Tùng", "Tường", "Vinh", "Việt", "Vũ", "Vương", "Hảo", "Hiền", "Hợp", "Kha", "Lân", "Lợi", "Ngân", "Nguyên", "Thạch", "Thuyết", "Tín", "Tuyên", "Văn", "Xuân", "Chính", "Cảnh", "Diệu", "Điền", "Hà", "Hạnh", "Hoan", "Khiêm", "Lãm", "Lĩnh", "Ninh", "Sáng", "Sỹ", "Tạo", "Thục", "Trà"]
    + list(VietnamesePersonProvider.first_names_male)
))
GIVEN_FEMALE = sorted(set(
    ["An", "Anh", "Ánh", "Bích", "Châu", "Chi", "Diệp", "Diệu", "Dung", "Duyên", "Giang", "Hà", "Hạnh", "Hằng", "Hân", "Hiền", "Hoa", "Hòa", "Hồng", "Huệ", "Hương", "Hường", "Huyền", "Khánh", "Lan", "Liên", "Linh", "Loan", "Ly", "Mai", "My", "Nga", "Ngân", "Ngọc", "Nguyệt", "Nhung", "Nhàn", "Oanh", "Phương", "Phượng", "Quyên", "Quỳnh", "Tâm", "Thảo", "Thắm", "Thanh", "Thơ", "Thủy", "Thúy", "Thư", "Thương", "Trang", "Trâm", "Trinh", "Tuyết", "Uyên", "Vân", "Vy", "Xuân", "Yến", "Hậu", "Hoài", "Lệ", "Lụa", "Mơ", "Nhi", "Nhàn", "Phúc", "Sương", "Thoa", "Thùy", "Tươi", "Vui", "Đào", "Điệp", "Gấm", "Hải", "Hiên", "Lài", "Mận", "Ngà", "Nhạn", "Quế", "Sen", "Thêu", "Trúc"]
    + list(VietnamesePersonProvider.first_names_female)
))
KHMER_SURNAMES = _w("Thạch:30 Sơn:20 Kim:15 Kiên:8 Lâm:8 Trà:5 Châu:5 Dương:4 Huỳnh:3 Danh:3 Tăng:2 Ngô:2")
KHMER_MALE = ["Phanh", "Sa Rươn", "Khum", "Vanh", "Sóc", "Ty", "Phol", "Sang", "Ra", "Chanh Đa", "Sa Vẹt", "Hên",
              "Thy", "Mum", "Kha Ra", "Đa Ra", "Sô Khom", "Chanh", "Nhanh", "Pho", "Sa Rinh", "Cha Ri", "Sóc Khum",
              "Mây", "Đen", "Rết", "Sang Ni"]
KHMER_FEMALE = ["Sa Rinh", "Sô Phi", "Chanh Thu", "Ri Na", "Sóc Kha", "Phol La", "Sà Rươne", "Mỹ Linh", "Sa Ly",
                "Kim Liên", "Sà Vân", "Ty Na", "Sô Pha", "Thu Nga", "Kha Na", "Mom", "Sa Ra", "Ngọc Hân", "Chanh Ny",
                "Đa Ni", "Pha Ly"]
HIGHLAND_MALE = ["Thiêng", "Pớt", "Vương", "Dũng", "Hơ", "Quân", "Khiêm", "Tâm", "Sáu", "Rin", "Bảo", "Nhí",
                 "Brơm", "Blong", "Tuấn", "Hùng", "Hưng", "Dơ", "Phin", "Nhiên", "Thuân", "Klêu", "Hyin", "Lơi",
                 "Đức", "Lâm", "Ren", "Khoan", "Thịnh", "Xuân", "Ngói", "Phúc", "Kiên", "Trung"]
HIGHLAND_FEMALE = ["Ngọc", "Nga", "Mửi", "Hơi", "Lan", "Biên", "Đoan", "Hương", "Thia", "Bông", "Hlé", "Sinh",
                   "Ngân", "Thủy", "Gái", "Đúp", "Nhi", "Vân", "Khoa", "Hà", "Ble", "Lia", "Xuân", "Thương", "Hoa"]
GIA_RAI_CLANS = _w("Rơ_Châm:20 Siu:15 Rơ_Mah:15 Ksor:15 Nay:10 Puih:10 Kpă:8 Rahlan:7")
GIA_RAI_MALE = ["Blung", "Hyoi", "Thương", "Đoan", "Phin", "Yơn", "Djek", "Hlim", "Dơng", "Pơng", "Thanh", "Nhĩ",
                "Ngun", "Khăm", "Yuh", "Thoan"]
GIA_RAI_FEMALE = ["H'Bình", "H'Lan", "H'Hyơn", "H'Blin", "H'Nhi", "H'Jen", "H'Mai", "H'Dung", "H'Ngai", "H'Hương"]
BRU_SURNAMES = _w("Hồ:50 Lê:10 Ăm:5 Pả:5 Kăn:5 Cu:3 Kray:3 Y:2")
BRU_MALE = ["Ngưm", "Pay", "Kheng", "Nhương", "Chăn", "Tá", "Pỏi", "Lợi", "Xa", "Vai", "Thông", "Kiên", "Sơn", "Phúc",
            "Bôn", "Khăm", "Xăng", "Tuấn"]
BRU_FEMALE = ["Na", "Pỏi", "Bích", "Kiên", "Mai", "Lê", "Thon", "Xim", "Ngọc", "Tuyết", "Hằng", "Ngoan", "Thuận"]
# Cơ Ho, Mạ and Chu Ru names of Lâm Đồng: a prefix (K', Ha, Điểu K'; Ka, Điểu Thị, Ma) and a given name.
CO_HO_PREFIX_MALE = _w("K':6 Ha_:2 Điểu_K':2 Liêng_Hót_Ha_:1 Kră_Jăn_Ha_:1 Ya_:1")
CO_HO_PREFIX_FEMALE = _w("Ka_:6 Điểu_Thị_:2 Ma_:2 Kră_Jăn_Ha_:1 Bon_Jốc_:1")
CO_HO_MALE = ["Brăh", "Dìu", "Lợi", "Sớ", "Bình", "Điệp", "Gạch", "Hùng", "Thanh", "Phin", "Dũng", "Lâm", "Sơn",
              "Tiếp", "Vin", "Nhiên", "Khuông", "Đoàn", "Tuấn"]
CO_HO_FEMALE = ["Huê", "Sen", "Thiên", "Hoa", "Ly", "Bé", "Dung", "Lang", "Hao", "Ju", "Nhi", "Ngọc", "Thin",
                "Phương", "Hồng"]

RELIGIONS = {
    "Kinh": _k("none:94 buddhism:3.4 catholic:2.2 cao_dai:0.4"),
    "Khmer": _k("buddhism:78 none:22"),
    "Hoa": _k("none:70 buddhism:30"),
    "highland": _k("none:74 catholic:18 protestant:8"),
    "lowland_minority": _k("none:96 buddhism:4"),
    "Bru": _k("none:94 protestant:4 catholic:2"),
    "Cơ Ho": _k("none:60 protestant:25 catholic:15"),
}
HIGHLAND = {"Xơ Đăng", "Ba Na", "Giẻ Triêng", "Brâu", "Rơ Măm", "Gia Rai"}


# ---------------------------------------------------------------------------------------------- work

# What people do, by kind of host unit: staff titles, middle managers, the head and deputy head.
JOBS = {
    "agency": (["Chuyên viên", "Chuyên viên", "Chuyên viên", "Chuyên viên chính", "Cán sự", "Kế toán", "Văn thư",
                "Thanh tra viên", "Chuyên viên cao cấp"], ["Trưởng phòng", "Phó Trưởng phòng"],
               ["Giám đốc", "Phó Giám đốc"]),
    "party": (["Chuyên viên", "Chuyên viên", "Chuyên viên chính", "Kế toán", "Văn thư", "Cán sự"],
              ["Trưởng phòng", "Phó Trưởng phòng"], ["Trưởng ban", "Phó Trưởng ban"]),
    "mass": (["Chuyên viên", "Chuyên viên", "Cán sự", "Kế toán", "Văn thư"], ["Trưởng ban", "Phó Trưởng ban"],
             ["Chủ tịch", "Phó Chủ tịch"]),
    "health": (["Bác sĩ", "Bác sĩ chuyên khoa I", "Bác sĩ chuyên khoa II", "Điều dưỡng", "Điều dưỡng", "Dược sĩ",
                "Kỹ thuật viên", "Hộ sinh"], ["Trưởng khoa", "Phó Trưởng khoa"], ["Giám đốc", "Phó Giám đốc"]),
    "school": (["Giảng viên", "Giảng viên", "Giảng viên chính", "Giáo viên", "Chuyên viên", "Thư viện viên"],
               ["Trưởng khoa", "Trưởng phòng"], ["Hiệu trưởng", "Phó Hiệu trưởng"]),
    "press": (["Phóng viên", "Phóng viên", "Biên tập viên", "Kỹ thuật viên", "Quay phim"],
              ["Trưởng phòng", "Phó Trưởng phòng"],
              ["Tổng Biên tập", "Phó Tổng Biên tập"]),
    "center": (["Viên chức", "Chuyên viên", "Kỹ sư", "Kỹ thuật viên", "Kế toán"], ["Trưởng phòng", "Phó Trưởng phòng"],
               ["Giám đốc", "Phó Giám đốc"]),
    "enterprise": (["Kỹ sư", "Công nhân", "Công nhân", "Kế toán", "Nhân viên kinh doanh", "Tổ trưởng sản xuất",
                    "Nhân viên", "Lái xe"], ["Trưởng phòng", "Quản đốc"], ["Giám đốc", "Phó Giám đốc"]),
    "bank": (["Giao dịch viên", "Cán bộ tín dụng", "Kế toán", "Kiểm soát viên", "Chuyên viên"],
             ["Trưởng phòng", "Phó Trưởng phòng"], ["Giám đốc", "Phó Giám đốc"]),
    "commune": (["Công chức Văn phòng – Thống kê", "Công chức Địa chính – Xây dựng", "Công chức Tư pháp – Hộ tịch",
                 "Công chức Tài chính – Kế toán", "Công chức Văn hóa – Xã hội", "Chủ tịch Hội Nông dân xã",
                 "Bí thư Đoàn xã", "Chủ tịch Hội Liên hiệp Phụ nữ xã", "Giáo viên", "Y sĩ", "Công an xã",
                 "Dân quân"], ["Chủ tịch UBND xã", "Phó Chủ tịch UBND xã"],
                ["Chủ tịch UBND xã", "Phó Chủ tịch UBND xã"]),
    "teacher": (["Giáo viên", "Giáo viên", "Giáo viên", "Nhân viên thiết bị – thí nghiệm", "Kế toán"],
                ["Tổ trưởng chuyên môn", "Tổ phó chuyên môn"], ["Hiệu trưởng", "Phó Hiệu trưởng"]),
    "police": (["Cán bộ Công an xã", "Cán bộ Công an xã", "Công an viên"], ["Phó Trưởng Công an xã"],
               ["Trưởng Công an xã", "Phó Trưởng Công an xã"]),
    "military": (["Dân quân thường trực", "Phó Chỉ huy trưởng Ban Chỉ huy Quân sự xã"],
                 ["Chỉ huy trưởng Ban Chỉ huy Quân sự xã"], ["Chỉ huy trưởng Ban Chỉ huy Quân sự xã",
                                                             "Phó Chỉ huy trưởng Ban Chỉ huy Quân sự xã"]),
    "village": (["Nông dân", "Nông dân", "Nông dân", "Nông dân", "Hưu trí", "Công an viên", "Y tế thôn", "Kinh doanh",
                 "Chi hội trưởng Hội Nông dân", "Chi hội trưởng Hội Phụ nữ"], ["Trưởng thôn", "Phó Trưởng thôn"],
                ["Trưởng thôn", "Phó Trưởng thôn"]),
}
TECHNICAL_JOBS = ["Lái xe", "Nhân viên kỹ thuật", "Nhân viên phục vụ", "Bảo vệ", "Nhân viên văn thư – lưu trữ"]

# Professional-level and political-theory weights by kind of work (the Lâm Đồng-style bloc is then made exact).
LEVELS = {
    "agency": "doctorate:1 master:22 university:68 college:3 intermediate:4 technical:2",
    "party": "doctorate:1 master:25 university:68 college:2 intermediate:2 technical:2",
    "mass": "master:12 university:70 college:6 intermediate:8 technical:4",
    "health": "doctorate:2 master:15 university:50 college:15 intermediate:18",
    "school": "doctorate:8 master:50 university:40 college:2",
    "press": "master:10 university:75 college:8 intermediate:4 technical:3",
    "center": "doctorate:1 master:12 university:70 college:7 intermediate:6 technical:4",
    "enterprise": "master:4 university:45 college:14 intermediate:15 technical:22",
    "bank": "master:20 university:78 college:2",
    "commune": "university:45 college:10 intermediate:30 technical:5 other:10",
    "village": "university:4 college:4 intermediate:14 technical:6 other:72",
    "teacher": "master:6 university:80 college:12 intermediate:2",
    "police": "university:55 college:10 intermediate:35",
    "military": "university:20 college:15 intermediate:45 other:20",
}
THEORY = {
    "agency": "advanced:26 intermediate:34 elementary:36 none:4",
    "party": "advanced:35 intermediate:35 elementary:28 none:2",
    "mass": "advanced:25 intermediate:40 elementary:32 none:3",
    "health": "advanced:8 intermediate:25 elementary:57 none:10",
    "school": "advanced:12 intermediate:25 elementary:55 none:8",
    "press": "advanced:15 intermediate:30 elementary:50 none:5",
    "center": "advanced:10 intermediate:28 elementary:55 none:7",
    "enterprise": "advanced:5 intermediate:20 elementary:60 none:15",
    "bank": "advanced:8 intermediate:30 elementary:55 none:7",
    "commune": "advanced:6 intermediate:38 elementary:48 none:8",
    "village": "advanced:0.5 intermediate:6 elementary:74 none:19.5",
    "teacher": "advanced:2 intermediate:15 elementary:73 none:10",
    "police": "advanced:3 intermediate:40 elementary:52 none:5",
    "military": "advanced:2 intermediate:35 elementary:55 none:8",
}
LEVELS = {k: _k(v) for k, v in LEVELS.items()}
THEORY = {k: _k(v) for k, v in THEORY.items()}
THEORY_RANK = {PoliticalTheory.ADVANCED: 3, PoliticalTheory.INTERMEDIATE: 2, PoliticalTheory.ELEMENTARY: 1,
               PoliticalTheory.NONE: 0}

# Sub-cell names by kind of host unit (a unit may list its own).
SUBCELLS = {
    "agency": ["Văn phòng", "Thanh tra", "Phòng Kế hoạch – Tài chính", "Phòng Tổ chức – Hành chính",
               "Phòng Quản lý chuyên ngành", "Phòng Pháp chế", "Phòng Nghiệp vụ", "Trung tâm Dịch vụ"],
    "party": ["Phòng Tổng hợp", "Phòng Nghiệp vụ 1", "Phòng Nghiệp vụ 2", "Phòng Hành chính – Quản trị",
              "Phòng Tài chính"],
    "mass": ["Văn phòng", "Ban Tổ chức – Kiểm tra", "Ban Tuyên giáo", "Ban Chính sách – Pháp luật"],
    "health": ["Khoa Nội", "Khoa Ngoại", "Khoa Sản", "Khoa Nhi", "Khoa Hồi sức cấp cứu", "Khoa Cận lâm sàng",
               "Phòng Kế hoạch tổng hợp", "Phòng Tổ chức cán bộ", "Khoa Dược"],
    "school": ["Khoa Khoa học cơ bản", "Khoa Kinh tế", "Khoa Kỹ thuật", "Phòng Đào tạo", "Phòng Tổ chức – Hành chính",
               "Khoa Điều dưỡng"],
    "press": ["Phòng Thời sự", "Phòng Chuyên đề", "Phòng Kỹ thuật – Công nghệ", "Phòng Hành chính – Tổ chức",
              "Phòng Biên tập"],
    "center": ["Phòng Hành chính – Tổng hợp", "Phòng Nghiệp vụ 1", "Phòng Nghiệp vụ 2", "Phòng Kỹ thuật"],
    "enterprise": ["Văn phòng Công ty", "Phòng Kế toán – Tài vụ", "Phòng Kỹ thuật", "Xí nghiệp số 1",
                   "Xí nghiệp số 2", "Phân xưởng Sản xuất", "Phòng Kinh doanh", "Đội Thi công"],
    "bank": ["Phòng Khách hàng", "Phòng Kế toán – Ngân quỹ", "Phòng Giao dịch Trung tâm", "Phòng Giao dịch số 1",
             "Phòng Tổng hợp"],
}


# ---------------------------------------------------------------------------------------------- structure

@dataclass
class UnitSpec:
    """A TCCSĐ and its host unit."""

    host: str
    sector: str
    kind: str  # grassroots_committee or grassroots_cell
    work: str  # a key of JOBS
    weight: float = 1.0
    cells: list[str] | None = None  # sub-cell names (đảng bộ cơ sở); drawn from SUBCELLS when None
    partials: list[tuple[str, list[str]]] = field(default_factory=list)  # đảng bộ bộ phận and their cells
    size: tuple[int, int] | None = None  # fixed bounds of its member count on REF
    org_name: str | None = None
    office: bool = False  # the cell of the bloc committee's own office, whose staff lead the bloc


PM, ADM, PS, SE, PE, CO = (Sector.PARTY_MASS, Sector.ADMINISTRATIVE, Sector.PUBLIC_SERVICE, Sector.STATE_ENTERPRISE,
                           Sector.PRIVATE_ENTERPRISE, Sector.OTHER)
GC, GL = OrgKind.GRASSROOTS_COMMITTEE, OrgKind.GRASSROOTS_CELL

LD_UNITS = [
    # 34 đảng bộ cơ sở
    UnitSpec("Văn phòng Tỉnh ủy", PM, GC, "party", 1.2,
             ["Phòng Tổng hợp", "Phòng Hành chính – Lưu trữ", "Phòng Quản trị – Tài vụ", "Nhà khách Tỉnh ủy"]),
    UnitSpec("Trường Chính trị tỉnh", PS, GC, "school", 0.9,
             ["Khoa Lý luận cơ sở", "Khoa Xây dựng Đảng", "Khoa Nhà nước và Pháp luật", "Phòng Quản lý đào tạo"]),
    UnitSpec("Văn phòng Ủy ban nhân dân tỉnh", ADM, GC, "agency", 1.3,
             ["Phòng Tổng hợp", "Phòng Kinh tế", "Phòng Khoa giáo – Văn xã", "Phòng Hành chính – Tổ chức",
              "Trung tâm Công báo – Tin học"]),
    UnitSpec("Văn phòng Đoàn đại biểu Quốc hội và Hội đồng nhân dân tỉnh", ADM, GC, "agency", 0.7,
             ["Phòng Công tác Quốc hội", "Phòng Công tác Hội đồng nhân dân", "Phòng Hành chính – Tổ chức – Quản trị"]),
    UnitSpec("Sở Tài chính", ADM, GC, "agency", 1.1,
             ["Văn phòng Sở", "Phòng Quản lý Ngân sách", "Phòng Tài chính Đầu tư", "Phòng Quản lý Giá và Công sản",
              "Thanh tra Sở"]),
    UnitSpec("Sở Kế hoạch và Đầu tư", ADM, GC, "agency", 0.9),
    UnitSpec("Sở Nội vụ", ADM, GC, "agency", 1.0,
             ["Văn phòng Sở", "Phòng Tổ chức – Biên chế", "Ban Thi đua – Khen thưởng", "Ban Tôn giáo",
              "Chi cục Văn thư – Lưu trữ"]),
    UnitSpec("Sở Tư pháp", ADM, GC, "agency", 0.8),
    UnitSpec("Sở Công Thương", ADM, GC, "agency", 1.0),
    UnitSpec("Sở Xây dựng", ADM, GC, "agency", 0.9),
    UnitSpec("Sở Giao thông vận tải", ADM, GC, "agency", 1.0,
             ["Văn phòng Sở", "Thanh tra Sở", "Phòng Quản lý Vận tải", "Ban Quản lý bảo trì đường bộ"]),
    UnitSpec("Sở Nông nghiệp và Phát triển nông thôn", ADM, GC, "agency", 2.2,
             ["Văn phòng Sở", "Chi cục Thủy lợi", "Chi cục Trồng trọt và Bảo vệ thực vật", "Chi cục Chăn nuôi và Thú y",
              "Trung tâm Khuyến nông"],
             [("Chi cục Kiểm lâm", ["Hạt Kiểm lâm khu vực I", "Hạt Kiểm lâm khu vực II", "Đội Kiểm lâm cơ động"])]),
    UnitSpec("Sở Tài nguyên và Môi trường", ADM, GC, "agency", 1.3,
             ["Văn phòng Sở", "Văn phòng Đăng ký đất đai", "Chi cục Bảo vệ môi trường", "Phòng Quản lý đất đai",
              "Trung tâm Quan trắc tài nguyên và môi trường"]),
    UnitSpec("Sở Y tế", ADM, GC, "agency", 1.0,
             ["Văn phòng Sở", "Phòng Nghiệp vụ Y", "Phòng Nghiệp vụ Dược", "Chi cục Dân số – Kế hoạch hóa gia đình",
              "Chi cục An toàn vệ sinh thực phẩm"]),
    UnitSpec("Sở Giáo dục và Đào tạo", ADM, GC, "agency", 1.1,
             ["Văn phòng Sở", "Phòng Giáo dục Trung học", "Phòng Giáo dục Mầm non – Tiểu học",
              "Phòng Khảo thí và Quản lý chất lượng", "Phòng Tổ chức cán bộ"]),
    UnitSpec("Sở Văn hóa, Thể thao và Du lịch", ADM, GC, "agency", 1.6,
             ["Văn phòng Sở", "Phòng Quản lý Văn hóa", "Phòng Quản lý Du lịch",
              "Trung tâm Huấn luyện và Thi đấu thể thao"],
             [("Khối đơn vị sự nghiệp", ["Bảo tàng tỉnh", "Thư viện tỉnh", "Trung tâm Văn hóa Nghệ thuật"])]),
    UnitSpec("Sở Lao động – Thương binh và Xã hội", ADM, GC, "agency", 1.0,
             ["Văn phòng Sở", "Trung tâm Dịch vụ việc làm", "Cơ sở Bảo trợ xã hội", "Phòng Người có công"]),
    UnitSpec("Sở Khoa học và Công nghệ", ADM, GC, "agency", 0.7),
    UnitSpec("Sở Thông tin và Truyền thông", ADM, GC, "agency", 0.6),
    UnitSpec("Thanh tra tỉnh", ADM, GC, "agency", 0.6,
             ["Văn phòng", "Phòng Nghiệp vụ 1", "Phòng Nghiệp vụ 2", "Phòng Phòng, chống tham nhũng"]),
    UnitSpec("Ban Quản lý các khu công nghiệp tỉnh", ADM, GC, "agency", 0.6),
    UnitSpec("Bệnh viện Đa khoa tỉnh", PS, GC, "health", 3.2,
             ["Phòng Kế hoạch tổng hợp", "Phòng Tổ chức cán bộ", "Khoa Cận lâm sàng", "Khoa Dược",
              "Khoa Hồi sức cấp cứu"],
             [("Khối Nội", ["Khoa Nội tổng hợp", "Khoa Tim mạch", "Khoa Thần kinh"]),
              ("Khối Ngoại", ["Khoa Ngoại tổng hợp", "Khoa Chấn thương chỉnh hình", "Khoa Gây mê hồi sức"])]),
    UnitSpec("Bệnh viện Y học cổ truyền tỉnh", PS, GC, "health", 0.9),
    UnitSpec("Trung tâm Kiểm soát bệnh tật tỉnh", PS, GC, "health", 0.9,
             ["Khoa Phòng chống bệnh truyền nhiễm", "Khoa Xét nghiệm", "Phòng Tổ chức – Hành chính",
              "Khoa Dinh dưỡng"]),
    UnitSpec("Trường Cao đẳng Y tế", PS, GC, "school", 0.9,
             ["Khoa Điều dưỡng", "Khoa Dược", "Khoa Khoa học cơ bản", "Phòng Đào tạo"]),
    UnitSpec("Trường Cao đẳng Kỹ thuật – Công nghệ", PS, GC, "school", 1.0),
    UnitSpec("Đài Phát thanh và Truyền hình tỉnh", PS, GC, "press", 1.2),
    UnitSpec("Báo tỉnh", PS, GC, "press", 0.7, ["Ban Thời sự", "Ban Chuyên đề", "Ban Trị sự", "Ban Báo điện tử"]),
    UnitSpec("Ban Quản lý dự án đầu tư xây dựng các công trình dân dụng và công nghiệp tỉnh", PS, GC, "center", 0.6),
    UnitSpec("Công ty TNHH MTV Xổ số kiến thiết tỉnh", SE, GC, "enterprise", 0.7,
             ["Văn phòng Công ty", "Phòng Kế toán – Tài vụ", "Phòng Kinh doanh", "Chi nhánh phía Nam"]),
    UnitSpec("Công ty TNHH MTV Lâm nghiệp tỉnh", SE, GC, "enterprise", 1.0,
             ["Văn phòng Công ty", "Lâm trường số 1", "Lâm trường số 2", "Lâm trường số 3", "Đội Bảo vệ rừng"]),
    UnitSpec("Công ty TNHH MTV Quản lý khai thác công trình thủy lợi", SE, GC, "enterprise", 0.8,
             ["Văn phòng Công ty", "Xí nghiệp Thủy lợi số 1", "Xí nghiệp Thủy lợi số 2", "Phòng Kỹ thuật"]),
    UnitSpec("Ban Quản lý Vườn quốc gia", PS, GC, "center", 0.7,
             ["Văn phòng", "Hạt Kiểm lâm Vườn quốc gia", "Trung tâm Nghiên cứu khoa học",
              "Trung tâm Du lịch sinh thái"]),
    UnitSpec("Liên đoàn Lao động tỉnh", PM, GC, "mass", 0.6),
    # 34 chi bộ cơ sở
    UnitSpec("Cơ quan Đảng ủy Khối các cơ quan tỉnh", PM, GL, "party", size=(16, 22), office=True),
    UnitSpec("Ban Tổ chức Tỉnh ủy", PM, GL, "party"),
    UnitSpec("Ban Tuyên giáo Tỉnh ủy", PM, GL, "party"),
    UnitSpec("Ủy ban Kiểm tra Tỉnh ủy", PM, GL, "party"),
    UnitSpec("Ban Dân vận Tỉnh ủy", PM, GL, "party"),
    UnitSpec("Ban Nội chính Tỉnh ủy", PM, GL, "party"),
    UnitSpec("Ban Bảo vệ, chăm sóc sức khỏe cán bộ tỉnh", PM, GL, "party", 0.6),
    UnitSpec("Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", PM, GL, "mass"),
    UnitSpec("Tỉnh Đoàn", PM, GL, "mass"),
    UnitSpec("Hội Liên hiệp Phụ nữ tỉnh", PM, GL, "mass"),
    UnitSpec("Hội Nông dân tỉnh", PM, GL, "mass"),
    UnitSpec("Hội Cựu chiến binh tỉnh", PM, GL, "mass", 0.6),
    UnitSpec("Liên minh Hợp tác xã tỉnh", PM, GL, "mass", 0.6),
    UnitSpec("Hội Chữ thập đỏ tỉnh", PM, GL, "mass", 0.5),
    UnitSpec("Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh", PM, GL, "mass", 0.5),
    UnitSpec("Hội Văn học Nghệ thuật tỉnh", PM, GL, "mass", 0.5),
    UnitSpec("Hội Nhà báo tỉnh", PM, GL, "mass", 0.4),
    UnitSpec("Ban Dân tộc tỉnh", ADM, GL, "agency"),
    UnitSpec("Sở Ngoại vụ", ADM, GL, "agency"),
    UnitSpec("Trung tâm Phục vụ hành chính công tỉnh", ADM, GL, "agency"),
    UnitSpec("Ban Quản lý Khu du lịch quốc gia", ADM, GL, "agency"),
    UnitSpec("Quỹ Đầu tư phát triển tỉnh", PS, GL, "center"),
    UnitSpec("Trung tâm Xúc tiến Đầu tư, Thương mại và Du lịch", PS, GL, "center"),
    UnitSpec("Trường Trung học phổ thông Chuyên tỉnh", PS, GL, "school", 1.3),
    UnitSpec("Trường Phổ thông Dân tộc nội trú tỉnh", PS, GL, "school", 1.2),
    UnitSpec("Trung tâm Công nghệ thông tin tỉnh", PS, GL, "center"),
    UnitSpec("Bệnh viện Phục hồi chức năng tỉnh", PS, GL, "health", 1.3),
    UnitSpec("Trung tâm Pháp y tỉnh", PS, GL, "health", 0.7),
    UnitSpec("Trung tâm Lưu trữ lịch sử tỉnh", PS, GL, "center", 0.6),
    UnitSpec("Nhà hát Ca múa nhạc tỉnh", PS, GL, "center"),
    UnitSpec("Trung tâm Nước sạch và Vệ sinh môi trường nông thôn", PS, GL, "center"),
    UnitSpec("Quỹ Bảo vệ và Phát triển rừng tỉnh", PS, GL, "center", 0.6),
    UnitSpec("Công ty Cổ phần Sách và Thiết bị trường học", SE, GL, "enterprise", 0.8),
    UnitSpec("Công ty TNHH MTV Dịch vụ công ích tỉnh", SE, GL, "enterprise"),
]

TV_MERGE_INTO = "Công ty TNHH MTV Cấp nước tỉnh"
TV_MERGE_SOURCE = "Công ty TNHH MTV Công trình đô thị tỉnh"
TV_MERGED_NAME = "Chi bộ Công ty TNHH MTV Cấp nước và Công trình đô thị tỉnh"
TV_UNITS = [
    UnitSpec("Cục Thuế tỉnh", ADM, GC, "agency", 1.6,
             ["Văn phòng Cục", "Phòng Thanh tra – Kiểm tra", "Phòng Nghiệp vụ – Dự toán", "Chi cục Thuế khu vực I",
              "Chi cục Thuế khu vực II"]),
    UnitSpec("Kho bạc Nhà nước tỉnh", ADM, GC, "bank", 1.0,
             ["Văn phòng", "Phòng Kế toán Nhà nước", "Phòng Kiểm soát chi", "Kho bạc Nhà nước khu vực"]),
    UnitSpec("Bảo hiểm xã hội tỉnh", ADM, GC, "agency", 1.0,
             ["Văn phòng", "Phòng Thu – Sổ thẻ", "Phòng Chế độ bảo hiểm xã hội", "Bảo hiểm xã hội khu vực"]),
    UnitSpec("Ngân hàng Nông nghiệp và Phát triển nông thôn Chi nhánh tỉnh", SE, GC, "bank", 1.4),
    UnitSpec("Công ty Điện lực tỉnh", SE, GC, "enterprise", 1.5,
             ["Văn phòng Công ty", "Phòng Kỹ thuật", "Phòng Kinh doanh", "Điện lực thành phố",
              "Điện lực huyện Cầu Ngang",
              "Điện lực huyện Trà Cú"]),
    UnitSpec("Viễn thông tỉnh", SE, GC, "enterprise", 0.9,
             ["Văn phòng", "Trung tâm Điều hành thông tin", "Trung tâm Viễn thông khu vực 1",
              "Trung tâm Viễn thông khu vực 2"]),
    UnitSpec("Bưu điện tỉnh", SE, GC, "enterprise", 0.8,
             ["Văn phòng", "Bưu điện thành phố", "Bưu điện huyện Châu Thành"]),
    UnitSpec("Trường Đại học Duyên Hải", PS, GC, "school", 1.8,
             ["Khoa Kinh tế – Luật", "Khoa Kỹ thuật và Công nghệ", "Khoa Ngôn ngữ – Văn hóa – Nghệ thuật Khmer Nam Bộ",
              "Khoa Y – Dược", "Phòng Đào tạo", "Phòng Tổ chức – Hành chính"]),
    UnitSpec("Công ty Cổ phần Dược phẩm Phương Nam", PE, GC, "enterprise", 1.0,
             ["Văn phòng Công ty", "Nhà máy sản xuất", "Phòng Kinh doanh", "Phòng Kiểm nghiệm"]),
    UnitSpec("Cơ quan Đảng ủy Khối các cơ quan và doanh nghiệp tỉnh", PM, GL, "party", size=(14, 20), office=True),
    UnitSpec("Hội Luật gia tỉnh", PM, GL, "mass", 0.5),
    UnitSpec("Ngân hàng Nhà nước Chi nhánh tỉnh", ADM, GL, "bank"),
    UnitSpec("Cục Thống kê tỉnh", ADM, GL, "agency"),
    UnitSpec("Cục Thi hành án dân sự tỉnh", ADM, GL, "agency"),
    UnitSpec("Cục Quản lý thị trường tỉnh", ADM, GL, "agency"),
    UnitSpec("Ngân hàng Chính sách xã hội Chi nhánh tỉnh", SE, GL, "bank"),
    UnitSpec("Ngân hàng TMCP Ngoại thương Chi nhánh tỉnh", SE, GL, "bank"),
    UnitSpec("Ngân hàng TMCP Đầu tư và Phát triển Chi nhánh tỉnh", SE, GL, "bank"),
    UnitSpec(TV_MERGE_INTO, SE, GL, "enterprise", size=(13, 16)),
    UnitSpec(TV_MERGE_SOURCE, SE, GL, "enterprise", size=(8, 11)),
    UnitSpec("Công ty TNHH May mặc Hưng Phát", PE, GL, "enterprise"),
    UnitSpec("Công ty Cổ phần Thủy sản Biển Đông", PE, GL, "enterprise"),
    UnitSpec("Công ty TNHH Giày da Mê Kông", PE, GL, "enterprise"),
    UnitSpec("Công ty Cổ phần Lương thực Sông Hậu", PE, GL, "enterprise"),
    UnitSpec("Công ty TNHH Xây dựng Thành Công", PE, GL, "enterprise", 0.7),
]

QT_UNITS = [
    UnitSpec("Công ty TNHH MTV Cao su tỉnh", SE, GC, "enterprise", 1.6,
             ["Văn phòng Công ty", "Nông trường Cao su Khe Sanh", "Nông trường Cao su Tân Lâm", "Nhà máy Chế biến mủ",
              "Nông trường Cao su Cồn Tiên"]),
    UnitSpec("Công ty TNHH MTV Lâm nghiệp Đường 9", SE, GC, "enterprise", 1.0,
             ["Văn phòng Công ty", "Lâm trường Đường 9", "Lâm trường Bến Hải", "Xưởng Chế biến gỗ"]),
    UnitSpec("Công ty Xăng dầu tỉnh", SE, GC, "enterprise", 1.0,
             ["Văn phòng Công ty", "Phòng Kinh doanh", "Cửa hàng khu vực Bắc", "Cửa hàng khu vực Nam"]),
    UnitSpec("Công ty Cổ phần Tổng Công ty Thương mại tỉnh", PE, GC, "enterprise", 1.0),
    UnitSpec("Công ty Cổ phần Đầu tư Xây dựng Giao thông", PE, GC, "enterprise", 0.9),
    UnitSpec("Công ty Cổ phần Cảng Cửa Tùng", PE, GC, "enterprise", 0.8,
             ["Văn phòng Công ty", "Xí nghiệp Xếp dỡ", "Đội Tàu lai dắt"]),
    UnitSpec("Cơ quan Đảng ủy Khối Doanh nghiệp tỉnh", PM, GL, "party", size=(12, 18), office=True),
    UnitSpec("Công ty TNHH Tinh bột sắn Hướng Hóa", PE, GL, "enterprise"),
    UnitSpec("Công ty Cổ phần Dược – Vật tư y tế", PE, GL, "enterprise"),
    UnitSpec("Công ty Cổ phần Quản lý đường bộ và Xây dựng công trình", SE, GL, "enterprise"),
    UnitSpec("Công ty TNHH MTV Thủy lợi sông Thạch Hãn", SE, GL, "enterprise"),
    UnitSpec("Công ty Cổ phần In và Bao bì", PE, GL, "enterprise"),
    UnitSpec("Công ty Cổ phần Cà phê Khe Sanh", PE, GL, "enterprise"),
    UnitSpec("Công ty TNHH Hồ tiêu Cồn Tiên", PE, GL, "enterprise", 0.7),
    UnitSpec("Công ty Cổ phần Nước giải khát Thành Cổ", PE, GL, "enterprise"),
    UnitSpec("Công ty Cổ phần Xây lắp điện", PE, GL, "enterprise"),
    UnitSpec("Công ty Cổ phần Khoáng sản", PE, GL, "enterprise", 0.8),
    UnitSpec("Công ty Cổ phần Du lịch Trường Sơn", PE, GL, "enterprise", 0.7),
    UnitSpec("Công ty TNHH Năng lượng gió Hướng Linh", PE, GL, "enterprise", 0.6),
    UnitSpec("Hợp tác xã Dịch vụ nông nghiệp Triệu Phong", CO, GL, "village", 0.6),
]

KT_COMMUNES = [
    # (name, minority share, main minority groups)
    ("Thị trấn Ngọc Linh", 0.15, ["Xơ Đăng", "Ba Na"]),
    ("Xã Đăk Pxi", 0.85, ["Xơ Đăng", "Giẻ Triêng"]),
    ("Xã Đăk Long", 0.75, ["Xơ Đăng"]),
    ("Xã Ngọk Wang", 0.70, ["Ba Na", "Xơ Đăng"]),
    ("Xã Ngọk Réo", 0.80, ["Ba Na"]),
    ("Xã Đăk Mar", 0.45, ["Ba Na", "Gia Rai"]),
    ("Xã Đăk Hring", 0.60, ["Xơ Đăng", "Ba Na"]),
    ("Xã Đăk Ui", 0.55, ["Xơ Đăng", "Giẻ Triêng"]),
    ("Xã Hà Mòn", 0.40, ["Ba Na", "Gia Rai"]),
    ("Xã Đăk La", 0.35, ["Gia Rai", "Ba Na"]),
]
KT_VILLAGE_PREFIX = ["Kon", "Đăk", "Plei", "Tê", "Vi", "Ngọk", "Kon", "Đăk"]
KT_VILLAGE_SUFFIX = ["Rơ Wang", "Klốc", "Gung", "Trang", "Lấp", "Xú", "Hơ Ô", "Pông", "Rế", "Mơ Nay", "Băng", "Mót",
                     "Pơ Ô", "Jri", "Kơ Đem", "Đrei", "Brông", "Wơk", "Long", "Tiên", "Yên", "Dơn", "Hra", "Ri"]
KT_KINH_VILLAGES = ["Thôn 1", "Thôn 2", "Thôn 3", "Thôn 4", "Thôn 5", "Thôn Tân Lập", "Thôn Thống Nhất",
                    "Thôn Quyết Thắng", "Thôn Bình Minh", "Thôn Thanh Trung"]


# ---------------------------------------------------------------------------------------------- plan records

@dataclass
class Cell:
    org: Organization
    bloc: str
    work: str
    ethnic: Callable
    tccsd: Organization
    ref_count: int = 0
    partial: Organization | None = None  # the đảng bộ bộ phận it sits in, if any
    members: list = field(default_factory=list)  # PlannedMember on REF


@dataclass
class PlannedMember:
    profile: dict
    cell: Cell  # the first cell
    start: dt.date
    reason: str
    ref_cell: Cell | None = None  # where the member is on REF (None: not a member on REF)
    move: tuple[dt.date, Cell] | None = None
    leave: tuple[dt.date, str, str] | None = None  # date, reason, note
    later_leave: tuple[dt.date, str, str] | None = None  # a leaving after 2025 (kept apart: see _plan_later_years)
    later: bool = False  # admitted after 2025: its profile is drawn from the later years' generator
    student: bool = False
    obj: Member | None = None

    @property
    def stable(self) -> bool:
        """Recorded in its REF cell from HISTORY_START and still there at the end: may hold positions."""
        return (self.ref_cell is not None and self.move is None and self.leave is None
                and self.reason == MembershipReason.RECORDED)

    @property
    def age(self) -> int:
        return age_on(self.profile["birth_date"], REF)


@dataclass
class Bloc:
    key: str
    org: Organization
    style: str
    female: float
    total: int  # members on its reference day
    admissions: dict[int, int]  # by year, 2021–2024
    transfers_in: int
    movers: int
    leavers: int  # leaving 2021–2024
    leavers_2025: int
    admissions_2025: int
    office: Cell | None = None
    cells: list[Cell] = field(default_factory=list)
    tccsd: list[Organization] = field(default_factory=list)
    units: dict = field(default_factory=dict)  # TCCSĐ pk -> UnitSpec
    ref_day: dt.date = REF  # the day its cells hold exactly their ``ref_count`` members


@dataclass
class DemoResult:
    seed: int
    organizations: int
    members: int
    ld_members_on_ref: int
    users: list[tuple[str, str, str, str]]
    digest: str
    seconds: float


# ---------------------------------------------------------------------------------------------- helpers

def distribute(rng: random.Random, total: int, lows: list[int], highs: list[int], weights: list[float]) -> list[int]:
    """Integers x with lows <= x <= highs summing to ``total``, drawn in proportion to the weights."""
    if not sum(lows) <= total <= sum(highs):
        raise ValueError(f"cannot place {total} between {sum(lows)} and {sum(highs)}")
    values = list(lows)
    remaining = total - sum(lows)
    while remaining:
        open_ = [i for i in range(len(values)) if values[i] < highs[i]]
        i = rng.choices(open_, weights=[weights[j] for j in open_])[0]
        step = min(remaining, highs[i] - values[i], max(1, remaining // (4 * len(open_))))
        values[i] += step
        remaining -= step
    return values


def weighted_sample(rng: random.Random, items: list, weights: list[float], k: int) -> list:
    """k items without replacement, each drawn in proportion to its weight (Efraimidis–Spirakis)."""
    keyed = sorted(((rng.random() ** (1.0 / w) if w > 0 else -1.0, i) for i, w in enumerate(weights)), reverse=True)
    return [items[i] for _, i in keyed[:k]]


def demo_password(seed: int, username: str) -> str:
    """A readable password that depends only on the seed and the username."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    digest = hashlib.sha256(f"partybuilding-demo:{seed}:{username}".encode()).digest()
    chars = "".join(alphabet[b % len(alphabet)] for b in digest[:10])
    return f"{chars[:5]}-{chars[5:]}"


def member_digest() -> str:
    """A fingerprint of the register (names, birth dates, citizen IDs), independent of database ids."""
    rows = Member.objects.order_by("citizen_id").values_list("full_name", "birth_date", "citizen_id")
    h = hashlib.sha256()
    for name, birth, cid in rows:
        h.update(f"{name}|{birth}|{cid}\n".encode())
    return h.hexdigest()


def has_data() -> bool:
    return Organization.objects.exists() or Member.objects.exists() or HostUnit.objects.exists()


DEMO_USERS = [
    # username, role, key of the organization in DemoBuilder.orgs
    ("quantri.tinh", Role.ADMINISTRATOR, "province"),
    ("canbo.ld", Role.COMMITTEE_STAFF, "ld"),
    ("kiemtra.ld", Role.INSPECTION_STAFF, "ld"),
    ("lanhdao.ld", Role.LEADERSHIP, "ld"),
    ("coso.ld", Role.GRASSROOTS_OFFICER, "ld_grassroots"),
    ("bithu.ld", Role.CELL_SECRETARY, "ld_cell"),
    ("canbo.ubnd", Role.COMMITTEE_STAFF, "tv_gov"),
    ("canbo.qt", Role.COMMITTEE_STAFF, "qt"),
    # The Kon Tum-style district is dissolved on 01/07/2025 (the district level abolished): its staff work for the
    # provincial committee, which its communes and the resolution it carries out (03-NQ/TU) now belong to.
    ("canbo.kt", Role.COMMITTEE_STAFF, "province"),
]
DEMO_USERNAMES = [u for u, _, _ in DEMO_USERS]


# Reference data shipped by migrations (rating schemes, admission stages, public holidays): kept by a reset.
REFERENCE_DATA = {"ratingscheme", "ratinglevel", "admissionstage", "publicholiday",
                  "historicalratingscheme", "historicalratinglevel", "historicaladmissionstage",
                  "historicalpublicholiday"}


def reset_demo() -> None:
    """Delete every party organization, host unit, mass organization, member (with their history) and the
    demo users. Runs inside the caller's transaction; TRUNCATE also empties any table of a later app that
    points at these (their rows would point at organizations that no longer exist)."""
    tables = []
    for label in ("organizations", "members"):
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if model._meta.managed and not model._meta.proxy and model._meta.model_name not in REFERENCE_DATA:
                tables.append(connection.ops.quote_name(model._meta.db_table))
    with connection.cursor() as cur:
        # Rows inserted earlier in this transaction leave deferred FK checks pending, which TRUNCATE refuses.
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cur.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
        cur.execute("SET CONSTRAINTS ALL DEFERRED")
    get_user_model().objects.filter(username__in=DEMO_USERNAMES).delete()


# ---------------------------------------------------------------------------------------------- builder

def check_today(today: dt.date) -> dt.date:
    if today < EARLIEST_TODAY:
        raise ValueError(f"the demo's history needs a today on or after {EARLIEST_TODAY:%d/%m/%Y} "
                         f"(the 2025 restructuring); got {today:%d/%m/%Y}")
    return today


class DemoBuilder:
    def __init__(self, seed: int, log: Callable[[str], None] | None = None, today: dt.date | None = None):
        self.seed = seed
        self.today = check_today(today or dt.date.today())
        self.rng = random.Random(seed)
        self.fake = Faker("vi_VN")
        self.fake.seed_instance(seed)
        self.log = log or (lambda message: None)
        self.blocs: dict[str, Bloc] = {}
        self.cells: list[Cell] = []
        self.cell_by_pk: dict[int, Cell] = {}
        self.plan: list[PlannedMember] = []
        self.citizen_ids: set[str] = set()
        self.cards: set[str] = set()
        self.orgs: dict[str, Organization] = {}
        self.positions: list[tuple[PlannedMember, Organization, str, dt.date, dt.date | None]] = []
        self.decision_no = 0
        self.grown: dict[int, int] = {}  # cell pk -> members it took after its bloc's reference day

    # ------------------------------------------------------------------ tree

    def _decision(self, issuer: str) -> str:
        self.decision_no += self.rng.randint(1, 9)
        return f"{self.decision_no % 900 + 10}-QĐ/{issuer}"

    def _create(self, name, kind, parent, founded, *, host=None, code="", short_name="", issuer="TU"):
        return organization_create(name=name, kind=kind, parent=parent, founded_on=founded, user=None,
                                   host_unit=host, code=code, short_name=short_name,
                                   decision=self._decision(issuer))

    def _founded(self, after: dt.date, before: dt.date) -> dt.date:
        return after + dt.timedelta(days=self.rng.randint(1, max(1, (before - after).days)))

    def build_tree(self) -> None:
        province = self._create(PROVINCE_NAME, OrgKind.PROVINCIAL, None, D(1976, 2, 3), code=CODE_PROVINCE,
                                short_name="Tỉnh ủy", issuer="TW")
        self.orgs["province"] = province
        specs = [
            ("ld", "Đảng bộ Khối các cơ quan tỉnh", "Khối Cơ quan", CODE_LD, D(1992, 6, 15), LD_UNITS),
            ("tv", "Đảng bộ Khối các cơ quan và doanh nghiệp tỉnh", "Khối CQ&DN", CODE_TV, D(2008, 3, 1), TV_UNITS),
            ("qt", "Đảng bộ Khối Doanh nghiệp tỉnh", "Khối Doanh nghiệp", CODE_QT, D(2003, 5, 20), QT_UNITS),
        ]
        for key, name, short, code, founded, units in specs:
            bloc_org = self._create(name, OrgKind.DIRECT, province, founded, code=code, short_name=short)
            self.orgs[key] = bloc_org
            self.blocs[key] = self._bloc_params(key, bloc_org)
            self._build_units(self.blocs[key], units)
        district = self._create("Đảng bộ huyện Ngọc Linh", OrgKind.DIRECT, province, D(1991, 8, 12), code=CODE_KT,
                                short_name="Huyện ủy Ngọc Linh")
        self.orgs["kt"] = district
        self.blocs["kt"] = self._bloc_params("kt", district)
        self._build_district(self.blocs["kt"])
        self.log(f"  tree: {Organization.objects.count()} organizations")

    def _bloc_params(self, key: str, org: Organization) -> Bloc:
        # Yearly admissions around seed 000's "at least 80 a year" for the 2,712-member bloc (2023 falls short,
        # so a dashboard has something to show); the other blocs admit at comparable rates.
        params = {
            "ld": dict(style="ld", female=0.47, total=LD_MEMBERS, admissions={2021: 86, 2022: 91, 2023: 78, 2024: 88},
                       transfers_in=45, movers=60, leavers=130, leavers_2025=25, admissions_2025=40),
            "tv": dict(style="tv", female=0.45, total=900, admissions={2021: 38, 2022: 45, 2023: 52, 2024: 41},
                       transfers_in=15, movers=20, leavers=45, leavers_2025=10, admissions_2025=20),
            "qt": dict(style="qt", female=0.38, total=700, admissions={2021: 28, 2022: 31, 2023: 26, 2024: 30},
                       transfers_in=10, movers=15, leavers=35, leavers_2025=8, admissions_2025=15),
            "kt": dict(style="kt", female=0.38, total=800, admissions={2021: 40, 2022: 44, 2023: 47, 2024: 42},
                       transfers_in=8, movers=12, leavers=40, leavers_2025=8, admissions_2025=20),
        }[key]
        # The Lâm Đồng-style bloc is exactly as seed 000 states it on the day the resolution gives its figures for.
        return Bloc(key=key, org=org, ref_day=LD_BASELINE_DAY if key == "ld" else REF, **params)

    def _ethnic_for(self, style: str) -> Callable:
        tables = {
            "ld": _w("Kinh:920 Cơ_Ho:30 Mạ:10 Chu_Ru:8 Tày:10 Nùng:10 Mường:6 Hoa:6"),
            "tv": _w("Kinh:830 Khmer:150 Hoa:20"),
            "qt": _w("Kinh:950 Bru_Vân_Kiều:30 Tà_Ôi:20"),
        }
        names, weights = tables[style]
        return lambda rng: rng.choices(names, weights)[0]

    def _host_units(self, units: list[UnitSpec]) -> list[HostUnit]:
        return bulk_create_with_history([HostUnit(name=u.host, sector=u.sector) for u in units], HostUnit)

    def _build_units(self, bloc: Bloc, units: list[UnitSpec]) -> None:
        rng = self.rng
        hosts = self._host_units(units)
        ethnic = self._ethnic_for(bloc.style)
        founded_bloc = bloc.org.founded_on
        plans = []  # (tccsd org, unit, [(cell org, parent org)])
        for index, (unit, host) in enumerate(zip(units, hosts), start=1):
            prefix = "Đảng bộ" if unit.kind == GC else "Chi bộ"
            name = unit.org_name or f"{prefix} {unit.host}"
            founded = self._founded(founded_bloc, D(2015, 12, 31))
            org = self._create(name, unit.kind, bloc.org, founded, host=host, code=f"{bloc.org.code}.{index:02d}",
                               issuer="ĐUK")
            bloc.tccsd.append(org)
            bloc.units[org.pk] = unit
            cells = []  # (cell org, partial committee or None)
            if unit.kind == GL:
                cells.append((org, None))
            else:
                pool = unit.cells or SUBCELLS[unit.work]
                count = len(pool) if unit.cells else rng.randint(2, min(6, len(pool)))
                names = pool if unit.cells else rng.sample(pool, count)
                for j, sub in enumerate(names[:6], start=1):
                    cells.append((self._create(f"Chi bộ {sub}", OrgKind.SUB_CELL, org,
                                               self._founded(founded, D(2018, 12, 31)), code=f"{org.code}.{j:02d}",
                                               issuer="ĐU"), None))
                for k, (partial_name, partial_cells) in enumerate(unit.partials, start=len(cells) + 1):
                    partial = self._create(f"Đảng bộ bộ phận {partial_name}", OrgKind.PARTIAL_COMMITTEE, org,
                                           self._founded(founded, D(2016, 12, 31)), code=f"{org.code}.{k:02d}",
                                           issuer="ĐU")
                    for m, sub in enumerate(partial_cells, start=1):
                        cells.append((self._create(f"Chi bộ {sub}", OrgKind.SUB_CELL, partial,
                                                   self._founded(partial.founded_on, D(2018, 12, 31)),
                                                   code=f"{partial.code}.{m:02d}", issuer="ĐU"), partial))
            plans.append((org, unit, cells))
        # Member counts on REF: first per TCCSĐ (RULES §3: a chi bộ cơ sở < 30, an đảng bộ cơ sở >= 30), then
        # per cell; every cell keeps at least 5 so that 3 full members and a secretary and deputy remain.
        lows, highs, weights = [], [], []
        for _org, unit, cells in plans:
            if unit.size:
                lo, hi = unit.size
            elif unit.kind == GL:
                lo, hi = 7, 27
            else:
                lo, hi = max(40, 7 * len(cells)), 48 * len(cells)
            lows.append(lo)
            highs.append(hi)
            jitter = math.exp(rng.gauss(0, 0.35))
            weights.append(unit.weight * jitter * (len(cells) * 14 if unit.kind == GC else 20))
        totals = distribute(rng, bloc.total, lows, highs, weights)
        for (org, unit, cells), total in zip(plans, totals):
            if len(cells) == 1:
                counts = [total]
            else:
                counts = distribute(rng, total, [6] * len(cells), [55] * len(cells),
                                    [math.exp(rng.gauss(0, 0.4)) for _ in cells])
            for (cell_org, partial), count in zip(cells, counts):
                cell = Cell(org=cell_org, bloc=bloc.key, work=unit.work, ethnic=ethnic, tccsd=org, ref_count=count,
                            partial=partial)
                self._add_cell(bloc, cell)
            if unit.office:
                bloc.office = self.cell_by_pk[org.pk]

    def _add_cell(self, bloc: Bloc, cell: Cell) -> None:
        bloc.cells.append(cell)
        self.cells.append(cell)
        self.cell_by_pk[cell.org.pk] = cell

    def _kt_ethnic(self, minority_share: float, groups: list[str]) -> Callable:
        weights = [3, 1][: len(groups)]

        def pick(rng):
            if rng.random() < minority_share:
                return rng.choices(groups, weights)[0]
            return rng.choices(["Kinh", "Mường", "Tày", "Nùng"], [94, 2, 2, 2])[0]

        return pick

    def _build_district(self, bloc: Bloc) -> None:
        rng = self.rng
        district = bloc.org
        units = [UnitSpec(name, Sector.COMMUNE, GC, "commune") for name, _, _ in KT_COMMUNES]
        units += [
            UnitSpec("Cơ quan chính quyền huyện Ngọc Linh", ADM, GC, "agency",
                     org_name="Đảng bộ Cơ quan chính quyền huyện",
                     cells=["Văn phòng HĐND và UBND huyện", "Phòng Tài chính – Kế hoạch", "Phòng Nội vụ",
                            "Phòng Nông nghiệp và Phát triển nông thôn", "Phòng Giáo dục và Đào tạo"]),
            UnitSpec("Cơ quan Huyện ủy Ngọc Linh", PM, GL, "party", org_name="Chi bộ Cơ quan Huyện ủy", size=(14, 22),
                     office=True),
            UnitSpec("Trung tâm Y tế huyện Ngọc Linh", PS, GL, "health", org_name="Chi bộ Trung tâm Y tế huyện"),
        ]
        hosts = self._host_units(units)
        plans = []
        for index, (unit, host) in enumerate(zip(units, hosts), start=1):
            founded = self._founded(D(1992, 1, 1), D(2012, 12, 31))
            if unit.sector == Sector.COMMUNE:
                name = f"Đảng bộ {unit.host[0].lower()}{unit.host[1:]}"
            else:
                name = unit.org_name
            org = self._create(name, unit.kind, district, founded, host=host, code=f"{district.code}.{index:02d}",
                               issuer="HU")
            bloc.tccsd.append(org)
            bloc.units[org.pk] = unit
            cells = []  # (org, work, ethnic)
            if unit.sector == Sector.COMMUNE:
                _, share, groups = KT_COMMUNES[index - 1]
                town = unit.host.startswith("Thị trấn")
                level = "thị trấn" if town else "xã"
                subs = [(f"Cơ quan {level}", "commune", None), (f"Công an {level}", "police", None),
                        (f"Quân sự {level}", "military", None),
                        (rng.choice(["Trường Tiểu học", "Trường Trung học cơ sở", "Trường Mầm non"]), "teacher", None)]
                n_villages = rng.randint(5, 8)
                if town:
                    subs += [(f"Tổ dân phố {i}", "village", share) for i in range(1, n_villages + 1)]
                else:
                    n_kinh = round(n_villages * (1 - share))
                    subs += [(f"thôn {v[5:]}", "village", 0.15) for v in rng.sample(KT_KINH_VILLAGES, n_kinh)]
                    villages = []
                    while len(villages) < n_villages - n_kinh:
                        v = f"làng {rng.choice(KT_VILLAGE_PREFIX)} {rng.choice(KT_VILLAGE_SUFFIX)}"
                        if v not in villages:
                            villages.append(v)
                    subs += [(v, "village", 0.9) for v in villages]
                commune_mix = self._kt_ethnic(share, groups)
                for j, (label, work, minority) in enumerate(subs, start=1):
                    cell_org = self._create(f"Chi bộ {label}", OrgKind.SUB_CELL, org,
                                            self._founded(founded, D(2018, 12, 31)), code=f"{org.code}.{j:02d}",
                                            issuer="ĐU")
                    eth = commune_mix if minority is None else self._kt_ethnic(minority, groups)
                    cells.append((cell_org, work, eth))
            elif unit.kind == GC:
                mix = self._kt_ethnic(0.2, ["Xơ Đăng", "Ba Na"])
                for j, sub in enumerate(unit.cells, start=1):
                    cells.append((self._create(f"Chi bộ {sub}", OrgKind.SUB_CELL, org,
                                               self._founded(founded, D(2018, 12, 31)), code=f"{org.code}.{j:02d}",
                                               issuer="ĐU"), unit.work, mix))
            else:
                cells.append((org, unit.work, self._kt_ethnic(0.25, ["Xơ Đăng", "Ba Na"])))
            plans.append((org, unit, cells))
        lows, highs, weights = [], [], []
        for _org, unit, cells in plans:
            if unit.size:
                lo, hi = unit.size
            elif unit.kind == GL:
                lo, hi = 10, 27
            else:
                lo, hi = max(40, 5 * len(cells)), 16 * len(cells)
            lows.append(lo)
            highs.append(hi)
            weights.append(len(cells) * 10 * math.exp(rng.gauss(0, 0.25)))
        totals = distribute(rng, bloc.total, lows, highs, weights)
        for (org, unit, cells), total in zip(plans, totals):
            if len(cells) == 1:
                counts = [total]
            else:
                counts = distribute(rng, total, [5] * len(cells),
                                    [16 if work == "village" else 22 for _, work, _ in cells],
                                    [math.exp(rng.gauss(0, 0.3)) for _ in cells])
            for (cell_org, work, eth), count in zip(cells, counts):
                self._add_cell(bloc, Cell(org=cell_org, bloc=bloc.key, work=work, ethnic=eth, tccsd=org,
                                          ref_count=count))
            if unit.office:
                bloc.office = self.cell_by_pk[org.pk]

    # ------------------------------------------------------------------ mass organizations

    def build_mass_organizations(self) -> None:
        rng = self.rng
        rows = []
        for key, bloc in self.blocs.items():
            short = bloc.org.name.removeprefix("Đảng bộ ")  # "Khối các cơ quan tỉnh"
            for kind, name in ((MassOrgKind.TRADE_UNION, f"Công đoàn {short}"),
                               (MassOrgKind.YOUTH_UNION, f"Đoàn {short}"),
                               (MassOrgKind.VETERANS, f"Hội Cựu chiến binh {short}"),
                               (MassOrgKind.WOMEN, f"Hội Phụ nữ {short}")):
                if key == "kt":
                    name = {MassOrgKind.TRADE_UNION: "Liên đoàn Lao động huyện Ngọc Linh",
                            MassOrgKind.YOUTH_UNION: "Huyện Đoàn Ngọc Linh",
                            MassOrgKind.VETERANS: "Hội Cựu chiến binh huyện Ngọc Linh",
                            MassOrgKind.WOMEN: "Hội Liên hiệp Phụ nữ huyện Ngọc Linh"}[kind]
                rows.append(MassOrganization(name=name, kind=kind, level=MassOrgLevel.UPPER, organization=bloc.org))
            for org in bloc.tccsd:
                unit = bloc.units[org.pk]
                host = unit.host
                if unit.sector == Sector.COMMUNE:
                    place = host[0].lower() + host[1:]
                    rows += [MassOrganization(name=name, kind=kind, organization=org) for kind, name in (
                        (MassOrgKind.TRADE_UNION, f"Công đoàn cơ sở {place}"),
                        (MassOrgKind.YOUTH_UNION, f"Đoàn {place}"),
                        (MassOrgKind.VETERANS, f"Hội Cựu chiến binh {place}"),
                        (MassOrgKind.WOMEN, f"Hội Liên hiệp Phụ nữ {place}"),
                    )]
                    continue
                if rng.random() < 0.92:
                    rows.append(MassOrganization(name=f"Công đoàn cơ sở {host}", kind=MassOrgKind.TRADE_UNION,
                                                 organization=org))
                if rng.random() < 0.7:
                    rows.append(MassOrganization(name=f"Đoàn cơ sở {host}" if unit.kind == GC else f"Chi đoàn {host}",
                                                 kind=MassOrgKind.YOUTH_UNION, organization=org))
                if rng.random() < 0.4:
                    rows.append(MassOrganization(name=f"Chi hội Cựu chiến binh {host}", kind=MassOrgKind.VETERANS,
                                                 organization=org))
                if rng.random() < 0.35:
                    rows.append(MassOrganization(name=f"Chi hội Phụ nữ {host}", kind=MassOrgKind.WOMEN,
                                                 organization=org))
        bulk_create_with_history(rows, MassOrganization)
        self.log(f"  mass organizations: {len(rows)}")

    # ------------------------------------------------------------------ people

    def _name(self, ethnicity: str, gender: str, style: str) -> str:
        rng = self.rng
        male = gender == "male"
        if ethnicity == "Khmer":
            surname = rng.choices(*KHMER_SURNAMES)[0]
            middle = rng.choice(["", "", "Văn", "Sô"]) if male else rng.choice(["Thị", "Thị", "Thị", "Ngọc"])
            given = rng.choice(KHMER_MALE if male else KHMER_FEMALE)
            return " ".join(p for p in (surname, middle, given) if p)
        if ethnicity == "Gia Rai":
            clan = rng.choices(*GIA_RAI_CLANS)[0]
            return f"{clan} {rng.choice(GIA_RAI_MALE if male else GIA_RAI_FEMALE)}"
        if ethnicity in HIGHLAND:
            given = rng.choice(HIGHLAND_MALE if male else HIGHLAND_FEMALE)
            if rng.random() < 0.2:  # some families use a Kinh-style surname
                return f"Đinh {'Văn' if male else 'Thị'} {given}"
            return f"{'A' if male else 'Y'} {given}"
        if ethnicity in ("Bru Vân Kiều", "Tà Ôi"):
            given = rng.choice(BRU_MALE if male else BRU_FEMALE)
            return f"{rng.choices(*BRU_SURNAMES)[0]} {'Văn' if male else 'Thị'} {given}"
        if ethnicity in ("Cơ Ho", "Mạ", "Chu Ru"):
            prefix = rng.choices(*(CO_HO_PREFIX_MALE if male else CO_HO_PREFIX_FEMALE))[0]
            return f"{prefix}{rng.choice(CO_HO_MALE if male else CO_HO_FEMALE)}"
        if ethnicity in ("Tày", "Nùng"):
            surnames = TAY_NUNG_SURNAMES
        elif ethnicity == "Mường":
            surnames = MUONG_SURNAMES
        elif ethnicity == "Hoa":
            surnames = HOA_SURNAMES
        else:
            surnames = SOUTH_SURNAMES if style == "tv" else KINH_SURNAMES
        surname = rng.choices(*surnames)[0]
        if male:
            middle = rng.choices(*MIDDLE_MALE)[0]
            given = rng.choice(GIVEN_MALE)
        else:
            middle = rng.choices(*MIDDLE_FEMALE)[0]
            if middle == "Thị" and rng.random() < 0.35:
                middle = f"Thị {rng.choice(SECOND_MIDDLE_FEMALE)}"
            given = rng.choice(GIVEN_FEMALE)
        if middle.split()[-1] == given:
            given = rng.choice(GIVEN_MALE if male else GIVEN_FEMALE)
        return f"{surname} {middle} {given}"

    def _religion(self, ethnicity: str) -> str:
        if ethnicity in RELIGIONS:
            table = RELIGIONS[ethnicity]
        elif ethnicity in HIGHLAND:
            table = RELIGIONS["highland"]
        elif ethnicity in ("Bru Vân Kiều", "Tà Ôi"):
            table = RELIGIONS["Bru"]
        elif ethnicity in ("Mạ", "Chu Ru"):
            table = RELIGIONS["Cơ Ho"]
        else:
            table = RELIGIONS["lowland_minority"]
        return self.rng.choices(*table)[0]

    def _dates(self, window: tuple[dt.date, dt.date], *, recent_bias: bool, adm_age=(18.3, 24.0, 42.0),
               ages=(REF, 22, 62)):
        """An admission date in ``window`` and a birth date giving an admission age of at least 18 and an age
        within ``ages`` (day, youngest, oldest: 22–62 on REF)."""
        rng = self.rng
        lo, hi = window
        span = (hi - lo).days
        for _ in range(200):
            if recent_bias:  # most members still in the register joined in the last twenty years
                offset = span - min(span, int(abs(rng.gauss(0, 9.5)) * 365.25))
            else:
                offset = rng.randint(0, span)
            admission = lo + dt.timedelta(days=offset)
            a_lo, a_mode, a_hi = adm_age
            age_days = int(rng.triangular(a_lo, a_hi, a_mode) * 365.25)
            birth = admission - dt.timedelta(days=age_days)
            if add_years(birth, 18) <= admission and ages[1] <= age_on(birth, ages[0]) <= ages[2]:
                return admission, birth
        raise RuntimeError("no admission/birth date pair fits")  # pragma: no cover

    def _person(self, bloc: Bloc, cell: Cell, window, *, recent_bias=False, probation_fails=False,
                adm_age=(18.3, 24.0, 42.0), ages=(REF, 22, 62)) -> dict:
        rng = self.rng
        gender = "female" if rng.random() < bloc.female else "male"
        ethnicity = cell.ethnic(rng)
        admission, birth = self._dates(window, recent_bias=recent_bias, adm_age=adm_age, ages=ages)
        full = add_years(admission, 1)
        if probation_fails or full > self.today:
            full = None
        level = rng.choices(*LEVELS[cell.work])[0]
        theory = rng.choices(*THEORY[cell.work])[0]
        if admission.year >= 2023 and THEORY_RANK[theory] >= 2:
            theory = rng.choice([PoliticalTheory.ELEMENTARY, PoliticalTheory.NONE])
        return {
            "full_name": self._name(ethnicity, gender, bloc.style),
            "gender": gender,
            "birth_date": birth,
            "ethnicity": ethnicity,
            "religion": self._religion(ethnicity),
            "admission_date": admission,
            "full_membership_date": full,
            "professional_level": level,
            "political_theory": theory,
        }

    def plan_members(self) -> None:
        for bloc in self.blocs.values():
            self._plan_bloc(bloc)
        self._exact_ld_profiles()
        self._plan_positions()
        self._plan_later_years()
        self._finish_profiles()
        self.log(f"  planned {len(self.plan)} members")

    def _spread(self, bloc: Bloc, count: int, capacity: Callable[[Cell], int],
                cells: list[Cell] | None = None) -> list[Cell]:
        """``count`` cells (of the bloc, or of ``cells``) drawn in proportion to their size, none more often
        than its capacity allows."""
        rng = self.rng
        used: dict[int, int] = {}
        picked = []
        for _ in range(count):
            open_ = [c for c in (bloc.cells if cells is None else cells) if used.get(c.org.pk, 0) < capacity(c)]
            cell = rng.choices(open_, weights=[c.ref_count for c in open_])[0]
            used[cell.org.pk] = used.get(cell.org.pk, 0) + 1
            picked.append(cell)
        return picked

    @staticmethod
    def _keep(bloc: Bloc, cell: Cell) -> int:
        """Members of a cell who stay put from 2021 to the end (secretary, deputy, 3 full members on REF);
        the bloc office also supplies the bloc's secretary and deputies."""
        return max(4, cell.ref_count // 2) + (4 if cell is bloc.office else 0)

    def _room_after(self, cell: Cell) -> int:
        """How many members a cell may still take after its bloc's reference day (admissions, transfers in, moves
        in; leavings not counted against it): a chi bộ cơ sở stays under 30 (RULES §3), every cell at 58 or
        fewer, on every later day."""
        limit = 29 if cell.org.kind == GL else 58
        return max(0, limit - cell.ref_count - self.grown.get(cell.org.pk, 0))

    def _spread_after(self, bloc: Bloc, count: int, cells: list[Cell] | None = None) -> list[Cell]:
        picked = self._spread(bloc, count, self._room_after, cells=cells)
        for cell in picked:
            self.grown[cell.org.pk] = self.grown.get(cell.org.pk, 0) + 1
        return picked

    def _plan_bloc(self, bloc: Bloc) -> None:
        """The bloc's members: exactly ``ref_count`` in each cell on the bloc's reference day (``bloc.ref_day``:
        REF, or for the Lâm Đồng-style bloc the day seed 000 gives its figures for), and the history around it —
        admissions, transfers in, moves between its cells and leavings, each before or after that day."""
        rng = self.rng
        anchor = bloc.ref_day
        earlier = (D(1984, 1, 1), D(2020, 12, 31))
        # Who is in each cell on the reference day: admissions of 2021–2024 up to it, transfers in from outside
        # before it, and the recorded rest.
        joined: dict[int, int] = {}

        def room(cell: Cell) -> int:
            return max(0, cell.ref_count - self._keep(bloc, cell) - joined.get(cell.org.pk, 0))

        def add(pm: PlannedMember) -> None:
            self.plan.append(pm)
            if pm.ref_cell is not None:
                pm.ref_cell.members.append(pm)

        for year, count in bloc.admissions.items():
            first, last = D(year, 1, 1), D(year, 12, 31)
            # The year's admissions up to the reference day count in it; the later ones join afterwards.
            before = count if last <= anchor else 0 if first > anchor else \
                round(count * ((anchor - first).days + 1) / ((last - first).days + 1))
            for cell in self._spread(bloc, before, room):
                joined[cell.org.pk] = joined.get(cell.org.pk, 0) + 1
                profile = self._person(bloc, cell, (first, min(last, anchor)), adm_age=(18.3, 23.0, 38.0))
                add(PlannedMember(profile, cell, profile["admission_date"], MembershipReason.ADMITTED, ref_cell=cell))
            for cell in self._spread_after(bloc, count - before):
                profile = self._person(bloc, cell, (max(first, anchor + dt.timedelta(days=1)), last),
                                       adm_age=(18.3, 23.0, 38.0))
                add(PlannedMember(profile, cell, profile["admission_date"], MembershipReason.ADMITTED))
        # Transfers in from outside the bloc, 2022–2024.
        transfers_after = anchor < D(2022, 1, 1)
        for cell in (self._spread_after(bloc, bloc.transfers_in) if transfers_after
                     else self._spread(bloc, bloc.transfers_in, room)):
            start = D(2022, 1, 1) + dt.timedelta(days=rng.randint(0, 1080))
            profile = self._person(bloc, cell, (D(1990, 1, 1), start - dt.timedelta(days=400)), recent_bias=True)
            if transfers_after:
                add(PlannedMember(profile, cell, start, MembershipReason.TRANSFERRED_IN))
            else:
                joined[cell.org.pk] = joined.get(cell.org.pk, 0) + 1
                add(PlannedMember(profile, cell, start, MembershipReason.TRANSFERRED_IN, ref_cell=cell))
        for cell in bloc.cells:
            for _ in range(cell.ref_count - joined.get(cell.org.pk, 0)):
                profile = self._person(bloc, cell, earlier, recent_bias=True)
                add(PlannedMember(profile, cell, HISTORY_START, MembershipReason.RECORDED, ref_cell=cell))
        # Moves between cells of the same bloc (2022–2024), leavings after the reference day and in 2025 are taken
        # from recorded members, leaving every cell enough stable ones and every đảng bộ cơ sở 30 members or more.
        stable_left = {c.org.pk: sum(pm.reason == MembershipReason.RECORDED for pm in c.members) for c in bloc.cells}
        committee_left = {}
        for c in bloc.cells:
            committee_left[c.tccsd.pk] = committee_left.get(c.tccsd.pk, 0) + c.ref_count

        def take(count: int) -> list[PlannedMember]:
            pool = [pm for c in bloc.cells for pm in c.members if pm.stable]
            rng.shuffle(pool)
            chosen = []
            for pm in pool:
                if len(chosen) == count:
                    break
                tccsd = pm.ref_cell.tccsd
                if stable_left[pm.ref_cell.org.pk] > self._keep(bloc, pm.ref_cell) and (
                        tccsd.kind != GC or committee_left[tccsd.pk] > 32):
                    stable_left[pm.ref_cell.org.pk] -= 1
                    committee_left[tccsd.pk] -= 1
                    chosen.append(pm)
            return chosen

        moves_after = anchor < D(2022, 1, 1)
        for pm in take(bloc.movers):
            day = D(rng.randint(2022, 2024), rng.randint(1, 12), 1)
            if moves_after:
                # On the reference day in its cell; it moves to another cell of the bloc later.
                others = [c for c in bloc.cells if c is not pm.ref_cell and self._room_after(c) > 0]
                destination = rng.choices(others, weights=[c.ref_count for c in others])[0]
                self.grown[destination.org.pk] = self.grown.get(destination.org.pk, 0) + 1
                pm.move = (day, destination)
            else:
                # A mover starts in another cell of the bloc and reaches its cell of the reference day.
                pm.cell = rng.choice([c for c in bloc.cells if c is not pm.ref_cell])
                pm.move = (day, pm.ref_cell)
        # 2025, before the restructuring: retirements, deaths.
        for pm in take(bloc.leavers_2025):
            old = pm.age >= 55
            reason = MembershipReason.DECEASED if old and rng.random() < 0.3 else MembershipReason.TRANSFERRED_OUT
            note = "Từ trần" if reason == MembershipReason.DECEASED else (
                "Nghỉ hưu, chuyển sinh hoạt đảng về nơi cư trú" if old else "Chuyển công tác ra ngoài Đảng bộ")
            pm.leave = (D(2025, rng.randint(1, 6), rng.randint(1, 28)), reason, note)
        self._full_core(bloc)
        # Leavings 2021–2024. Before the reference day: extra members, gone by it, so its counts stay exact; after
        # it (the Lâm Đồng-style bloc): members of that day.
        reasons, weights = _k("transferred_out:68 deceased:20 struck_off:5 resigned:4 expelled:3")
        notes = {
            MembershipReason.TRANSFERRED_OUT: "Chuyển sinh hoạt đảng chính thức ra ngoài Đảng bộ",
            MembershipReason.DECEASED: "Từ trần",
            MembershipReason.STRUCK_OFF: "Xóa tên do bỏ sinh hoạt đảng nhiều lần không có lý do",
            MembershipReason.RESIGNED: "Xin ra khỏi Đảng",
            MembershipReason.EXPELLED: "Kỷ luật khai trừ ra khỏi Đảng",
        }
        window = (D(2021, 2, 1), min(anchor, REF))
        before = bloc.leavers if anchor >= REF else \
            round(bloc.leavers * (anchor - window[0]).days / (REF - window[0]).days)
        probation_window = (D(2021, 1, 10), min(D(2023, 10, 31), anchor - dt.timedelta(days=340)))
        for cell in self._spread(bloc, before, lambda c: 10 ** 6):
            reason = rng.choices(reasons, weights)[0]
            if reason == MembershipReason.STRUCK_OFF and rng.random() < 0.6 and \
                    probation_window[0] < probation_window[1]:
                # A probationary member found unfit is struck off before full membership (RULES §3).
                profile = self._person(bloc, cell, probation_window, probation_fails=True)
                start = profile["admission_date"]
                pm = PlannedMember(profile, cell, start, MembershipReason.ADMITTED)
                leave = start + dt.timedelta(days=rng.randint(200, 340))
                note = "Xóa tên: không đủ tư cách đảng viên trong thời gian dự bị"
            else:
                profile = self._person(bloc, cell, earlier, recent_bias=reason != MembershipReason.DECEASED)
                if reason == MembershipReason.DECEASED and age_on(profile["birth_date"], REF) < 40:
                    reason = MembershipReason.TRANSFERRED_OUT
                pm = PlannedMember(profile, cell, HISTORY_START, MembershipReason.RECORDED)
                leave = window[0] + dt.timedelta(days=rng.randint(0, (window[1] - window[0]).days))
                note = notes[reason]
            pm.leave = (min(leave, anchor), reason, note)
            add(pm)
        if anchor < REF:
            first_after = anchor + dt.timedelta(days=1)
            for pm in take(bloc.leavers - before):
                reason = rng.choices(reasons, weights)[0]
                if reason == MembershipReason.STRUCK_OFF:
                    reason = MembershipReason.TRANSFERRED_OUT  # a member of long standing: transferred out
                if reason == MembershipReason.DECEASED and pm.age < 40:
                    reason = MembershipReason.TRANSFERRED_OUT
                day = first_after + dt.timedelta(days=rng.randint(0, (REF - first_after).days))
                pm.leave = (day, reason, notes[reason])
        # Admissions of 2025 (still probationary at the end of the data).
        for cell in self._spread_after(bloc, bloc.admissions_2025):
            profile = self._person(bloc, cell, (D(2025, 1, 10), D(2025, 6, 28)), adm_age=(18.3, 23.0, 36.0))
            add(PlannedMember(profile, cell, profile["admission_date"], MembershipReason.ADMITTED))

    def _plan_later_years(self) -> None:
        """Each year after 2025 up to today: admissions and leavings at the blocs' 2021–2024 rates, dated over
        the whole year and kept only up to today (so a later today extends the same history). Drawn from a
        generator of their own, after everything else is planned, so the fixed history is the same whatever
        today is; leavers are recorded members holding no position, and every cell keeps its stable core."""
        if self.today.year <= LAST_FIXED_YEAR:
            return
        saved, self.rng = self.rng, random.Random(f"later-years:{self.seed}")
        rng = self.rng
        holders = {id(p[0]) for p in self.positions}
        merged_away = f"Chi bộ {TV_MERGE_SOURCE}"
        for bloc in self.blocs.values():
            cells = [c for c in bloc.cells if c.org.name != merged_away]
            yearly_admissions = round(sum(bloc.admissions.values()) / len(bloc.admissions))
            yearly_leavers = round(bloc.leavers / len(bloc.admissions))
            stable_left = {c.org.pk: sum(pm.stable for pm in c.members) for c in bloc.cells}
            pool = [pm for c in cells for pm in c.members if pm.stable and id(pm) not in holders]
            rng.shuffle(pool)
            for year in range(LAST_FIXED_YEAR + 1, self.today.year + 1):
                window = (D(year, 1, 5), D(year, 12, 20))
                for cell in self._spread(bloc, yearly_admissions, lambda c: 10 ** 6, cells=cells):
                    profile = self._person(bloc, cell, window, adm_age=(18.3, 23.0, 36.0),
                                           ages=(D(year, 12, 31), 18, 62))
                    if profile["admission_date"] <= self.today:
                        self.plan.append(PlannedMember(profile, cell, profile["admission_date"],
                                                       MembershipReason.ADMITTED, later=True))
                leaving = 0
                while pool and leaving < yearly_leavers:
                    pm = pool.pop()
                    if stable_left[pm.ref_cell.org.pk] <= self._keep(bloc, pm.ref_cell) + 1:
                        continue
                    stable_left[pm.ref_cell.org.pk] -= 1
                    leaving += 1
                    day = D(year, rng.randint(1, 12), rng.randint(1, 28))
                    if day > self.today:
                        continue
                    old = age_on(pm.profile["birth_date"], day) >= 58
                    reason = MembershipReason.DECEASED if old and rng.random() < 0.2 else \
                        MembershipReason.TRANSFERRED_OUT
                    note = "Từ trần" if reason == MembershipReason.DECEASED else (
                        "Nghỉ hưu, chuyển sinh hoạt đảng về nơi cư trú" if old else "Chuyển công tác ra ngoài Đảng bộ")
                    pm.later_leave = (day, reason, note)
        self.rng = saved

    def _full_core(self, bloc: Bloc) -> None:
        """Every cell keeps at least 3 full members on every day from 01/01/2021: at least 3 of its stable
        members were admitted before 2020 (a 2020 admission was still probationary on 01/01/2021)."""
        rng = self.rng
        for cell in bloc.cells:
            stable = sorted((pm for pm in cell.members if pm.stable), key=lambda pm: pm.profile["admission_date"])
            early = sum(pm.profile["admission_date"] < D(2020, 1, 1) for pm in stable)
            for pm in reversed(stable):
                if early >= 3:
                    break
                p = pm.profile
                lo = max(add_years(p["birth_date"], 18), D(1984, 1, 1))
                if p["admission_date"] < D(2020, 1, 1) or lo > D(2019, 12, 31):
                    continue
                p["admission_date"] = lo + dt.timedelta(days=rng.randint(0, (D(2019, 12, 31) - lo).days))
                p["full_membership_date"] = add_years(p["admission_date"], 1)
                early += 1

    def _exact_ld_profiles(self) -> None:
        """Seed 000's figures on its day (LD_BASELINE_DAY) for the Lâm Đồng-style bloc: theory and professional
        levels exactly."""
        rng = self.rng
        present = [pm for pm in self.plan if pm.ref_cell is not None and pm.ref_cell.bloc == "ld"]
        assert len(present) == LD_MEMBERS, len(present)
        # Students first (their age changes): the most recent admissions at the schools, aged 22 on REF.
        recent = [pm for pm in present if pm.reason == MembershipReason.ADMITTED
                  and pm.profile["admission_date"] >= add_years(LD_BASELINE_DAY, -2)]
        schools = [pm for pm in recent if pm.ref_cell.work == "school"]
        n_students = LD_LEVELS[ProfessionalLevel.STUDENT]
        pool = schools if len(schools) >= n_students else recent
        students = rng.sample(sorted(pool, key=lambda pm: pm.profile["admission_date"])[-3 * n_students:], n_students)
        for pm in students:
            pm.profile["professional_level"] = ProfessionalLevel.STUDENT
            pm.profile["birth_date"] = D(2002, rng.randint(1, 12), rng.randint(1, 28))
            pm.student = True
        # Political theory follows seniority: higher levels go to older members, rarely to recent admissions.
        scored = sorted(present, key=lambda pm: pm.age + rng.gauss(0, 7)
                        - (18 if pm.profile["admission_date"] >= HISTORY_START else 0), reverse=True)
        n_adv, n_int = LD_THEORY[PoliticalTheory.ADVANCED], LD_THEORY[PoliticalTheory.INTERMEDIATE]
        for i, pm in enumerate(scored):
            if i < n_adv:
                theory = PoliticalTheory.ADVANCED
            elif i < n_adv + n_int:
                theory = PoliticalTheory.INTERMEDIATE
            elif pm.profile["admission_date"].year >= 2023 and rng.random() < 0.6:
                theory = PoliticalTheory.NONE
            else:
                theory = PoliticalTheory.ELEMENTARY
            pm.profile["political_theory"] = theory
        # The other levels, each drawn with a bias towards the kind of unit where it is common.
        taken = {id(pm) for pm in students}
        remaining = [pm for pm in present if id(pm) not in taken]
        bias = {
            ProfessionalLevel.DOCTORATE:
                lambda pm: (4 if pm.ref_cell.work in ("school", "health") else 1) * (pm.age >= 33),
            ProfessionalLevel.MASTER:
                lambda pm: (2 if pm.ref_cell.work in ("agency", "party", "school") else 1) * (pm.age >= 26),
            ProfessionalLevel.TECHNICAL: lambda pm: 8 if pm.ref_cell.work == "enterprise" else 1,
            ProfessionalLevel.INTERMEDIATE: lambda pm: 5 if pm.ref_cell.work in ("health", "enterprise") else 1,
            ProfessionalLevel.COLLEGE: lambda pm: 3 if pm.ref_cell.work in ("health", "enterprise") else 1,
        }
        for level, weight in bias.items():
            chosen = weighted_sample(rng, remaining, [weight(pm) for pm in remaining], LD_LEVELS[level])
            ids = {id(pm) for pm in chosen}
            for pm in chosen:
                pm.profile["professional_level"] = level
            remaining = [pm for pm in remaining if id(pm) not in ids]
        for pm in remaining:
            pm.profile["professional_level"] = ProfessionalLevel.UNIVERSITY

    def _plan_positions(self) -> None:
        """Secretary and deputy of every cell and committee, committee members of each đảng bộ cơ sở, the
        leading group of each bloc. Holders are stable members (in their cell from 2021 to the end), ranked
        by political theory and age with some chance."""
        rng = self.rng
        taken: set[int] = set()

        def pick(candidates: list[PlannedMember], k: int) -> list[PlannedMember]:
            free = [pm for pm in candidates if id(pm) not in taken]
            ranked = sorted(free, key=lambda pm: THEORY_RANK[pm.profile["political_theory"]] + rng.random() * 1.6
                            + pm.age / 40, reverse=True)[:k]
            if len(ranked) < k:
                raise RuntimeError(f"not enough stable members to hold {k} positions")  # pragma: no cover
            taken.update(id(pm) for pm in ranked)
            return ranked

        def hold(pm, org, kind, start=HISTORY_START, end=None):
            self.positions.append((pm, org, kind, start, end))

        for bloc in self.blocs.values():
            bloc_end = RESTRUCTURE if bloc.key in ("tv", "kt") else None  # dissolved on 01/07/2025
            # Cells (chi bộ cơ sở and chi bộ trực thuộc).
            sub_secretaries: dict[int, list[PlannedMember]] = {}
            for cell in bloc.cells:
                secretary, deputy = pick([pm for pm in cell.members if pm.stable], 2)
                end = RESTRUCTURE if cell.org.name == f"Chi bộ {TV_MERGE_SOURCE}" else None
                hold(secretary, cell.org, PositionKind.SECRETARY, end=end)
                hold(deputy, cell.org, PositionKind.DEPUTY_SECRETARY, end=end)
                if cell.org.kind == GL:  # the cell is the TCCSĐ: its secretary usually heads the unit
                    self._job(secretary, head=True)
                    self._job(deputy, head=False)
                else:
                    self._job(secretary)
                    sub_secretaries.setdefault(cell.tccsd.pk, []).append(secretary)
            # Đảng bộ bộ phận.
            partials: dict[int, list[Cell]] = {}
            for cell in bloc.cells:
                if cell.partial is not None:
                    partials.setdefault(cell.partial.pk, []).append(cell)
            for cells in partials.values():
                inside = [pm for c in cells for pm in c.members if pm.stable]
                secretary, deputy = pick(inside, 2)
                hold(secretary, cells[0].partial, PositionKind.SECRETARY)
                hold(deputy, cells[0].partial, PositionKind.DEPUTY_SECRETARY)
            # Đảng ủy cơ sở: secretary, deputy and committee members, sub-cell secretaries first.
            for org in bloc.tccsd:
                if org.kind != GC:
                    continue
                members = [pm for c in bloc.cells if c.tccsd.pk == org.pk for pm in c.members if pm.stable]
                secretary, deputy = pick(members, 2)
                self._job(secretary, head=True)
                self._job(deputy, head=False)
                hold(secretary, org, PositionKind.SECRETARY)
                hold(deputy, org, PositionKind.DEPUTY_SECRETARY)
                size = sum(c.ref_count for c in bloc.cells if c.tccsd.pk == org.pk)
                n_committee = 3 if size < 60 else 5 if size < 150 else 7
                committee = list(sub_secretaries.get(org.pk, []))
                rng.shuffle(committee)
                committee = committee[:n_committee]
                committee += pick(members, n_committee - len(committee))
                for pm in committee:
                    hold(pm, org, PositionKind.COMMITTEE_MEMBER)
            # The bloc's own committee: its leaders work in the bloc office; TCCSĐ secretaries sit on it.
            secretary, deputy1, deputy2 = pick([pm for pm in bloc.office.members if pm.stable], 3)
            title = "Huyện ủy" if bloc.key == "kt" else "Đảng ủy Khối"
            secretary.profile["job_title"] = f"Bí thư {title}"
            deputy1.profile["job_title"] = f"Phó Bí thư Thường trực {title}"
            deputy2.profile["job_title"] = f"Phó Bí thư {title}" if bloc.key != "kt" else \
                "Phó Bí thư Huyện ủy, Chủ tịch UBND huyện"
            if bloc.key != "ld":  # the Lâm Đồng-style figures are exact; the others may be adjusted
                for pm in (secretary, deputy1, deputy2):
                    pm.profile["political_theory"] = PoliticalTheory.ADVANCED
            hold(secretary, bloc.org, PositionKind.SECRETARY, end=bloc_end)
            hold(deputy1, bloc.org, PositionKind.DEPUTY_SECRETARY, end=bloc_end)
            hold(deputy2, bloc.org, PositionKind.DEPUTY_SECRETARY, end=bloc_end)
            heads = [pm for org, pm in self._tccsd_secretaries() if org.pk in bloc.units]
            rng.shuffle(heads)
            for pm in heads[:3]:
                hold(pm, bloc.org, PositionKind.STANDING_MEMBER, end=bloc_end)
            for pm in heads[3:11]:
                hold(pm, bloc.org, PositionKind.COMMITTEE_MEMBER, end=bloc_end)

    def _tccsd_secretaries(self):
        for pm, org, kind, _, _ in self.positions:
            if kind == PositionKind.SECRETARY and org.kind in (GC, GL):
                yield org, pm

    def _job(self, pm: PlannedMember, head: bool | None = None) -> None:
        """Job titles of position holders: a sub-cell's secretary is often a middle manager (head=None); the
        secretary of a TCCSĐ the head of the unit or a deputy head, its deputy a deputy head."""
        _staff, middle, leaders = JOBS[pm.ref_cell.work]
        if head is None:
            pm.profile["job_title"] = self.rng.choice(middle)
        elif pm.ref_cell.bloc == "kt" and pm.ref_cell.tccsd.host_unit.sector == Sector.COMMUNE:
            pm.profile["job_title"] = "Bí thư Đảng ủy" if head else "Phó Bí thư Đảng ủy, Chủ tịch UBND"
            pm.profile["job_title"] += " thị trấn" if "Thị trấn" in pm.ref_cell.tccsd.host_unit.name else " xã"
        else:
            pm.profile["job_title"] = leaders[0] if head and self.rng.random() < 0.6 else leaders[1]

    @staticmethod
    def _fitting_jobs(jobs: list[str], profile: dict) -> list[str]:
        """Leave out the women's union posts for men and retirement for those under 56."""
        male = profile["gender"] == "male"
        young = age_on(profile["birth_date"], REF) < 56
        return [j for j in jobs if not (male and "Phụ nữ" in j) and not (young and j == "Hưu trí")] or jobs

    def _finish_profiles(self) -> None:
        """Job titles, phone numbers, citizen IDs and party card numbers, once birth dates are final."""
        fixed_rng, fake = self.rng, self.fake
        # Members admitted after 2025, and cards of full memberships after 2025, draw from a generator of their
        # own: the fixed history draws the same numbers whatever today is.
        later = random.Random(f"later-profiles:{self.seed}")
        province_codes = {"ld": "068", "tv": "084", "qt": "045", "kt": "062"}
        mobile = ["090", "091", "093", "094", "096", "097", "098", "032", "033", "034", "035", "036", "037", "038",
                  "039", "070", "076", "077", "078", "079", "081", "082", "083", "084", "085", "086", "088", "089"]
        for pm in self.plan:
            rng = later if pm.later else fixed_rng
            p = pm.profile
            work = (pm.ref_cell or pm.cell).work
            if "job_title" not in p:
                if pm.student:
                    p["job_title"] = "Sinh viên"
                elif p["professional_level"] == ProfessionalLevel.TECHNICAL and work not in ("village", "enterprise"):
                    p["job_title"] = rng.choice(TECHNICAL_JOBS)
                else:
                    p["job_title"] = rng.choice(self._fitting_jobs(JOBS[work][0], p))
            p["phone"] = f"{rng.choice(mobile)}{fake.numerify('#######')}" if rng.random() < 0.8 else ""
            # Citizen ID: province of birth (3 digits), century and gender, year of birth, 6 random digits.
            birth = p["birth_date"]
            century = (0 if birth.year < 2000 else 2) + (1 if p["gender"] == "female" else 0)
            origin = province_codes[pm.cell.bloc] if rng.random() < 0.8 else f"{rng.randint(1, 96):03d}"
            while True:
                cid = f"{origin}{century}{birth.year % 100:02d}{rng.randint(0, 999_999):06d}"
                if cid not in self.citizen_ids:
                    self.citizen_ids.add(cid)
                    break
            p["citizen_id"] = cid
            if p["full_membership_date"] is not None:  # the card is handed over with full membership
                draw = rng if p["full_membership_date"].year <= LAST_FIXED_YEAR else later
                while True:
                    card = f"{draw.randint(10_000_000, 99_999_999)}"
                    if card not in self.cards:
                        self.cards.add(card)
                        break
                p["party_card_number"] = card

    # ------------------------------------------------------------------ writes

    def write_members(self) -> None:
        rows = [dict(pm.profile, cell=pm.cell.org, start_date=pm.start, start_reason=pm.reason) for pm in self.plan]
        created = members_bulk_create(rows=rows, user=None, today=self.today)
        for pm, member in zip(self.plan, created):
            pm.obj = member
        self.log(f"  members created: {len(created)}")

    def write_history(self) -> None:
        """Moves (in bulk, per destination and date) and leavings, in date order."""
        events: list[tuple[dt.date, int, object]] = []
        moves: dict[tuple[dt.date, int], list[PlannedMember]] = {}
        for pm in self.plan:
            if pm.move:
                moves.setdefault((pm.move[0], pm.move[1].org.pk), []).append(pm)
        for (day, cell_pk), group in moves.items():
            events.append((day, 0, (cell_pk, group)))
        for pm in self.plan:
            for leave in (pm.leave, pm.later_leave):
                if leave:
                    events.append((leave[0], 1, (pm, leave)))
        events.sort(key=lambda e: (e[0], e[1]))
        n_moves = n_leaves = 0
        leavings: list = []  # written together, up to the next move (which must find them gone or still there)
        for day, kind, payload in events:
            if kind == 0:
                n_leaves += members_leave_bulk(leavings=leavings, user=None)
                leavings = []
                cell_pk, group = payload
                n_moves += members_transfer_bulk(
                    members=[pm.obj for pm in group], to_cell=self.cell_by_pk[cell_pk].org, date=day, user=None,
                    reason=MembershipReason.MOVED, note="Chuyển sinh hoạt đảng trong Đảng bộ",
                )
            else:
                pm, (day, reason, note) = payload
                leavings.append((pm.obj, day, reason, note))
        n_leaves += members_leave_bulk(leavings=leavings, user=None)
        self.log(f"  history: {n_moves} moves, {n_leaves} leavings")

    def restructure_2025(self) -> None:
        """RULES §5 on 01/07/2025: two chi bộ cơ sở of the Trà Vinh-style bloc merge; the bloc is replaced by
        two new đảng bộ that take its TCCSĐ; the bloc is dissolved. The district level is abolished (the Kon
        Tum-style district's TCCSĐ move under the provincial committee, the district is dissolved)."""
        bloc = self.blocs["tv"]
        province = self.orgs["province"]
        by_name = {org.name: org for org in bloc.tccsd}
        into, source = by_name[f"Chi bộ {TV_MERGE_INTO}"], by_name[f"Chi bộ {TV_MERGE_SOURCE}"]
        decision = "1520-QĐ/TU"
        organizations_merge(sources=[source], into=into, date=RESTRUCTURE, user=None, decision=decision)
        organization_rename(organization=into, new_name=TV_MERGED_NAME, date=RESTRUCTURE, user=None, decision=decision)
        self._deactivate_mass_organizations(source)
        party = organization_create(name=TV_PARTY_NAME, kind=OrgKind.DIRECT, parent=province, founded_on=RESTRUCTURE,
                                    user=None, code=CODE_TV_PARTY, short_name="Đảng bộ các cơ quan Đảng",
                                    decision="1521-QĐ/TU")
        gov = organization_create(name=TV_GOV_NAME, kind=OrgKind.DIRECT, parent=province, founded_on=RESTRUCTURE,
                                  user=None, code=CODE_TV_GOV, short_name="Đảng bộ UBND tỉnh", decision="1522-QĐ/TU")
        self.orgs.update(tv_party=party, tv_gov=gov, tv_merged=into, tv_merged_source=source)
        moved = {party.pk: [], gov.pk: []}
        for org in bloc.tccsd:
            if org.pk == source.pk:
                continue
            target = party if bloc.units[org.pk].sector == Sector.PARTY_MASS else gov
            organization_move(organization=org, new_parent=target, date=RESTRUCTURE, user=None, decision=decision)
            moved[target.pk].append(org)
        organization_dissolve(organization=bloc.org, date=RESTRUCTURE, user=None, decision=decision,
                              note="Kết thúc hoạt động, các tổ chức cơ sở đảng chuyển về hai đảng bộ mới")
        self._deactivate_mass_organizations(bloc.org)
        rows = []
        for org, short in ((party, "Đảng bộ các cơ quan Đảng tỉnh"), (gov, "Đảng bộ UBND tỉnh")):
            rows += [MassOrganization(name=f"Công đoàn {short}", kind=MassOrgKind.TRADE_UNION, level=MassOrgLevel.UPPER,
                                      organization=org),
                     MassOrganization(name=f"Đoàn {short}", kind=MassOrgKind.YOUTH_UNION, level=MassOrgLevel.UPPER,
                                      organization=org)]
        bulk_create_with_history(rows, MassOrganization)
        # The new committees' leaders: secretaries of TCCSĐ that moved under them.
        secretaries = {org.pk: pm for org, pm in self._tccsd_secretaries()}
        for new, orgs in ((party, moved[party.pk]), (gov, moved[gov.pk])):
            heads = [secretaries[o.pk] for o in orgs if o.pk in secretaries]
            self.rng.shuffle(heads)
            kinds = [PositionKind.SECRETARY, PositionKind.DEPUTY_SECRETARY] + [PositionKind.COMMITTEE_MEMBER] * 5
            for pm, kind in zip(heads, kinds):
                self.positions.append((pm, new, kind, RESTRUCTURE, None))
        self._abolish_district()
        self.log("  2025: merge, two new đảng bộ, moves, dissolutions")

    def _abolish_district(self) -> None:
        """RULES §5: the district level is abolished on 01/07/2025. The Kon Tum-style district's TCCSĐ (its
        communes and town, its agencies' organizations) move directly under the provincial committee, and the
        district is dissolved; its own mass organizations end with it."""
        district, province = self.blocs["kt"].org, self.orgs["province"]
        decision = "1523-QĐ/TU"
        for org in self.blocs["kt"].tccsd:
            organization_move(organization=org, new_parent=province, date=RESTRUCTURE, user=None, decision=decision)
        organization_dissolve(organization=district, date=RESTRUCTURE, user=None, decision=decision,
                              note="Kết thúc hoạt động của cấp huyện, các tổ chức cơ sở đảng trực thuộc Tỉnh ủy")
        self._deactivate_mass_organizations(district)

    @staticmethod
    def _deactivate_mass_organizations(org: Organization) -> None:
        for mass in MassOrganization.objects.filter(organization=org):
            mass.active = False
            mass.save()  # one by one, so that the audit history records it

    def write_positions_and_status(self) -> None:
        for pm, org, kind, start, end in self.positions:
            position_add(member=pm.obj, organization=org, position=kind, start=start, end=end, user=None)
        rng = self.rng
        holders = {id(p[0]) for p in self.positions}
        free = [pm for pm in self.plan if pm.stable and id(pm) not in holders]
        older = [pm for pm in free if pm.age >= 50]
        n_status = 0
        for pm in rng.sample(older, 24):
            start = D(rng.randint(2021, 2024), rng.randint(1, 12), 1)
            end = None if rng.random() < 0.6 else add_years(start, rng.choice([1, 2]))
            status_period_add(member=pm.obj, kind=StatusPeriodKind.EXEMPTED, start=start, end=end, user=None,
                              decision=f"{rng.randint(1, 99)}-QĐ/CB",
                              reason=rng.choice(["Sức khỏe yếu, điều trị dài ngày", "Tuổi cao, sức yếu",
                                                 "Đã nghỉ chờ hưu, xin miễn sinh hoạt"]))
            n_status += 1
        taken = {id(pm) for pm in older}
        for pm in rng.sample([pm for pm in free if id(pm) not in taken], 6):
            start = D(rng.randint(2022, 2024), rng.randint(1, 12), 1)
            status_period_add(member=pm.obj, kind=StatusPeriodKind.SUSPENDED, start=start,
                              end=start + dt.timedelta(days=rng.choice([90, 180, 270])), user=None,
                              decision=f"{rng.randint(1, 99)}-QĐ/UBKT",
                              reason="Đình chỉ sinh hoạt đảng trong thời gian bị điều tra")
            n_status += 1
        self.log(f"  positions: {len(self.positions)}, status periods: {n_status}")

    def write_users(self) -> list[tuple[str, str, str, str]]:
        User = get_user_model()
        ld = self.blocs["ld"]
        grassroots = next(org for org in ld.tccsd if org.name == "Đảng bộ Sở Tài chính")
        cell = next(c.org for c in ld.cells if c.tccsd.pk == grassroots.pk)
        self.orgs.update(ld_grassroots=grassroots, ld_cell=cell)
        secretaries = {org.pk: pm for pm, org, kind, _, _ in self.positions if kind == PositionKind.SECRETARY}
        table = []
        for username, role, key in DEMO_USERS:
            org = self.orgs[key]
            if role in (Role.GRASSROOTS_OFFICER, Role.CELL_SECRETARY):  # they are the secretaries on record
                full_name = secretaries[org.pk].profile["full_name"]
            else:
                full_name = self._name("Kinh", self.rng.choice(["male", "female"]), "ld")
            password = demo_password(self.seed, username)
            user, _ = User.objects.get_or_create(username=username)
            # The whole name in first_name, as user_create_with_role does: Vietnamese reads family name first.
            user.first_name, user.last_name = full_name, ""
            user.email = f"{username}@example.invalid"
            user.is_active = True
            user.set_password(password)
            user.save()
            RoleAssignment.objects.get_or_create(user=user, role=role, organization=org)
            table.append((username, str(Role(role).label), org.name, password))
        return table

    def check(self) -> None:
        """Seed 000's figures on their day, checked against the database so a change that breaks them fails loudly."""
        bloc = self.orgs["ld"]
        on_day = Member.objects.under_on(bloc, LD_BASELINE_DAY)
        count = on_day.count()
        if count != LD_MEMBERS:
            raise AssertionError(f"Lâm Đồng-style bloc has {count} members on {LD_BASELINE_DAY}, expected "
                                 f"{LD_MEMBERS}")
        for field_name, expected in (("political_theory", LD_THEORY), ("professional_level", LD_LEVELS)):
            for value, n in expected.items():
                got = on_day.filter(**{field_name: value}).count()
                if got != n:
                    raise AssertionError(f"{value}: {got} != {n}")

    def build(self, progress: Callable[[str], None] | None = None) -> DemoResult:
        started = time.perf_counter()
        for stage in (self.build_tree, self.build_mass_organizations, self.plan_members, self.write_members,
                      self.write_history, self.restructure_2025, self.write_positions_and_status):
            stage_started = time.perf_counter()
            stage()
            self.log(f"    ({stage.__name__}: {time.perf_counter() - stage_started:.1f} s)")
            if progress:
                progress(f"register, {stage.__name__.replace('_', ' ')}: {time.perf_counter() - stage_started:.1f} s")
        users = self.write_users()
        self.check()
        return DemoResult(
            seed=self.seed, organizations=Organization.objects.count(), members=Member.objects.count(),
            ld_members_on_ref=LD_MEMBERS, users=users, digest=member_digest(),
            seconds=time.perf_counter() - started,
        )


def build_demo(seed: int = 2025, log: Callable[[str], None] | None = None, today: dt.date | None = None,
               progress: Callable[[str], None] | None = None) -> DemoResult:
    """Build the demo data set into an empty register, its history ending on ``today`` (default: the real
    today). Call inside a transaction. ``progress`` hears of each stage as it ends."""
    return DemoBuilder(seed, log, today).build(progress)
