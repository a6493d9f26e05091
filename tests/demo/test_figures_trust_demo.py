"""Issue 17 in the demo, for the Lâm Đồng-style bloc in 2024: LD-1a divides by the register, LD-4e and LD-4f
agree with the recorded leadership collective ratings, and no row for a period before the data begin says
"không đạt". Figures are read here from the records with the ORM, independently of the metrics' SQL."""

from __future__ import annotations

import datetime as dt

import pytest

from devdata.demo.register import CODE_LD
from members.ratings.models import OrganizationRating
from members.register.models import Member
from organizations.models import Organization, OrganizationPlacement
from targets.engine.models import Attainment
from targets.records.models import ReportedFigure

pytestmark = [pytest.mark.django_db, pytest.mark.demo]
DAY = dt.date(2024, 12, 15)
HTT = {"HTXS", "HTT", "TSVM"}


def _row(code, organization, year=2024):
    return Attainment.objects.get(target__code=code, organization=organization, year=year)


def test_ld1a_divides_by_the_register(demo_data):
    ld = Organization.objects.get(code=CODE_LD)
    row = _row("LD-1a", ld)
    assert row.denominator == Member.objects.under_on(ld, DAY).count()
    tccsd = OrganizationPlacement.objects.under_on(ld.pk, DAY).filter(kind__in=["grassroots_committee",
                                                                                "grassroots_cell"])
    for placement in tccsd[:10]:
        figure = ReportedFigure.objects.filter(indicator__code="members_studied", year=2024,
                                               organization_id=placement.organization_id).first()
        if figure is not None:
            whole = Member.objects.under_on(placement.organization, DAY).count()
            assert figure.denominator == whole and figure.numerator <= whole


def test_ld4e_and_ld4f_agree_with_the_leadership_ratings(demo_data):
    ld = Organization.objects.get(code=CODE_LD)
    own = OrganizationRating.objects.get(kind="leadership", organization=ld, year=2024, status="decided")
    e = _row("LD-4e", ld)
    assert (e.numerator, e.denominator) == (int(own.decided_level.code in HTT), 1)

    committees = OrganizationPlacement.objects.under_on(ld.pk, DAY).filter(kind="grassroots_committee") \
        .values_list("organization_id", flat=True)
    rated = OrganizationRating.objects.filter(kind="leadership", organization_id__in=list(committees), year=2024,
                                              status="decided").select_related("decided_level")
    party = [sum(r.decided_level.code in HTT for r in rated), len(committees)]
    state = ReportedFigure.objects.filter(indicator__code="collectives_htt", year=2024, organization_id__in=list(
        OrganizationPlacement.objects.under_on(ld.pk, DAY).filter(
            kind__in=["grassroots_committee", "grassroots_cell"]).values_list("organization_id", flat=True)))
    state_part = [sum(f.numerator for f in state), sum(f.denominator for f in state)]
    f = _row("LD-4f", ld)
    assert f.details["parts"] == {"party": party, "state": state_part}
    assert (f.numerator, f.denominator) == (party[0] + state_part[0], party[1] + state_part[1])


def test_no_row_before_the_data_begin_says_not_met(demo_data):
    begins = {o.pk: o.records_from for o in Organization.objects.all() if o.records_from and
              o.records_from > o.founded_on}
    early = [a for a in Attainment.objects.select_related("target") if a.organization_id in begins
             and a.period_start < begins[a.organization_id] and a.status == "not_met"
             and a.target.family in ("ADM", "INSP", "MEET")]
    assert early == []
    for a in Attainment.objects.filter(target__code="KT-3"):
        assert a.status == "no_data" or a.organization_id not in begins
    for code in ("QT-4a", "QT-5", "QT-6"):
        for a in Attainment.objects.filter(target__code=code, year=2020):
            assert a.status == "no_data", (code, a.organization_id, a.status)
    # Nothing before the data begin in the Lâm Đồng-style bloc's 2024 either.
    ld = Organization.objects.get(code=CODE_LD)
    assert not Attainment.objects.filter(target__resolution__code="LD", organization=ld, year=2024,
                                         missing__contains=[["before_records"]]).exists()
