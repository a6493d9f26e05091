"""The demo data set (`manage.py seed_demo`): seed 000's baseline on the day the demo dates it (30/06/2021), the
other blocs' shape on 31/12/2024, the party's rules, the 2025 restructuring, determinism and the demo users. The
tests read the full demo, built once for the package (tests/demo/conftest.py) inside a transaction that is rolled
back at the end, so other test modules never see it."""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count

from devdata.demo import register as demo
from members.register.choices import MembershipReason, PoliticalTheory, PositionKind, StatusPeriodKind
from members.register.models import CommitteePosition, Member, MembershipPeriod, StatusPeriod
from organizations.choices import CELL_KINDS, EventKind, MassOrgLevel, OrgKind, Role
from organizations.models import (
    MassOrganization,
    Organization,
    OrganizationEvent,
    OrganizationPlacement,
    RoleAssignment,
)
from tests.demo.conftest import DEMO_TODAY

pytestmark = [pytest.mark.django_db, pytest.mark.demo]
D = dt.date
REF = demo.REF
LD_DAY = demo.LD_BASELINE_DAY  # seed 000's "hiện nay" (2021)


@pytest.fixture(scope="module")
def built(demo_data):
    return SimpleNamespace(output=demo_data.output, digest=demo_data.register_digest,
                           org=lambda code: Organization.objects.get(code=code))


def path_on(org, day):
    return OrganizationPlacement.objects.on(day).get(organization=org).path


def tccsd_on(org, day):
    return OrganizationPlacement.objects.on(day).filter(path__startswith=path_on(org, day)).filter(
        kind__in=[OrgKind.GRASSROOTS_COMMITTEE, OrgKind.GRASSROOTS_CELL])


def members_per_organization_on(day, kinds):
    """{organization id: (members, full members)} for the organizations of ``kinds`` placed on ``day``, counting
    members of the cells placed under them that day. Read from the dated placements by path, not through the
    population vocabulary the application uses, so the check is independent of it."""
    with connection.cursor() as cur:
        cur.execute(
            """
            SELECT t.organization_id, count(m.id), count(m.id) FILTER (WHERE m.full_membership_date <= %(day)s)
              FROM organizations_organizationplacement t
              JOIN organizations_organizationplacement c ON starts_with(c.path, t.path) AND c.valid @> %(day)s::date
              JOIN members_membershipperiod p ON p.cell_id = c.organization_id AND p.valid @> %(day)s::date
              JOIN members_member m ON m.id = p.member_id
             WHERE t.valid @> %(day)s::date AND t.kind = ANY(%(kinds)s)
             GROUP BY t.organization_id
            """,
            {"day": day, "kinds": list(kinds)},
        )
        return {org_id: (n, full) for org_id, n, full in cur.fetchall()}


def test_lam_dong_bloc_matches_seed_000_on_the_day_it_gives_its_figures(built):
    bloc = built.org(demo.CODE_LD)
    assert D(2021, 6, 30) == LD_DAY
    tccsd = tccsd_on(bloc, LD_DAY)
    assert tccsd.filter(kind=OrgKind.GRASSROOTS_COMMITTEE).count() == 34
    assert tccsd.filter(kind=OrgKind.GRASSROOTS_CELL).count() == 34
    members = Member.objects.under_on(bloc, LD_DAY)
    assert members.count() == 2712
    assert members.filter(political_theory=PoliticalTheory.ADVANCED).count() == 701
    assert members.filter(political_theory=PoliticalTheory.INTERMEDIATE).count() == 732
    levels = dict(members.values_list("professional_level").annotate(n=Count("id")))
    assert sum(levels.values()) == 2712
    assert levels == demo.LD_LEVELS  # 27/654/1,795/29/149/53/5: đại học carries the document's 12 extra
    # Each đảng bộ cơ sở has 2–6 chi bộ trực thuộc of its own; a few also have an đảng bộ bộ phận.
    placed = OrganizationPlacement.objects.on(LD_DAY)
    partials = 0
    for committee in tccsd.filter(kind=OrgKind.GRASSROOTS_COMMITTEE):
        direct = placed.filter(path__startswith=committee.path).filter(depth=committee.depth + 1)
        assert 2 <= direct.filter(kind=OrgKind.SUB_CELL).count() <= 6
        partials += direct.filter(kind=OrgKind.PARTIAL_COMMITTEE).count()
    assert 1 <= partials <= 6


@pytest.mark.parametrize("day", [D(2021, 1, 1), LD_DAY, D(2022, 6, 30), REF, D(2025, 12, 31)])
def test_party_rules_hold_throughout_the_history(built, day):
    """RULES §3: a chi bộ cơ sở has fewer than 30 members, an đảng bộ cơ sở at least 30; every cell has at
    least 3 full members (and 3–60 members in all) — on the reference date and before and after it."""
    cells_on_day = set(OrganizationPlacement.objects.on(day).filter(kind__in=CELL_KINDS)
                       .values_list("organization_id", flat=True))
    cells = members_per_organization_on(day, CELL_KINDS)
    assert set(cells) == cells_on_day
    assert all(3 <= n <= 60 and full >= 3 for n, full in cells.values())
    grassroots_cells = members_per_organization_on(day, [OrgKind.GRASSROOTS_CELL])
    assert grassroots_cells and all(n < 30 for n, _ in grassroots_cells.values())
    committees = members_per_organization_on(day, [OrgKind.GRASSROOTS_COMMITTEE])
    assert committees and all(n >= 30 for n, _ in committees.values())


def test_the_other_blocs_have_the_shape_of_their_documents(built):
    tv, qt, kt = built.org(demo.CODE_TV), built.org(demo.CODE_QT), built.org(demo.CODE_KT)
    tv_members = Member.objects.under_on(tv, REF)
    assert tccsd_on(tv, REF).count() == 25 and tv_members.count() == 900
    khmer = tv_members.filter(ethnicity="Khmer").count() / 900
    assert 0.10 <= khmer <= 0.20
    sectors = set(Organization.objects.filter(pk__in=tccsd_on(tv, REF).values("organization"))
                  .values_list("host_unit__sector", flat=True))
    assert {"private_enterprise", "state_enterprise"} <= sectors
    assert tccsd_on(qt, REF).count() == 20 and Member.objects.under_on(qt, REF).count() == 700
    communes = tccsd_on(kt, REF).filter(organization__host_unit__sector="commune")
    assert communes.count() == 10
    kt_members = Member.objects.under_on(kt, REF)
    assert kt_members.count() == 800
    assert kt_members.exclude(ethnicity="Kinh").count() / 800 > 0.4
    assert {"Xơ Đăng", "Ba Na", "Gia Rai", "Giẻ Triêng"} <= set(kt_members.values_list("ethnicity", flat=True))
    for commune in communes:
        placed = OrganizationPlacement.objects.on(REF).filter(path__startswith=commune.path)
        assert placed.filter(kind=OrgKind.SUB_CELL).count() >= 5


def test_the_2025_merge_and_dissolution(built):
    tv = built.org(demo.CODE_TV)
    party, gov = built.org(demo.CODE_TV_PARTY), built.org(demo.CODE_TV_GOV)
    merge = OrganizationEvent.objects.get(kind=EventKind.MERGED)
    into, source = merge.organization, merge.related.get()
    assert merge.date == demo.RESTRUCTURE
    assert {into.kind, source.kind} == {OrgKind.GRASSROOTS_CELL}
    before, after = D(2025, 6, 30), D(2025, 7, 1)
    assert set(tccsd_on(tv, before).values_list("organization_id", flat=True)) >= {into.pk, source.pk}
    assert tccsd_on(tv, REF).count() == 25
    now = set(OrganizationPlacement.objects.on(after).values_list("organization_id", flat=True))
    assert into.pk in now and source.pk not in now and tv.pk not in now
    assert path_on(into, after).startswith(path_on(gov, after))
    assert tccsd_on(party, after).count() + tccsd_on(gov, after).count() == 24
    # The merged cell's members moved into the merged-into cell; both sets count there after the merge.
    source_members = set(Member.objects.under_on(source, before))
    assert source_members and source_members <= set(Member.objects.under_on(into, after))
    assert MembershipPeriod.objects.filter(cell=source, end_reason=MembershipReason.RESTRUCTURED).count() == \
        len(source_members)
    tv.refresh_from_db()
    source.refresh_from_db()
    assert tv.dissolved_on == demo.RESTRUCTURE and source.dissolved_on == demo.RESTRUCTURE
    # The dissolved bloc's past still counts: its 2024 members, and nobody after 01/07/2025.
    during_2024 = Member.objects.under_during(tv, D(2024, 1, 1), D(2024, 12, 31))
    assert during_2024.count() >= 900
    assert not Member.objects.under_on(tv, after).exists()
    assert Member.objects.under_on(party, after).count() + Member.objects.under_on(gov, after).count() == \
        Member.objects.under_on(tv, before).count()
    # Its leadership ended with it; the new đảng bộ have theirs from 01/07/2025.
    assert not CommitteePosition.objects.filter(organization=tv).on(after).exists()
    assert CommitteePosition.objects.filter(organization=gov, position=PositionKind.SECRETARY).on(after).exists()
    assert not MassOrganization.objects.filter(organization=tv, active=True).exists()


def test_history_2021_to_2025(built):
    bloc = built.org(demo.CODE_LD)
    periods = MembershipPeriod.objects.all()
    for year in range(2021, 2025):
        assert periods.filter(start_reason=MembershipReason.ADMITTED, valid__startswith__year=year).count() >= 20
    assert periods.filter(valid__startswith__lt=demo.HISTORY_START).count() == 0
    recorded = periods.filter(start_reason=MembershipReason.RECORDED)
    assert not recorded.exclude(valid__startswith=demo.HISTORY_START).exists()
    # Moves inside the Lâm Đồng-style bloc stay inside it.
    ld_path = path_on(bloc, REF)
    moves = periods.filter(start_reason=MembershipReason.MOVED)
    assert moves.count() >= 50
    for period in moves.filter(cell__in=Organization.objects.filter(path__startswith=bloc.path)):
        previous = periods.filter(member=period.member, valid__endswith=period.valid.lower).get()
        day = period.valid.lower
        assert D(2022, 1, 1) <= day <= REF
        placed = OrganizationPlacement.objects.on(day)
        assert placed.get(organization=previous.cell).path.startswith(ld_path)
    for reason in (MembershipReason.TRANSFERRED_OUT, MembershipReason.DECEASED):
        assert periods.filter(end_reason=reason).exists()
    assert Member.objects.filter(left_on__isnull=False).count() == periods.filter(
        end_reason__in=[MembershipReason.TRANSFERRED_OUT, MembershipReason.DECEASED, MembershipReason.STRUCK_OFF,
                        MembershipReason.RESIGNED, MembershipReason.EXPELLED]).count()
    assert StatusPeriod.objects.filter(kind=StatusPeriodKind.EXEMPTED).exists()
    assert StatusPeriod.objects.filter(kind=StatusPeriodKind.SUSPENDED).exists()
    # Probationary members admitted in 2024 are still probationary on REF.
    assert Member.objects.under_on(bloc, REF).probationary_on(REF).filter(admission_date__year=2024).exists()


def test_positions_and_mass_organizations(built):
    cells = OrganizationPlacement.objects.on(REF).filter(kind__in=CELL_KINDS).values_list("organization_id", flat=True)
    on_ref = CommitteePosition.objects.on(REF)
    for kind in (PositionKind.SECRETARY, PositionKind.DEPUTY_SECRETARY):
        assert set(on_ref.filter(position=kind).values_list("organization_id", flat=True)) >= set(cells)
    committees = Organization.objects.filter(kind=OrgKind.GRASSROOTS_COMMITTEE)
    with_members = on_ref.filter(position=PositionKind.COMMITTEE_MEMBER, organization__in=committees)
    assert with_members.values("organization").distinct().count() == committees.count()
    # A position holder belongs, on REF, to the organization they hold a position in.
    sample = on_ref.filter(organization__kind__in=CELL_KINDS).select_related("member", "organization")[:50]
    for position in sample:
        assert Member.objects.under_on(position.organization, REF).filter(pk=position.member_id).exists()
    blocs = [built.org(code) for code in (demo.CODE_LD, demo.CODE_TV, demo.CODE_QT, demo.CODE_KT)]
    for bloc in blocs:
        assert MassOrganization.objects.filter(organization=bloc, level=MassOrgLevel.UPPER).count() == 4
    grassroots = MassOrganization.objects.filter(level=MassOrgLevel.GRASSROOTS)
    assert grassroots.values("organization").distinct().count() >= 100


def test_member_profiles_are_plausible(built):
    members = list(Member.objects.all())
    assert len(members) > 5000
    for m in members:
        assert 22 <= m.age_on(REF) <= 62, m
        assert demo.add_years(m.birth_date, 18) <= m.admission_date, m
        if m.full_membership_date is not None:
            assert m.full_membership_date == demo.add_years(m.admission_date, 1), m
        else:  # still probationary at the end of the data, or struck off during probation
            assert m.admission_date.year == 2025 or m.left_on is not None, m
        assert m.citizen_id.isdigit() and len(m.citizen_id) == 12
        assert m.full_name and m.full_name == " ".join(m.full_name.split())  # Cơ Ho names may be one word (K'Dìu)
    female = sum(m.gender == "female" for m in members) / len(members)
    assert 0.40 <= female <= 0.50
    no_religion = sum(m.religion == "none" for m in members) / len(members)
    assert no_religion > 0.8
    cards = [m.party_card_number for m in members if m.party_card_number]
    assert len(cards) == len(set(cards)) == sum(m.full_membership_date is not None for m in members)


def test_every_role_has_a_demo_user(built):
    User = get_user_model()
    assignments = RoleAssignment.objects.filter(user__username__in=demo.DEMO_USERNAMES)
    assert set(assignments.values_list("role", flat=True)) == set(Role.values)
    assert not User.objects.filter(username="admin").exists()
    for username in demo.DEMO_USERNAMES:
        user = User.objects.get(username=username)
        assert user.check_password(demo.demo_password(2025, username))
        assert username in built.output and demo.demo_password(2025, username) in built.output
    officer = assignments.get(role=Role.GRASSROOTS_OFFICER).organization
    secretary = assignments.get(role=Role.CELL_SECRETARY).organization
    ld = built.org(demo.CODE_LD)
    assert officer.kind == OrgKind.GRASSROOTS_COMMITTEE and officer.path.startswith(ld.path)
    assert secretary.is_cell and Organization.objects.get_parent(secretary) == officer
    staff = assignments.filter(role=Role.COMMITTEE_STAFF).values_list("organization__code", flat=True)
    assert {demo.CODE_LD, demo.CODE_TV_GOV} <= set(staff)


def test_if_empty_does_nothing_and_a_second_plain_run_refuses(built):
    counts = (Organization.objects.count(), Member.objects.count(), MembershipPeriod.objects.count(),
              OrganizationEvent.objects.count(), get_user_model().objects.count())
    out = io.StringIO()
    call_command("seed_demo", if_empty=True, stdout=out)
    assert "nothing loaded" in out.getvalue()
    with pytest.raises(CommandError, match="--reset"):
        call_command("seed_demo", stdout=io.StringIO())
    assert counts == (Organization.objects.count(), Member.objects.count(), MembershipPeriod.objects.count(),
                      OrganizationEvent.objects.count(), get_user_model().objects.count())


def test_the_same_seed_gives_the_same_register(built):
    """A register-only rebuild (``--reset``: undone with the test's savepoint) gives the register the full build
    had made before its other loaders ran (the digest it printed)."""
    out = io.StringIO()
    call_command("seed_demo", reset=True, seed=2025, register_only=True, today=DEMO_TODAY, stdout=out)
    assert demo.member_digest() == built.digest
    assert Organization.objects.filter(code=demo.CODE_PROVINCE).count() == 1
    assert Member.objects.under_on(built.org(demo.CODE_LD), LD_DAY).count() == 2712
    assert out.getvalue().split("Demo users:")[1] == built.output.split("Demo users:")[1]


def test_the_composition_page_shows_seed_000_for_the_lam_dong_bloc(built, client):
    """Acceptance: the page staff read, not just the queryset, shows 68 TCCSĐ (34/34), 2.712 members and the
    political-theory figures, and every breakdown sums to its total."""
    from django.urls import reverse
    from django.utils import translation

    staff = get_user_model().objects.get(username="canbo.ld")
    client.force_login(staff)
    bloc = built.org(demo.CODE_LD)
    with translation.override("vi"):
        response = client.get(reverse("organizations:organization_composition", args=[bloc.pk]),
                              {"date": "30/06/2021"}, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200
    comp = response.context["comp"]
    assert (comp.tccsd_total, comp.tccsd_by_kind[OrgKind.GRASSROOTS_COMMITTEE],
            comp.tccsd_by_kind[OrgKind.GRASSROOTS_CELL], comp.total) == (68, 34, 34, 2712)
    theory = {r.key: r.count for r in comp.breakdown("political_theory").rows}
    assert (theory["advanced"], theory["intermediate"]) == (701, 732)
    for breakdown in comp.breakdowns:
        assert sum(r.count for r in breakdown.rows) == 2712, breakdown.key
    body = response.content.decode()
    assert "68 tổ chức cơ sở đảng trực thuộc (34 đảng bộ cơ sở, 34 chi bộ cơ sở) với tổng số đảng viên là 2.712" in body
    assert "701 cao cấp, cử nhân" in body and "732 trung cấp" in body


def test_the_composition_before_and_after_the_merge(built, client):
    """Acceptance: after merging two TCCSĐ, the composition for the year before still shows both, and the year
    after only the merged one."""
    from django.urls import reverse

    merge = OrganizationEvent.objects.get(kind=EventKind.MERGED)
    into, merged = merge.organization, list(merge.related.all())
    client.force_login(get_user_model().objects.get(username="quantri.tinh"))
    before = client.get(reverse("organizations:organization_composition", args=[merged[0].pk]), {"date": "31/12/2024"})
    assert before.status_code == 200 and before.context["comp"].tccsd_total == 1
    assert before.context["comp"].total > 0
    after_merged = client.get(reverse("organizations:organization_composition", args=[merged[0].pk]),
                              {"date": "31/12/2025"})
    assert after_merged.context["comp"].total == 0
    after_into = client.get(reverse("organizations:organization_composition", args=[into.pk]), {"date": "31/12/2025"})
    assert after_into.context["comp"].total >= before.context["comp"].total
