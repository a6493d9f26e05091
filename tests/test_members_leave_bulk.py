"""``members_leave_bulk`` (the demo's leavings) does for many members what ``member_leave`` does for one: the
open period closed on the day with its reason and note, ``left_on`` and the version set, one audit row each,
the same checks."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from members.register.models import Member, MembershipPeriod
from members.register.services import member_leave, members_leave_bulk
from tests.factories import make_member

pytestmark = pytest.mark.django_db
D = dt.date


def _state(member):
    member.refresh_from_db()
    period = MembershipPeriod.objects.get(member=member)
    return (member.left_on, member.version, period.valid.upper, period.end_reason, period.note,
            [h.history_type for h in member.history.order_by("history_id")],
            [(h.history_type, h.valid.upper) for h in period.history.order_by("history_id")])


def test_many_leave_as_one_does(tree):
    one, two, three = (make_member(tree.a1_1) for _ in range(3))
    member_leave(member=one, date=D(2024, 5, 2), reason="deceased", note="Từ trần")
    assert members_leave_bulk(leavings=[(two, D(2024, 5, 2), "deceased", "Từ trần"),
                                        (three, D(2024, 8, 1), "transferred_out", "")]) == 2
    assert _state(two) == _state(one) == (D(2024, 5, 2), 2, D(2024, 5, 2), "deceased", "Từ trần", ["+", "~"],
                                          [("+", None), ("~", D(2024, 5, 2))])
    assert _state(three)[:4] == (D(2024, 8, 1), 2, D(2024, 8, 1), "transferred_out")


def test_a_bad_leaving_refuses_the_whole_batch(tree):
    one, two = make_member(tree.a1_1), make_member(tree.a1_1, start=D(2024, 6, 1))
    with pytest.raises(ValidationError):
        members_leave_bulk(leavings=[(one, D(2024, 5, 2), "deceased", ""), (two, D(2024, 5, 2), "deceased", "")])
    assert not Member.objects.filter(left_on__isnull=False).exists()
    with pytest.raises(ValidationError):
        members_leave_bulk(leavings=[(one, D(2024, 5, 2), "moved", "")])  # not a reason to leave
