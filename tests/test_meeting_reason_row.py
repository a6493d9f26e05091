"""A missing absence reason is shown on the member's own row of the meeting form (issue 20, item 9), and
nothing is saved."""

from __future__ import annotations

import re

from django.urls import reverse

from meetings.choices import AttendanceStatus as S
from meetings.models import Meeting
from tests.factories import make_member
from tests.test_meetings_views import form_data


def test_the_missing_reason_is_said_on_the_members_row(tree, client_for):
    members = [make_member(tree.a1_1, full_name=f"Đảng viên Số {i}") for i in range(3)]
    data = form_data(members)
    data[f"att_{members[1].pk}"] = S.ABSENT_EXCUSED
    data[f"reason_{members[1].pk}"] = "  "
    response = client_for("cell_secretary").post(f'{reverse("meetings:meeting_create")}?cell={tree.a1_1.pk}', data)
    assert response.status_code == 200
    html = response.content.decode()
    row = re.search(rf'<li[^>]*id="attendance-{members[1].pk}".*?</li>', html, flags=re.S).group(0)
    assert "list-group-item-danger" in row and 'aria-invalid="true"' in row
    error = re.search(r"<div[^>]*data-reason-error>(.*?)</div>", row).group(1)
    assert "Đảng viên Số 1" in error
    for other in (members[0], members[2]):
        other_row = re.search(rf'<li[^>]*id="attendance-{other.pk}".*?</li>', html, flags=re.S).group(0)
        assert "data-reason-error" not in other_row
    assert not Meeting.objects.exists()
