"""Demo data of the targets engine, on top of the register, ratings, meetings, inspections and admissions
the other apps' demos load: attach the five seed resolutions to their demo organizations, add what only
organizations can supply (reported figures, models and exemplars, documents adopted, report submissions,
the bloc's secretaries' briefings) and the titles beside the ratings, then compute every target once.

Deterministic from the seed; the figures are drawn around each target's bound so that some targets are
met and some are not. Nothing is dated after ``today``: a year's figures are reported from its rating day, a
report not yet sent is still due, and after the seed documents' terms (which end in 2025) the periodic
reports go on being sent, so the boards show reports due in any year. Rows are written in bulk with their
history rows (the demo is a trusted loader; the services check the same rules for real entries)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.db.models import Q, Value
from django.db.models.functions import Greatest
from simple_history.utils import bulk_create_with_history

from devdata.demo.bulk import analyze
from devdata.demo.ratings import rated_years
from devdata.demo.register import CODE_LD, CODE_PROVINCE, CODE_QT, CODE_TV, LD_BASELINE_DAY
from members.ratings.models import OrganizationRating, RecognitionAward
from members.ratings.rules import rating_date
from members.register.population import member_counts_on
from organizations.choices import CELL_KINDS, TCCSD_KINDS, OrgKind, Sector
from organizations.models import Organization, OrganizationPlacement
from targets.engine.catalogue import BASELINES
from targets.engine.choices import Family, RunKind
from targets.engine.models import RecomputeRun, Resolution, ResolutionBaseline
from targets.records.choices import Reporters
from targets.records.models import (
    DocumentAdoption,
    PeriodicReport,
    RegisteredModel,
    ReportedFigure,
    ReportIndicator,
    ReportSubmission,
    RequiredDocument,
)

# Which demo organization each seed document measures (issue 8: LD on the Lâm Đồng-style bloc, QT on the Quảng
# Trị-style bloc, KH and TV on the Trà Vinh-style bloc; issue 17 item 10: KT, a resolution of the provincial
# committee on its whole party organization, on the province — its Kon Tum-style district is dissolved in 2025).
ATTACH = {"LD": CODE_LD, "KT": CODE_PROVINCE, "QT": CODE_QT, "KH": CODE_TV, "TV": CODE_TV}
ISSUER = {"KT": CODE_PROVINCE}  # the provincial committee issued 03-NQ/TU; the blocs issued their own
DEMO_YEARS = range(2016, 2026)  # reported figures back to 2016 for KT's dated targets; the rest from 2020
# The day each demo organization's records are kept from (Organization.records_from): KT's reported figures
# begin in 2016, the other records in 2020 — so KT-3's 2015–2020 term, and 2020 for the meeting targets (the
# meetings begin in 2021), have nothing to judge rather than failing. Set from the outermost resolution's
# organization in, so a bloc's own resolution decides its subtree's day inside the province KT measures.
RECORDS_FROM = {"KT": dt.date(2016, 1, 1)}
# The reported figures only a commune's party organization has (its villages and residential groups, KT-1d and
# KT-4): the others under the province report none.
VILLAGE_INDICATORS = {"villages_without_party", "village_heads_members"}
# The day the demo dates seed 000's baseline figures (targets.engine.catalogue.BASELINES): the document's
# "hiện nay" of 2021 (devdata.demo.register.LD_BASELINE_DAY, the day its bloc matches them).
BASELINE_DAYS = {"LD": LD_BASELINE_DAY}
RECORDS_FROM_DEFAULT = dt.date(2020, 1, 1)


def _on(scope: Organization, year: int, kinds, day: dt.date | None = None) -> list[int]:
    """Organizations of ``kinds`` placed under ``scope`` on ``day`` (default 15 December of ``year``)."""
    day = day or dt.date(year, 12, 15)
    if scope.dissolved_on is not None and dt.date(year, 1, 1) < scope.dissolved_on <= day:
        day = scope.dissolved_on - dt.timedelta(days=1)  # a bloc dissolved that year: its last day
    return list(OrganizationPlacement.objects.under_on(scope.pk, day).filter(kind__in=[str(k) for k in kinds])
                .order_by("path").values_list("organization_id", flat=True))


def seed_targets(*, seed: int, today: dt.date | None = None, log: Callable[[str], None] | None = None,
                 recompute: bool = True) -> dict:
    today = today or dt.date.today()
    rng = random.Random(f"targets:{seed}")
    orgs = {o.code: o for o in Organization.objects.filter(code__in=set(ATTACH.values()) | {CODE_PROVINCE})}
    counts = {"figures": 0, "models": 0, "documents": 0, "submissions": 0, "titles": 0, "briefings": 0,
              "baselines": 0}
    resolutions = sorted(Resolution.objects.filter(code__in=ATTACH),
                         key=lambda r: (orgs[ATTACH[r.code]].depth if ATTACH[r.code] in orgs else 0, r.code))
    for resolution in resolutions:
        scope = orgs.get(ATTACH[resolution.code])
        if scope is None:
            continue
        resolution.scope = scope
        resolution.issuing_body = orgs.get(ISSUER.get(resolution.code, ATTACH[resolution.code]))
        resolution.save(update_fields=["scope", "issuing_body"])
        counts["baselines"] += _baselines(resolution)
        begin = RECORDS_FROM.get(resolution.code, RECORDS_FROM_DEFAULT)
        Organization.objects.filter(path__startswith=scope.path).update(
            records_from=Greatest("founded_on", Value(begin)))
        targets = list(resolution.targets.filter(active=True))
        years = [y for y in DEMO_YEARS if y <= today.year and any(t.first_year <= y <= t.last_year for t in targets)]
        for year in years:
            in_force = [t for t in targets if t.first_year <= year <= t.last_year]
            if rating_date(year) <= today:  # a year's figures come with its year-end review
                counts["figures"] += _figures(rng, scope, year, [t for t in in_force if t.family == Family.REP])
            if year < 2020:
                continue  # the other records start with the demo's meetings and ratings
            counts["models"] += _models(rng, scope, year, [t for t in in_force if t.family == Family.MODEL])
            counts["documents"] += _documents(rng, scope, year, [t for t in in_force if t.family == Family.DOC],
                                              resolution.start_year, today)
            reports = PeriodicReport.objects.filter(
                code__in={t.params.get("report") for t in in_force if t.family == Family.DUE})
            counts["submissions"] += _submissions(rng, scope, year, reports, today)
            counts["briefings"] += _briefings(rng, scope, year, [t for t in in_force if t.family == Family.MEET],
                                              today)
    # After the seed documents' terms the organizations go on sending their periodic reports.
    province = orgs.get(CODE_PROVINCE)
    for year in range(max(DEMO_YEARS) + 1, today.year + 1):
        if province is not None:
            counts["submissions"] += _submissions(rng, province, year, PeriodicReport.objects.order_by("code"), today)
    counts["titles"] = _titles(rng)
    counts["upper_mass_ratings"] = _upper_mass_ratings(rng, orgs.get(CODE_PROVINCE), rated_years(today))
    if log:
        log(f"targets demo: {counts}")
    # The demo inserted hundreds of thousands of rows in this transaction; without fresh statistics the planner
    # takes the meeting and attendance tables for empty: a metric query, and the deferred foreign-key checks at
    # commit (one lookup per row, planned as a scan of a "empty" table), then run for minutes.
    analyze()
    if recompute:
        from targets.engine.recompute import full_plan, run_recompute

        run = RecomputeRun.objects.create(kind=RunKind.FULL)
        run = run_recompute(run, full_plan(run))
        counts["attainments"] = run.rows
    return counts


def _baselines(resolution: Resolution) -> int:
    """The figures the document states as its starting point, as it states them, on the day the demo dates them."""
    day = BASELINE_DAYS.get(resolution.code)
    figures = BASELINES.get(resolution.code, [])
    if day is None or not figures:
        return 0
    note = f"Văn bản ghi “hiện nay” (năm {day.year}), không ghi ngày; bản demo lấy ngày {day:%d/%m/%Y}"
    rows = [ResolutionBaseline(resolution=resolution, as_of=day, key=key, value=value,
                               note=note if key == "members" else "") for key, value in figures]
    bulk_create_with_history(rows, ResolutionBaseline)
    return len(rows)


def _figures(rng, scope, year, targets) -> int:
    codes = {t.params.get("indicator") for t in targets}
    indicators = ReportIndicator.objects.filter(code__in=codes)
    tccsd = _on(scope, year, TCCSD_KINDS)
    # A member share's whole is the register's (issue 17): what each TCCSĐ had on the rating day.
    day = rating_date(year)
    register = member_counts_on([(org_id, day) for org_id in tccsd])
    communes = set(Organization.objects.filter(pk__in=tccsd, host_unit__sector=Sector.COMMUNE)
                   .values_list("pk", flat=True))
    rows = []
    for indicator in indicators:
        reporters = [scope.pk] if indicator.reporters == Reporters.SCOPE else tccsd
        for org_id in reporters:
            if year == 2025 and rng.random() < 0.03 and indicator.reporters != Reporters.SCOPE:
                continue  # a few organizations have not reported the last year: it shows as incomplete
            if indicator.code in VILLAGE_INDICATORS and org_id not in communes:
                numerator, denominator = 0, None if indicator.is_count else 0  # no villages: nothing to report
            elif indicator.is_count:
                numerator, denominator = (0 if rng.random() < 0.85 else rng.randint(1, 2)), None
            elif indicator.denominator_label == "1":
                numerator, denominator = int(rng.random() < 0.88), 1
            elif indicator.code == "collectives_htt":  # LD-4f's State part: a unit's few leadership collectives
                denominator = rng.randint(1, 3)
                numerator = denominator if rng.random() < 0.8 else denominator - 1
            elif indicator.whole_from_register:
                denominator = register.get((org_id, day), 0)
                numerator = denominator if rng.random() < 0.6 else max(0, denominator - rng.randint(1, 8))
            else:
                denominator = rng.randint(12, 160)
                numerator = denominator if rng.random() < 0.6 else max(0, denominator - rng.randint(1, 8))
            rows.append(ReportedFigure(indicator=indicator, organization_id=org_id, year=year, numerator=numerator,
                                       denominator=denominator, note="demo"))
    bulk_create_with_history(rows, ReportedFigure, batch_size=2000)
    return len(rows)


def _models(rng, scope, year, targets) -> int:
    rows = []
    for target in targets:
        kinds = CELL_KINDS if target.params.get("subject") == "cells" else TCCSD_KINDS
        kind = target.params.get("kind")
        for org_id in _on(scope, year, kinds):
            if rng.random() < 0.93:
                rows.append(RegisteredModel(organization_id=org_id, year=year, kind=kind,
                                            name=f"Mô hình {year} #{org_id}", recognised_by="demo"))
    bulk_create_with_history(rows, RegisteredModel, batch_size=2000)
    return len(rows)


def _documents(rng, scope, year, targets, term_start, today) -> int:
    cadences = {t.params.get("cadence") for t in targets}
    rows = []
    cells = _on(scope, year, CELL_KINDS)
    for cadence in cadences:
        if cadence == "term" and year != term_start:
            continue
        documents = list(RequiredDocument.objects.filter(cadence=cadence))
        for org_id in cells:
            for document in documents:
                if rng.random() < 0.97:
                    adopted = dt.date(year, 1, rng.randint(5, 28))
                    if adopted <= today:
                        rows.append(DocumentAdoption(organization_id=org_id, document=document, year=year,
                                                     adopted_on=adopted, reference="demo"))
    bulk_create_with_history(rows, DocumentAdoption, batch_size=2000)
    return len(rows)


def _submissions(rng, scope, year, reports, today) -> int:
    """The reports of ``year`` sent by the TCCSĐ under ``scope``: most on time, some late, a few never; none
    after today (those are still due)."""
    rows = []
    for report in reports:
        for quarter in report.periods():
            due = report.due_date(year, quarter)
            for org_id in _on(scope, year, TCCSD_KINDS, day=min(due, dt.date(year, 12, 15))):
                late = rng.random() < 0.1
                if rng.random() < 0.03:
                    continue  # never sent
                sent = due + dt.timedelta(days=rng.randint(1, 9) if late else -rng.randint(0, 6))
                if sent <= today:
                    rows.append(ReportSubmission(report=report, organization_id=org_id, year=year, quarter=quarter,
                                                 submitted_on=sent, reference="demo"))
    bulk_create_with_history(rows, ReportSubmission, batch_size=2000)
    return len(rows)


def _briefings(rng, scope, year, targets, today) -> int:
    """KH-4: the bloc committee's quarterly briefing of cell secretaries (one quarter skipped now and then)."""
    if not any(t.params.get("measure") == "briefings_quarterly" for t in targets):
        return 0
    from meetings.models import Meeting

    made = 0
    for quarter in (1, 2, 3, 4):
        day = dt.date(year, quarter * 3 - 1, 10 + rng.randint(0, 10))
        if not scope.existed_on(day) or rng.random() < 0.12 or day > today:
            continue
        Meeting.objects.create(cell=scope, kind="briefing", date=day, start_time=dt.time(8), end_time=dt.time(11),
                               conclusions="Giao ban bí thư chi bộ quý")
        made += 1
    return made


def _upper_mass_ratings(rng, province, years) -> int:
    """The blocs' own mass organizations (TV-9c, LD-6), rated by the provincial committee each year."""
    from members.ratings.models import RatingScheme
    from organizations.choices import MassOrgLevel
    from organizations.models import MassOrganization

    if province is None:
        return 0
    rows = []
    for year in years:
        scheme = RatingScheme.objects.for_year("organization", year).first()
        levels = {lv.code: lv for lv in scheme.levels.all()}
        for mass in MassOrganization.objects.filter(level=MassOrgLevel.UPPER).select_related("organization"):
            if not mass.organization.existed_on(dt.date(year, 12, 15)):
                continue
            if OrganizationRating.objects.filter(mass_organization=mass, year=year).exists():
                continue
            level = levels[rng.choices(["HTXS", "HTT", "HT"], [0.25, 0.6, 0.15])[0]]
            rows.append(OrganizationRating(kind="mass_org", organization=mass.organization, mass_organization=mass,
                                           year=year, scheme=scheme, status="decided", proposed_level=level,
                                           decided_level=level, deciding_committee=province))
    bulk_create_with_history(rows, OrganizationRating, batch_size=2000)
    return len(rows)


def _titles(rng) -> int:
    """Titles beside the ratings (RULES §1): "trong sạch vững mạnh" among organizations rated HTXS, some of
    them exemplary; "chi bộ / đảng bộ bốn tốt" (TV-11) among those rated HTT or better from 2023."""
    rated = (OrganizationRating.objects.decided().filter(kind="party_org")
             .filter(Q(decided_level__code__in=["HTXS", "HTT"]))
             .values_list("organization_id", "organization__kind", "year", "decided_level__code")
             .order_by("organization_id", "year"))
    rows = []
    for org_id, kind, year, level in rated:
        if level == "HTXS" and rng.random() < 0.8:
            rows.append(RecognitionAward(organization_id=org_id, year=year,
                                         title="tsvm_typical" if rng.random() < 0.35 else "tsvm", decision="demo"))
        if year >= 2023 and rng.random() < 0.4:
            cell = kind in CELL_KINDS or kind == OrgKind.GRASSROOTS_CELL
            four_good = "four_good_cell" if cell else "four_good_committee"
            rows.append(RecognitionAward(organization_id=org_id, year=year, title=four_good, decision="demo"))
    bulk_create_with_history(rows, RecognitionAward, batch_size=2000)
    return len(rows)

