"""Vocabularies of the member register."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class ProfessionalLevel(models.TextChoices):
    DOCTORATE = "doctorate", _("Doctorate")
    MASTER = "master", _("Master's degree")
    UNIVERSITY = "university", _("University degree")
    COLLEGE = "college", _("College")
    INTERMEDIATE = "intermediate", _("Vocational secondary")
    TECHNICAL = "technical", _("Technical worker / clerical staff")
    STUDENT = "student", _("Student")
    OTHER = "other", pgettext_lazy("level", "Other")


class PoliticalTheory(models.TextChoices):
    ADVANCED = "advanced", _("Advanced / bachelor")
    INTERMEDIATE = "intermediate", _("Intermediate")
    ELEMENTARY = "elementary", _("Elementary")
    NONE = "none", pgettext_lazy("political theory", "None")


class Religion(models.TextChoices):
    NONE = "none", _("No religion")
    BUDDHISM = "buddhism", _("Buddhism")
    CATHOLIC = "catholic", _("Catholicism")
    PROTESTANT = "protestant", _("Protestantism")
    CAO_DAI = "cao_dai", _("Cao Dai")
    HOA_HAO = "hoa_hao", _("Hoa Hao Buddhism")
    ISLAM = "islam", _("Islam")
    OTHER = "other", pgettext_lazy("religion", "Other")


class MembershipReason(models.TextChoices):
    ADMITTED = "admitted", _("Admitted")
    TRANSFERRED_IN = "transferred_in", _("Transferred in")
    MOVED = "moved", _("Moved to another cell")
    TRANSFERRED_OUT = "transferred_out", _("Transferred out")
    STRUCK_OFF = "struck_off", _("Struck off")
    EXPELLED = "expelled", _("Expelled")
    RESIGNED = "resigned", _("Resigned")
    DECEASED = "deceased", _("Deceased")
    RESTRUCTURED = "restructured", _("Organization restructured")
    RECORDED = "recorded", _("Recorded from earlier files")


# End reasons after which the person is no longer a party member at all.
LEAVING_REASONS = frozenset({
    MembershipReason.TRANSFERRED_OUT, MembershipReason.STRUCK_OFF, MembershipReason.EXPELLED,
    MembershipReason.RESIGNED, MembershipReason.DECEASED,
})


class StatusPeriodKind(models.TextChoices):
    EXEMPTED = "exempted", _("Exempted from party work and activities")
    SUSPENDED = "suspended", _("Party activities suspended")
    SPECIAL_DUTY = "special_duty", _("On special duty")
    SICK_LEAVE = "sick_leave", _("Sick leave")


class PositionKind(models.TextChoices):
    SECRETARY = "secretary", _("Secretary")
    DEPUTY_SECRETARY = "deputy_secretary", _("Deputy secretary")
    STANDING_MEMBER = "standing_member", _("Standing committee member")
    COMMITTEE_MEMBER = "committee_member", _("Committee member")


# The 54 ethnic groups of Vietnam in the official order (General Statistics Office list).
ETHNICITIES = [
    "Kinh", "Tày", "Thái", "Mường", "Khmer", "Hoa", "Nùng", "H'Mông", "Dao", "Gia Rai", "Ê Đê", "Ba Na", "Sán Chay",
    "Chăm", "Cơ Ho", "Xơ Đăng", "Sán Dìu", "Hrê", "Ra Glai", "Mnông", "Thổ", "Stiêng", "Khơ mú", "Bru Vân Kiều",
    "Cơ Tu", "Giáy", "Tà Ôi", "Mạ", "Giẻ Triêng", "Co", "Chơ Ro", "Xinh Mun", "Hà Nhì", "Chu Ru", "Lào", "Kháng",
    "La Chí", "Phù Lá", "La Hủ", "La Ha", "Pà Thẻn", "Chứt", "Lự", "Lô Lô", "Mảng", "Cờ Lao", "Bố Y", "Cống",
    "Ngái", "Si La", "Pu Péo", "Rơ Măm", "Brâu", "Ơ Đu",
]
ETHNICITY_CHOICES = [(name, name) for name in ETHNICITIES]
