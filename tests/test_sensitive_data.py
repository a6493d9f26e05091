"""Issue 19 item 3: sensitive personal data (Decree 13/2023/NĐ-CP: ethnicity, religion, citizen ID; the party card
number too) is filtered, sorted, searched, shown and exported only with VIEW_SENSITIVE on the organization, and
every read of it is logged (SensitiveAccess) for the administrators to read."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from members.register.models import SensitiveAccess
from organizations.choices import Role
from organizations.models import RoleAssignment
from tests.factories import UserFactory, make_member

pytestmark = pytest.mark.django_db
LIST = reverse("members:member_list")
EXPORT = reverse("members:member_export")


@pytest.fixture
def people(tree):
    """Bloc A: two Tày members in A1-1, three Kinh members in A2; one Tày member in bloc B."""
    tay = [make_member(tree.a1_1, full_name=f"Hoàng Thị Tày {i}", ethnicity="Tày", citizen_id=f"00108500000{i}",
                       party_card_number=f"9000000{i}") for i in range(2)]
    kinh = [make_member(tree.a2, full_name=f"Nguyễn Văn Kinh {i}", ethnicity="Kinh") for i in range(3)]
    make_member(tree.b1, full_name="Lò Văn Ngoài", ethnicity="Tày")
    return tay, kinh


def listed(response) -> list[str]:
    assert response.status_code == 200
    return sorted(row.record.full_name for row in response.context["table"].page.object_list)


def exported_names(response) -> tuple[list, list[str]]:
    body = b"".join(response.streaming_content)
    rows = list(load_workbook(io.BytesIO(body)).worksheets[0].iter_rows(values_only=True))
    return list(rows[0]), sorted(r[0] for r in rows[1:])


def test_leadership_cannot_filter_or_export_by_ethnicity(people, client_for):
    """The probe's finding: leadership got the named Tày members from ?ethnicity= and from the export."""
    everyone = sorted(m.full_name for group in people for m in group)
    client = client_for("leadership")
    response = client.get(LIST, {"ethnicity": "Tày"})
    assert "ethnicity" not in response.context["filterset"].form.fields
    assert listed(response) == everyone  # the parameter is not a filter for it: nothing is revealed
    headers, names = exported_names(client.get(EXPORT, {"ethnicity": "Tày"}))
    assert names == everyone
    assert "Dân tộc" not in headers and "Số thẻ đảng viên" not in headers
    for key in ("ethnicity", "-ethnicity", "citizen_id", "religion", "party_card_number"):  # no sensitive sort key
        assert [r.record.full_name for r in client.get(LIST, {"sort": key}).context["table"].page.object_list] == [
            r.record.full_name for r in client.get(LIST).context["table"].page.object_list]
    assert listed(client.get(LIST, {"q": "001085000000"})) == []  # the search reads names only
    assert not SensitiveAccess.objects.exists()


def test_staff_filter_by_ethnicity_and_the_read_is_logged(tree, people, personas, client_for):
    tay, _kinh = people
    response = client_for("committee_staff").get(LIST, {"ethnicity": "Tày"})
    assert listed(response) == sorted(m.full_name for m in tay)  # bloc B's Tày member is outside the scope
    entry = SensitiveAccess.objects.get()
    assert (entry.user, entry.kind, entry.filters["ethnicity"], entry.rows, entry.organization) == (
        personas.committee_staff, "list", "Tày", 2, tree.bloc_a)
    assert sorted(entry.member_ids) == sorted(m.pk for m in tay)
    client_for("committee_staff").get(LIST)  # a list without a sensitive filter shows none: not logged
    assert SensitiveAccess.objects.count() == 1


def test_a_user_with_the_right_on_part_of_the_scope_filters_only_there(tree, people, client_for, client):
    tay, _kinh = people
    user = UserFactory()
    RoleAssignment.objects.create(user=user, role=Role.LEADERSHIP, organization=tree.bloc_a)
    RoleAssignment.objects.create(user=user, role=Role.COMMITTEE_STAFF, organization=tree.a1)
    client.force_login(user)
    response = client.get(LIST, {"ethnicity": "Tày"})
    assert listed(response) == [] and "ethnicity" in response.context["filterset"].form.errors
    assert listed(client.get(LIST, {"ethnicity": "Tày", "organization": tree.a1.pk})) == sorted(
        m.full_name for m in tay)
    assert SensitiveAccess.objects.get().organization == tree.a1


def test_a_member_page_shows_sensitive_data_only_with_the_right_and_logs_it(tree, people, personas, client_for):
    member = people[0][0]
    url = reverse("members:member_detail", args=[member.pk])
    page = client_for("leadership").get(url).content.decode()
    assert member.citizen_id not in page and member.party_card_number not in page
    assert not SensitiveAccess.objects.exists()
    page = client_for("committee_staff").get(url).content.decode()
    assert member.citizen_id in page and member.party_card_number in page
    entry = SensitiveAccess.objects.get()
    assert (entry.user, entry.kind, entry.member_ids, entry.organization) == (
        personas.committee_staff, "page", [member.pk], tree.a1_1)
    edit = client_for("grassroots_officer").get(reverse("members:member_edit", args=[member.pk]))
    assert "party_card_number" not in edit.context["form"].fields  # no sensitive right over A1
    assert SensitiveAccess.objects.count() == 1


def test_an_export_with_sensitive_columns_is_logged_with_its_organization(tree, people, personas, client_for):
    headers, names = exported_names(client_for("committee_staff").get(EXPORT, {"organization": tree.a1.pk}))
    assert "Dân tộc" in headers and len(names) == 2
    entry = SensitiveAccess.objects.get()
    assert (entry.kind, entry.rows, entry.organization, entry.filters["organization"]) == (
        "export", 2, tree.a1, str(tree.a1.pk))


def test_the_log_is_for_administrators_of_the_organizations_read(tree, people, personas, client_for, client):
    client_for("committee_staff").get(reverse("members:member_detail", args=[people[0][0].pk]))
    client_for("outsider").get(LIST, {"ethnicity": "Tày"})
    url = reverse("members:sensitive_log")
    assert client_for("committee_staff").get(url).status_code == 403
    page = client_for("administrator").get(url)
    assert page.status_code == 200
    assert sorted(r.record.user.username for r in page.context["table"].page.object_list) == ["canbo", "ngoai"]
    bloc_admin = UserFactory()
    RoleAssignment.objects.create(user=bloc_admin, role=Role.ADMINISTRATOR, organization=tree.bloc_a)
    client.force_login(bloc_admin)
    assert [r.record.user.username for r in client.get(url).context["table"].page.object_list] == ["canbo"]
