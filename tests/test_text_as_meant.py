"""Text as users mean it (issue 18 item 11): one normalizer (core.text: NFC, trimmed) for every text saved
and imported, so a name typed decomposed is stored composed and found by search; and the formats of phone
numbers, the 12-digit citizen ID (century-and-gender and year digits against the profile) and party cards."""

import datetime as dt
import unicodedata

import pytest
from django.urls import reverse

from core.text import citizen_id_problem
from members.register.models import Member
from organizations.choices import OrgKind
from organizations.services import organization_create
from tests.factories import make_member

pytestmark = pytest.mark.django_db
D = dt.date
NAME = "Nguyễn Thị Ánh Tuyết"
DECOMPOSED = unicodedata.normalize("NFD", NAME)


def create_data(tree, **overrides):
    data = {"cell": tree.a1_1.pk, "start_date": "01/01/2021", "start_reason": "transferred_in",
            "full_name": f"  {DECOMPOSED} ", "gender": "female", "birth_date": "15/06/1990", "ethnicity": "Kinh",
            "religion": "none", "citizen_id": "", "party_card_number": "", "admission_date": "",
            "full_membership_date": "", "professional_level": "", "political_theory": "", "job_title": "",
            "phone": ""}
    return data | overrides


def test_a_name_typed_decomposed_is_stored_composed_and_found_by_search(tree, client_for):
    assert DECOMPOSED != NAME
    client = client_for("grassroots_officer")

    response = client.post(reverse("members:member_create"), create_data(tree))

    assert response.status_code == 302
    member = Member.objects.get()
    assert member.full_name == NAME
    found = client.get(reverse("members:member_list"), {"q": unicodedata.normalize("NFD", "ánh tuyết")})
    assert [row.record for row in found.context["table"].page.object_list] == [member]


def test_every_model_save_normalizes_its_text(tree):
    org = organization_create(name=f" {unicodedata.normalize('NFD', 'Chi bộ Phường Đông')} ", kind=OrgKind.SUB_CELL,
                              parent=tree.a1, founded_on=D(2021, 1, 1))
    org.refresh_from_db()
    assert org.name == "Chi bộ Phường Đông"


def test_the_import_stores_composed_names(tree, client_for, settings, tmp_path):
    from tests.test_status_periods import _import, _row

    settings.MEDIA_ROOT = tmp_path
    from organizations.services import organization_update

    organization_update(organization=tree.a1_1, code="A1-1")
    response = _import(client_for("grassroots_officer"), [_row(DECOMPOSED)])

    assert response.status_code == 302
    assert Member.objects.get().full_name == NAME


def test_a_phone_is_kept_without_separators_and_a_malformed_one_refused(tree, client_for):
    client = client_for("grassroots_officer")

    refused = client.post(reverse("members:member_create"), create_data(tree, phone="12345"))
    saved = client.post(reverse("members:member_create"), create_data(tree, phone="0912.345 678"))

    assert refused.status_code == 200 and refused.context["form"].errors["phone"]
    assert saved.status_code == 302
    assert Member.objects.get().phone == "0912345678"


@pytest.mark.parametrize("cid,birth,gender,ok", [
    ("001190012345", D(1990, 6, 15), "female", True),  # 1: a woman born in the 1900s, year 90
    ("001090012345", D(1990, 6, 15), "male", True),
    ("079205012345", D(2005, 1, 1), "male", True),  # 2: a man born in the 2000s
    ("079305012345", D(2005, 1, 1), "female", True),
    ("001090012345", D(1990, 6, 15), "female", False),  # the gender digit says a man
    ("001290012345", D(1990, 6, 15), "male", False),  # the century digit says 2090
    ("001089012345", D(1990, 6, 15), "male", False),  # the year digits say 1989
    ("000090012345", D(1990, 6, 15), "male", False),  # no province 000
    ("097090012345", D(1990, 6, 15), "male", False),  # nor 097
    ("00109001234", D(1990, 6, 15), "male", False),  # 11 digits
])
def test_the_citizen_id_digits_match_the_birth_date_and_gender(tree, client_for, cid, birth, gender, ok):
    response = client_for("committee_staff").post(reverse("members:member_create"), create_data(
        tree, citizen_id=cid, gender=gender, birth_date=birth.strftime("%d/%m/%Y")))

    if ok:
        assert response.status_code == 302
        assert Member.objects.get().citizen_id == cid
    else:
        assert response.status_code == 200 and response.context["form"].errors["citizen_id"]
        assert not Member.objects.exists()


def test_the_citizen_id_message_names_the_year_it_reads():
    message = citizen_id_problem("001089012345", birth_date=D(1990, 6, 15), female=False)
    assert "1989" in message and "1990" in message


def test_a_party_card_number_has_8_digits(tree):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        make_member(tree.a1_1, party_card_number="PC-17")
    assert "party_card_number" in refused.value.message_dict
    assert make_member(tree.a1_1, party_card_number="00012345").party_card_number == "00012345"


def test_an_organization_is_found_by_a_decomposed_search_term(tree, client_for):
    response = client_for("committee_staff").get(reverse("organizations:organization_list"),
                                                 {"q": unicodedata.normalize("NFD", "Sở A1")})
    assert response.status_code == 200
    assert "Đảng bộ Sở A1" in response.content.decode()
