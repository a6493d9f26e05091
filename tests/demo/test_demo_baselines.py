"""Issue 17 item 10 in the demo: the Lâm Đồng-style resolution keeps seed 000's own figures as the document states
them (2,712 members, 1,807 đại học …), dated as the document dates them (2021: "hiện nay", the demo's 30/06/2021),
and its page sets the register's beside them — the register holds 2,712 members and 1,795 đại học that day, the
12 being the document's professional levels adding up to 2,724. The Kon Tum resolution of the provincial committee
measures the province; the district level is dissolved on 01/07/2025 (RULES §5), its TCCSĐ moved under the
province. Expected figures are seed 000's, written out here, and the tree is read from its placements."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from devdata.demo import register as demo
from members.register.models import Member
from organizations.choices import EventKind, OrgKind
from organizations.models import Organization, OrganizationEvent, OrganizationPlacement
from targets.engine.models import Attainment, Resolution

pytestmark = [pytest.mark.django_db, pytest.mark.demo]
D = dt.date
SEED_000 = {"tccsd": 68, "tccsd:grassroots_committee": 34, "tccsd:grassroots_cell": 34, "members": 2712,
            "professional_level:doctorate": 27, "professional_level:master": 654,
            "professional_level:university": 1807, "professional_level:college": 29,
            "professional_level:intermediate": 149, "professional_level:technical": 53,
            "professional_level:student": 5, "political_theory:advanced": 701, "political_theory:intermediate": 732}


def test_the_lam_dong_resolution_keeps_seed_000s_figures_beside_the_register(demo_data, client):
    resolution = Resolution.objects.get(code="LD")
    rows = list(resolution.baselines.all())
    assert {b.as_of for b in rows} == {D(2021, 6, 30)} == {demo.LD_BASELINE_DAY}  # the document's 2021
    assert {b.key: b.value for b in rows} == SEED_000  # as the document states them, 1,807 đại học included

    client.force_login(get_user_model().objects.get(username="canbo.ld"))
    response = client.get(reverse("targets:resolution_detail", args=[resolution.pk]))
    assert response.status_code == 200
    [comparison] = response.context["comparisons"]
    got = {line.key: (line.source, line.register) for line in comparison.lines}
    # The register on 30/06/2021: seed 000's figures, but 1,795 đại học (the 12 the document's parts exceed by).
    bloc = Organization.objects.get(code=demo.CODE_LD)
    on_day = Member.objects.under_on(bloc, demo.LD_BASELINE_DAY)
    assert on_day.count() == 2712 and on_day.filter(professional_level="university").count() == 1795
    expected = {key: (value, value) for key, value in SEED_000.items()}
    expected["professional_level:university"] = (1807, 1795)
    assert got == expected
    assert [line.difference for line in comparison.lines if line.difference] == [-12]
    levels = comparison.explanations[0]
    assert "2.724" in levels and "2.712" in levels and "+12" in levels
    html = response.content.decode()
    assert "1.807" in html and "1.795" in html and "−12" in html


def test_the_kon_tum_resolution_measures_the_province(demo_data):
    kt = Resolution.objects.select_related("scope", "issuing_body").get(code="KT")
    assert kt.scope.kind == OrgKind.PROVINCIAL and kt.scope.code == demo.CODE_PROVINCE
    assert kt.issuing_body == kt.scope
    # Computed for the province and for each organization directly under it (the blocs, the district until its
    # dissolution, its communes after).
    assert Attainment.objects.filter(target__code="KT-2", organization=kt.scope, year=2024).exists()
    commune = Organization.objects.filter(code__startswith=f"{demo.CODE_KT}.", host_unit__sector="commune").first()
    assert Attainment.objects.filter(target__code="KT-2", organization=commune, year=2025).exists()


def test_the_district_level_is_dissolved_on_1_july_2025_its_tccsd_under_the_province(demo_data):
    district = Organization.objects.get(code=demo.CODE_KT)
    province = Organization.objects.get(code=demo.CODE_PROVINCE)
    assert district.dissolved_on == D(2025, 7, 1) == demo.RESTRUCTURE
    assert OrganizationEvent.objects.filter(organization=district, kind=EventKind.DISSOLVED,
                                            date=D(2025, 7, 1)).exists()
    before, after = D(2025, 6, 30), D(2025, 7, 1)
    under_before = set(OrganizationPlacement.objects.under_on(district.pk, before)
                       .filter(kind__in=[OrgKind.GRASSROOTS_COMMITTEE, OrgKind.GRASSROOTS_CELL])
                       .values_list("organization_id", flat=True))
    assert len(under_before) == 13  # ten communes (the town one of them), its agencies, its office, its hospital
    assert not OrganizationPlacement.objects.on(after).filter(organization=district).exists()
    province_path = OrganizationPlacement.objects.on(after).get(organization=province)
    placed = OrganizationPlacement.objects.on(after).filter(organization_id__in=under_before)
    assert placed.count() == 13
    assert all(p.path.startswith(province_path.path) and p.depth == province_path.depth + 1 for p in placed)
    # Their members stayed in their cells: the district's members of 30 June are the province's TCCSĐ's of 1 July.
    members_before = set(Member.objects.under_on(district, before).values_list("pk", flat=True))
    members_after = set().union(*(set(Member.objects.under_on(o, after).values_list("pk", flat=True))
                                  for o in Organization.objects.filter(pk__in=under_before)))
    assert members_before and members_before == members_after
