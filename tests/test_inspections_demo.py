"""The demo loader of inspections runs on a small register and records through the same model and
service as real data."""

import pytest

from devdata.demo.inspections import seed_inspections
from inspections.coverage import member_coverage, year_period
from inspections.models import Inspection
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def test_seed_inspections_covers_about_a_third_of_the_members(tree):
    for cell in (tree.a1_1, tree.a1_2, tree.a2, tree.b1):
        for _ in range(15):
            make_member(cell)
    result = seed_inspections(seed=0)
    assert result["inspections"] == Inspection.objects.count() > 0
    share = member_coverage(tree.province, *year_period(2024)).share
    assert 25 <= share <= 40
    assert not Inspection.objects.filter(scope_path="").exists()
