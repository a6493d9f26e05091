"""The report kinds: a registry, so a new report is one class. A kind declares its form (parameters), its
title, which organization it is about (the scope of access checks), and builds a ``Document`` from set-based
reads; the PDF and the Excel workbook are both drawn from that document, so their figures are the same.

The words of the documents are Vietnamese literals: a report is an official document in the party's
format (RULES §6), whose language does not follow the interface's. Labels that come from the application's
vocabularies (statuses, rating levels, meeting kinds) are rendered under the Vietnamese locale by
reports.services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import charts
from members.admissions.choices import ADMISSION_ATTRIBUTES
from members.admissions.queries import admissions_by_year
from members.ratings.models import RatingScheme
from members.register.statistics import composition, summary_sentence
from organizations.choices import TCCSD_KINDS, OrgKind
from organizations.models import Organization
from reports import forms, queries
from reports.document import (
    COUNT,
    COUNT_SHARE,
    DELTA,
    MEASURE,
    PERCENT,
    RATIO,
    RESULT,
    STATUS,
    TEXT,
    Column,
    Document,
    Section,
    Table,
    build_header,
    fmt_measure,
    fmt_ratio,
    share,
)
from targets.engine.choices import Family, Status, Unit
from targets.engine.compute import DRILL_KINDS
from targets.engine.formatting import band_of, beside_text, bounds_text, missing_text, rule_notes_text
from targets.engine.models import Attainment, Resolution

Progress = Callable[..., None]
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


class ReportError(Exception):
    """A report that cannot be built as asked; the message is shown to the user (after "Không tạo được báo
    cáo: ")."""


KINDS: dict[str, ReportKind] = {}


def register(cls):
    KINDS[cls.code] = cls()
    return cls


def get_kind(code: str) -> ReportKind:
    try:
        return KINDS[code]
    except KeyError:
        raise ReportError(_("Unknown report kind “%(kind)s”.") % {"kind": code}) from None


def _no_progress(percent: int, message: str = "") -> None:
    pass


def _cap(text: str) -> str:
    text = str(text)
    return text[:1].upper() + text[1:]


def _decap(text: str) -> str:
    """First letter lower case inside a sentence, unless the first word is an acronym ("TCCSĐ …")."""
    text = str(text)
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _int_param(params: dict, name: str) -> int:
    try:
        return int(params[name])
    except (KeyError, TypeError, ValueError):
        raise ReportError(_("The parameter “%(name)s” is missing or not a number.") % {"name": name}) from None


class ReportKind:
    code = ""
    label = ""
    description = ""
    form_class: type[forms.DocumentForm] = forms.DocumentForm
    document_type = "BC"
    doc_type_name = "BÁO CÁO"

    def organization(self, params: dict) -> Organization:
        org = Organization.objects.filter(pk=params.get("organization")).first()
        if org is None:
            raise ReportError(_("The organization of this report no longer exists."))
        return org

    def describe(self, params: dict) -> str:
        raise NotImplementedError

    def build(self, params: dict, progress: Progress = _no_progress) -> Document:
        raise NotImplementedError

    def _document(self, organization, params, *, subject: str, title: str) -> Document:
        return Document(kind=self.code, doc_type_name=self.doc_type_name, subject=subject, title=title,
                        header=build_header(organization, params, document_type=self.document_type))


# ------------------------------------------------------------------------------------- ratings, shared

def _scheme_levels(subject: str, year: int) -> list[tuple[str, str]]:
    scheme = RatingScheme.objects.for_year(subject, year).first()
    if scheme is None:
        return []
    return [(level.code, level.name) for level in scheme.levels.order_by("rank")]


def _levels_table(title: str, subject_label: str, levels, counts: dict[str, int], sheet: str) -> Table:
    """Levels × (count, share of those rated): one table of the rating statistics."""
    total = sum(counts.values())
    known = {code for code, _name in levels}
    rows = [[i, name, counts.get(code, 0), share(counts.get(code, 0), total)]
            for i, (code, name) in enumerate(levels, start=1)]
    other = sum(n for code, n in counts.items() if code not in known)
    if other:  # a level of an older scheme recorded in this year: kept, not lost
        rows.append([len(rows) + 1, "Mức khác", other, share(other, total)])
    return Table(title=title, sheet=sheet, columns=[
        Column("STT", COUNT, 6, key=True), Column("Mức xếp loại", TEXT, 40, key=True, wrap=True),
        Column(f"Số {subject_label}", COUNT, 14), Column("Tỷ lệ (%)", PERCENT, 12)],
        rows=rows, footer=["", "Tổng số được xếp loại", total, share(total, total) if total else None])


class RatingFigures:
    """Decided ratings of a year under an organization, by TCCSĐ (two statements)."""

    def __init__(self, organization: Organization, year: int):
        self.organization, self.year = organization, year
        self.day = queries.rating_day(organization.pk, year)
        self.members = queries.member_ratings_by_tccsd(organization.pk, year, self.day)
        self.own, self.below = queries.organization_ratings_by_tccsd(organization.pk, year, self.day)
        self.member_levels = _scheme_levels("member", year)
        self.org_levels = _scheme_levels("organization", year)

    def member_totals(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for counts in self.members.values():
            for code, n in counts.items():
                totals[code] = totals.get(code, 0) + n
        return totals

    def tccsd_totals(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for code in self.own.values():
            totals[code] = totals.get(code, 0) + 1
        return totals

    def per_tccsd_table(self, title: str, placed: list, counts: dict[int, dict[str, int]], levels, sheet: str,
                        subject_label: str) -> Table:
        columns = [Column("STT", COUNT, 6, key=True), Column("Tổ chức cơ sở đảng", TEXT, 45, key=True, wrap=True),
                   Column(f"Số {subject_label} được xếp loại", COUNT, 14, key=True)]
        columns += [Column(name, COUNT_SHARE, 12) for _code, name in levels]
        rows, grand = [], {code: 0 for code, _n in levels}
        for i, org in enumerate(placed, start=1):
            mine = counts.get(org.id, {})
            total = sum(mine.values())
            rows.append([i, org.name, total] + [(mine.get(code, 0), share(mine.get(code, 0), total))
                                                 for code, _n in levels])
            for code, _n in levels:
                grand[code] += mine.get(code, 0)
        total = sum(grand.values())
        footer = ["", "Cộng", total] + [(grand[code], share(grand[code], total)) for code, _n in levels]
        return Table(title=title, sheet=sheet, columns=columns, rows=rows, footer=footer, pdf_max_value_columns=5)


def _tccsd_placed(organization: Organization, day: dt.date) -> list[queries.Placed]:
    placed = queries.placed_under(organization.pk, day, day)
    return sorted((p for p in placed.values() if p.kind in TCCSD_KINDS), key=lambda p: p.path)


# ------------------------------------------------------------------------- 1. year-end resolution report

GROUPS = [
    ("ratings", "Công tác đánh giá, xếp loại chất lượng tổ chức đảng và đảng viên", "Xếp loại",
     {Family.R_ORG, Family.R_MEM, Family.T_ORG, Family.MASS, Family.UNIT}),
    ("meetings", "Công tác sinh hoạt chi bộ", "Sinh hoạt chi bộ", {Family.MEET, Family.DOC}),
    ("inspections", "Công tác kiểm tra, giám sát và thi hành kỷ luật đảng", "Kiểm tra giám sát", {Family.INSP}),
    ("admissions", "Công tác phát triển đảng viên", "Phát triển đảng viên", {Family.ADM}),
    ("other", "Các chỉ tiêu khác", "Chỉ tiêu khác", {Family.REP, Family.MODEL, Family.DUE}),
]
JUDGED_OK = {Status.MET, Status.EXCEEDED}


def _result(attainment, target) -> dict | None:
    if attainment is None:
        return None
    return {"value": attainment.value, "unit": target.unit, "numerator": attainment.numerator,
            "denominator": attainment.denominator if target.unit == Unit.PERCENT else None,
            "status": attainment.status, "label": _cap(Status(attainment.status).label),
            "not_met": attainment.status == Status.NOT_MET}


@register
class ResolutionYear(ReportKind):
    code = "resolution_year"
    label = gettext_lazy("Year-end report on a resolution")
    description = gettext_lazy("Each target's result (numerator/denominator, status) compared with the previous year, "
                               "tables per grassroots organization, charts, and the areas of work.")
    form_class = forms.ResolutionYearForm

    def resolution(self, params: dict) -> Resolution:
        resolution = Resolution.objects.select_related("scope").filter(pk=params.get("resolution")).first()
        if resolution is None:
            raise ReportError(_("The resolution of this report no longer exists."))
        if resolution.scope_id is None:
            raise ReportError(_("The resolution “%(resolution)s” is not attached to an organization.")
                              % {"resolution": resolution.code})
        return resolution

    def organization(self, params: dict) -> Organization:
        if params.get("organization"):
            return super().organization(params)
        return self.resolution(params).scope

    def describe(self, params: dict) -> str:
        resolution = Resolution.objects.filter(pk=params.get("resolution")).first()
        org = Organization.objects.filter(pk=params.get("organization")).first()
        what = resolution.code if resolution else "?"
        return f"Kết quả thực hiện {what} năm {params.get('year')} — {org.name if org else ''}".strip(" —")

    def build(self, params: dict, progress: Progress = _no_progress) -> Document:
        resolution = self.resolution(params)
        organization = self.organization(params)
        year = _int_param(params, "year")
        if not organization.path.startswith(resolution.scope.path):
            raise ReportError(_("“%(org)s” is not under the organization the resolution measures.")
                              % {"org": organization})
        targets = list(resolution.targets.filter(active=True).order_by("order", "code"))
        if not targets:
            raise ReportError(_("The resolution “%(resolution)s” has no targets.") % {"resolution": resolution.code})
        for target in targets:
            target.resolution = resolution  # shared object: no query per target
        years = set(resolution.years).union(*(t.years for t in targets))
        if year not in years:
            raise ReportError(_("The resolution runs from %(first)d to %(last)d.")
                              % {"first": min(years), "last": max(years)})
        progress(15, "Đọc kết quả các chỉ tiêu")

        # The organization's own figures of every year so far (the results, the previous year, the trends).
        own = {(a.target_id, a.year): a for a in Attainment.objects.filter(
            target__in=targets, organization=organization, year__lte=year)}
        # The organizations under it that have figures of their own (grassroots organizations, and directly
        # subordinate committees under a provincial scope), as placed during the year.
        placed = queries.placed_under(organization.pk, dt.date(year, 1, 1), dt.date(year, 12, 31))
        subs = sorted((p for p in placed.values() if p.kind in DRILL_KINDS and p.id != organization.pk),
                      key=lambda p: p.path)
        sub_rows: dict[tuple[int, int], Attainment] = {
            (a.target_id, a.organization_id): a for a in Attainment.objects.filter(
                target__in=targets, year=year, organization_id__in=[p.id for p in subs])}
        subs = [p for p in subs if any((t.pk, p.id) in sub_rows for t in targets)]
        progress(30, "Tổng hợp số liệu")

        header_name = placed.get(organization.pk).name if organization.pk in placed else organization.name
        doc = self._document(organization, params, title=self.describe(params),
                             subject=f"Kết quả năm {year} thực hiện {resolution.title}")
        issued = f" ngày {resolution.issued_on:%d/%m/%Y}" if resolution.issued_on else ""
        doc.intro.append(
            f"Thực hiện {resolution.get_kind_display().lower()} {resolution.number}{issued} của "
            f"{resolution.issuer_name} ({resolution.title}), {header_name} "
            f"báo cáo kết quả thực hiện năm {year} như sau:")
        doc.facts = [("Nghị quyết", f"{resolution.number} — {resolution.title}"), ("Tổ chức", header_name),
                     ("Năm", str(year))]

        # I. Situation
        day = min(dt.date(year, 12, 31), timezone.localdate())
        comp = composition(organization, day)
        if organization.kind in TCCSD_KINDS:
            situation = (f"Tính đến ngày {day:%d/%m/%Y}, {header_name} có {comp.cells_total} chi bộ với tổng số "
                         f"đảng viên là {comp.total}.") if organization.kind == OrgKind.GRASSROOTS_COMMITTEE else (
                f"Tính đến ngày {day:%d/%m/%Y}, {header_name} có {comp.total} đảng viên.")
        else:
            situation = f"Tính đến ngày {day:%d/%m/%Y}, {header_name} có {summary_sentence(comp)}"
        doc.sections.append(Section("I", "Đặc điểm tình hình", paragraphs=[situation]))
        progress(40, "Kết quả các chỉ tiêu")

        # II. Results of the targets
        summary = self._summary(targets, own, year)
        doc.summary = summary
        counts = {}
        for target in targets:
            a = own.get((target.pk, year))
            counts[a.status if a else Status.NO_DATA] = counts.get(a.status if a else Status.NO_DATA, 0) + 1
        judged = sum(n for s, n in counts.items() if s != Status.NOT_JUDGED)
        ok = counts.get(Status.MET, 0) + counts.get(Status.EXCEEDED, 0)
        results = Section("II", "Kết quả thực hiện các chỉ tiêu", sheet="", paragraphs=[
            f"Năm {year}, trong {len(targets)} chỉ tiêu của nghị quyết có {ok}/{judged} chỉ tiêu được đánh giá "
            f"đạt hoặc vượt, {counts.get(Status.NOT_MET, 0)} chỉ tiêu không đạt, {counts.get(Status.NO_DATA, 0)} "
            f"chỉ tiêu chưa đủ dữ liệu để đánh giá"
            + (f", {counts[Status.NOT_JUDGED]} chỉ tiêu theo dõi không đánh giá." if counts.get(Status.NOT_JUDGED)
               else ".")],
            tables=[summary])
        percent_now = [(t.code, own[(t.pk, year)].value) for t in targets
                       if t.unit == Unit.PERCENT and (t.pk, year) in own and own[(t.pk, year)].value is not None]
        if percent_now:
            results.charts.append(charts.hbar_chart(percent_now, title=f"Tỷ lệ đạt được của các chỉ tiêu năm {year}",
                                                    unit="%", label_width=90, width=620))
        notes = [f"{t.code}: {missing_text(own[(t.pk, year)].missing)}" for t in targets
                 if (t.pk, year) in own and own[(t.pk, year)].missing]
        if notes:
            summary.note = "Chưa đủ dữ liệu — " + "; ".join(notes) + "."
        # What a party rule makes of a figure (the 20% cap's bound, a changed basis), as on the pages.
        rules = [f"{t.code}: {rule_notes_text(own[(t.pk, year)])}" for t in targets
                 if (t.pk, year) in own and rule_notes_text(own[(t.pk, year)])]
        if rules:
            summary.note = " ".join(filter(None, [summary.note, "Lưu ý theo quy định — " + " ".join(rules)]))
        # The figure kept beside the judged one (QT-4b's pooled rate, or its share of meetings), as on the pages.
        besides = [f"{t.code}: {beside_text(own[(t.pk, year)])}" for t in targets
                   if (t.pk, year) in own and beside_text(own[(t.pk, year)])]
        if besides:
            summary.note = " ".join(filter(None, [summary.note, "Số liệu đối chiếu — " + "; ".join(besides) + "."]))
        doc.sections.append(results)
        progress(50, "Các mặt công tác")

        # III. By area of work, each with its targets per organization and short counts of the records.
        areas = Section("III", "Kết quả trên các mặt công tác")
        number = 0
        for key, title, sheet, families in GROUPS:
            group = [t for t in targets if t.family in families]
            if key == "other" and not group:
                continue
            number += 1
            section = Section(f"{number}.", title, sheet=sheet)
            self._trend(section, group, own, year)
            getattr(self, f"_counts_{key}")(section, organization, year)
            if group and subs:
                section.tables.append(self._per_organization(group, subs, sub_rows, year, sheet))
            if not section.paragraphs and not section.tables:
                section.paragraphs.append("Không có chỉ tiêu và số liệu của mặt công tác này trong năm.")
            areas.subsections.append(section)
        doc.sections.append(areas)
        progress(60, "Đánh giá chung")

        # IV. Overall assessment, from the statuses.
        not_met = [f"{t.code} ({_decap(t.short_text)})" for t in targets
                   if (t.pk, year) in own and own[(t.pk, year)].status == Status.NOT_MET]
        met = [t.code for t in targets if (t.pk, year) in own and own[(t.pk, year)].status in JUDGED_OK]
        overall = [f"Các chỉ tiêu đạt và vượt: {', '.join(met)}." if met else "Chưa có chỉ tiêu nào được đánh giá đạt."]
        if not_met:
            overall.append(f"Các chỉ tiêu chưa đạt: {'; '.join(not_met)}. Cần tập trung chỉ đạo khắc phục trong năm "
                           f"{year + 1}.")
        doc.sections.append(Section("IV", "Đánh giá chung", paragraphs=overall))
        doc.closing.append(f"Trên đây là báo cáo kết quả thực hiện nghị quyết năm {year} của {header_name}.")
        return doc

    # ------------------------------------------------------------------------------------------ parts

    def _summary(self, targets, own, year) -> Table:
        rows = []
        for i, target in enumerate(targets, start=1):
            a, prev = own.get((target.pk, year)), own.get((target.pk, year - 1))
            value = a.value if a else None
            numerator = a.numerator if a else None
            if target.unit == Unit.COUNT and a is not None and value is None:
                value = numerator
            delta = (value - prev.value) if (a and prev and value is not None and prev.value is not None) else None
            rows.append([
                i, target.code, target.short_text, bounds_text(target),
                (prev.value if prev else None, target.unit), (value, target.unit),
                (a.numerator, a.denominator) if (a and target.unit == Unit.PERCENT) else None,
                (delta, target.unit),
                _cap(Status(a.status).label) if a else "Chưa có số liệu",
                "; ".join(filter(None, [beside_text(a), " ".join(filter(None, [missing_text(a.missing),
                                                                               rule_notes_text(a)]))])) if a else "",
            ])
        # On the page the target's text takes what the figures leave; the change from the previous year and
        # the notes are in the workbook (the page prints the notes under the table).
        return Table(title=f"Kết quả thực hiện các chỉ tiêu năm {year}", sheet="Tổng hợp", columns=[
            Column("STT", COUNT, 6, pdf_width=0.9), Column("Mã", TEXT, 10, pdf_width=1.9),
            Column("Chỉ tiêu", TEXT, 50, wrap=True), Column("Mục tiêu", STATUS, 14, pdf_width=1.8),
            Column(f"Năm {year - 1}", MEASURE, 12, pdf_width=1.5), Column(f"Năm {year}", MEASURE, 12, pdf_width=1.5),
            Column("Tử số/mẫu số", RATIO, 14, pdf_width=2.2), Column("Tăng/giảm", DELTA, 11, pdf=False),
            Column("Đánh giá", STATUS, 16, pdf_width=2.0), Column("Ghi chú", TEXT, 50, wrap=True, pdf=False)],
            rows=rows)

    def _trend(self, section: Section, group, own, year) -> None:
        """A line chart of the organization's percentage targets of this area over the years (at most four
        series per chart, so the legend stays readable), and a sentence per target."""
        for target in group:
            a = own.get((target.pk, year))
            if a is None:
                continue
            text = f"{target.code} — {target.short_text} (mục tiêu {bounds_text(target)}): "
            if a.value is None:
                text += "chưa có số liệu"
            else:
                text += fmt_measure(a.value, target.unit)
                if target.unit == Unit.PERCENT and a.denominator:
                    text += f" ({fmt_ratio(a.numerator, a.denominator)})"
            text += f", {Status(a.status).label}."
            if beside := beside_text(a):
                text += f" {beside}."
            section.paragraphs.append(text)
        percent = [t for t in group if t.unit == Unit.PERCENT]
        for start in range(0, len(percent), 4):
            chunk = percent[start:start + 4]
            first = min(t.first_year for t in chunk)
            labels = [str(y) for y in range(first, year + 1)]
            series = [(t.code, [own[(t.pk, int(y))].value if (t.pk, int(y)) in own else None for y in labels])
                      for t in chunk]
            if not any(v is not None for _c, values in series for v in values):
                continue
            band = band_of(chunk[0], f"Mục tiêu {bounds_text(chunk[0])}") if len(chunk) == 1 else None
            section.charts.append(charts.line_chart(labels, series, title=f"{section.title}: diễn biến qua các năm",
                                                    unit="%", band=band, width=620, height=240))

    def _per_organization(self, group, subs, sub_rows, year, sheet) -> Table:
        columns = [Column("STT", COUNT, 6, key=True, pdf_width=0.9),
                   Column("Tổ chức đảng", TEXT, 45, key=True, wrap=True)]
        columns += [Column(t.code, RESULT, 12, pdf_width=2.2) for t in group]
        columns.append(Column("Chỉ tiêu đạt", RATIO, 10, pdf_width=1.7))
        rows = []
        for i, org in enumerate(subs, start=1):
            row: list = [i, org.name]
            ok = judged = 0
            for target in group:
                a = sub_rows.get((target.pk, org.id))
                row.append(_result(a, target))
                if a is not None and a.status not in (Status.NOT_JUDGED, Status.NO_DATA):
                    judged += 1
                    ok += a.status in JUDGED_OK
            row.append((ok, judged) if judged else None)
            rows.append(row)
        return Table(title=f"Kết quả theo từng tổ chức cơ sở đảng năm {year}", sheet=sheet, columns=columns, rows=rows,
                     note="Mỗi ô: kết quả (tử số/mẫu số); (*) chưa đạt mục tiêu.", pdf_max_value_columns=4)

    # ----------------------------------------------------------------------------------- short counts

    def _counts_ratings(self, section: Section, organization, year) -> None:
        figures = RatingFigures(organization, year)
        members, tccsd = figures.member_totals(), figures.tccsd_totals()
        if sum(members.values()):
            section.tables.append(_levels_table(f"Kết quả xếp loại chất lượng đảng viên năm {year}", "đảng viên",
                                                figures.member_levels, members, section.sheet))
        if sum(tccsd.values()):
            section.tables.append(_levels_table(f"Kết quả xếp loại chất lượng tổ chức cơ sở đảng năm {year}",
                                                "tổ chức", figures.org_levels, tccsd, section.sheet))

    def _counts_meetings(self, section: Section, organization, year) -> None:
        from meetings.choices import MeetingKind

        counts = queries.meeting_counts(organization.pk, year)
        if not counts:
            return
        rows = [[i, _cap(label), counts.get(value, 0)] for i, (value, label) in enumerate(MeetingKind.choices, start=1)]
        section.tables.append(Table(title=f"Số cuộc sinh hoạt được ghi nhận năm {year}", sheet=section.sheet, columns=[
            Column("STT", COUNT, 6), Column("Loại sinh hoạt", TEXT, 45, wrap=True), Column("Số cuộc", COUNT, 12)],
            rows=rows, footer=["", "Cộng", sum(counts.values())]))

    def _counts_inspections(self, section: Section, organization, year) -> None:
        from inspections.choices import Activity
        from inspections.models import DisciplineForm

        counts = queries.inspection_counts(organization.pk, year)
        if counts:
            rows = [[i, _cap(label), *counts.get(value, (0, 0, 0))]
                    for i, (value, label) in enumerate(Activity.choices, start=1)]
            section.tables.append(Table(title=f"Kiểm tra, giám sát năm {year}", sheet=section.sheet, columns=[
                Column("STT", COUNT, 6), Column("Hoạt động", TEXT, 30), Column("Số cuộc", COUNT, 12),
                Column("Số đảng viên", COUNT, 14), Column("Số tổ chức đảng", COUNT, 14)], rows=rows))
        discipline = queries.discipline_counts(organization.pk, year)
        if discipline:
            rows = [[i, _cap(label), discipline.get((value, True), 0), discipline.get((value, False), 0)]
                    for i, (value, label) in enumerate(DisciplineForm.choices, start=1)]
            section.tables.append(Table(title=f"Thi hành kỷ luật năm {year}", sheet=section.sheet, columns=[
                Column("STT", COUNT, 6), Column("Hình thức kỷ luật", TEXT, 30), Column("Đảng viên", COUNT, 12),
                Column("Tổ chức đảng", COUNT, 14)], rows=rows,
                footer=["", "Cộng", sum(n for (_f, m), n in discipline.items() if m),
                        sum(n for (_f, m), n in discipline.items() if not m)]))
        if not counts and not discipline:
            section.paragraphs.append(f"Không có cuộc kiểm tra, giám sát hay quyết định kỷ luật nào được ghi nhận năm "
                                      f"{year}.")

    def _counts_admissions(self, section: Section, organization, year) -> None:
        figures = admissions_by_year([organization.pk], [year - 1, year])[organization.pk]
        keys = [(k, label) for k, label in ADMISSION_ATTRIBUTES if k in ("total", "female", "ethnic_minority",
                                                                         "youth_union", "outstanding")]
        rows = []
        for i, (key, label) in enumerate(keys, start=1):
            before, now = figures[year - 1][key], figures[year][key]
            rows.append([i, _cap(label), before, now, (Decimal(now - before), Unit.COUNT)])
        section.tables.append(Table(title=f"Kết nạp đảng viên năm {year} so với năm {year - 1}", sheet=section.sheet,
                                    columns=[Column("STT", COUNT, 6), Column("Đảng viên kết nạp", TEXT, 40, wrap=True),
                                             Column(f"Năm {year - 1}", COUNT, 12), Column(f"Năm {year}", COUNT, 12),
                                             Column("Tăng/giảm", DELTA, 11)], rows=rows))

    def _counts_other(self, section: Section, organization, year) -> None:
        return None


# ----------------------------------------------------------------------------- 2. rating statistics

@register
class RatingStatistics(ReportKind):
    code = "rating_statistics"
    label = gettext_lazy("Rating statistics")
    description = gettext_lazy("Organizations and members by rating level (counts and shares), per grassroots "
                               "organization.")
    form_class = forms.RatingStatisticsForm

    def describe(self, params: dict) -> str:
        org = Organization.objects.filter(pk=params.get("organization")).first()
        return f"Thống kê xếp loại chất lượng năm {params.get('year')} — {org.name if org else ''}".strip(" —")

    def build(self, params: dict, progress: Progress = _no_progress) -> Document:
        organization = self.organization(params)
        year = _int_param(params, "year")
        progress(15, "Đọc kết quả xếp loại")
        figures = RatingFigures(organization, year)
        placed = _tccsd_placed(organization, figures.day)
        progress(40, "Lập bảng")
        doc = self._document(organization, params, title=self.describe(params),
                             subject=f"Kết quả đánh giá, xếp loại chất lượng tổ chức đảng và đảng viên năm {year}")
        doc.intro.append(f"Kết quả đánh giá, xếp loại chất lượng năm {year} đã được cấp có thẩm quyền quyết định, tính "
                         f"đến ngày {figures.day:%d/%m/%Y}, như sau:")
        doc.facts = [("Tổ chức", organization.name), ("Năm", str(year)), ("Ngày tính", f"{figures.day:%d/%m/%Y}")]
        members = figures.member_totals()
        member_table = _levels_table(f"Xếp loại chất lượng đảng viên năm {year}", "đảng viên", figures.member_levels,
                                     members, "Tổng hợp")
        doc.summary = member_table
        first = Section("I", "Xếp loại chất lượng tổ chức cơ sở đảng", sheet="TCCSĐ", tables=[
            _levels_table(f"Xếp loại chất lượng tổ chức cơ sở đảng năm {year}", "tổ chức", figures.org_levels,
                          figures.tccsd_totals(), "TCCSĐ")])
        own_rows = []
        names = dict(figures.org_levels)
        for i, org in enumerate(placed, start=1):
            code = figures.own.get(org.id)
            own_rows.append([i, org.name, names.get(code, code or "Chưa xếp loại")])
        first.tables.append(Table(title="Mức xếp loại của từng tổ chức cơ sở đảng", sheet="TCCSĐ", columns=[
            Column("STT", COUNT, 6), Column("Tổ chức cơ sở đảng", TEXT, 50, wrap=True),
            Column("Mức xếp loại", TEXT, 36, wrap=True)], rows=own_rows))
        second = Section("II", "Xếp loại chất lượng đảng viên", sheet="Đảng viên", tables=[
            member_table, figures.per_tccsd_table("Xếp loại chất lượng đảng viên theo từng tổ chức cơ sở đảng", placed,
                                                  figures.members, figures.member_levels, "Đảng viên", "đảng viên")])
        total = sum(members.values())
        if total:
            second.charts.append(charts.hbar_chart(
                [(name, share(members.get(code, 0), total)) for code, name in figures.member_levels],
                title=f"Tỷ lệ đảng viên theo mức xếp loại năm {year}", unit="%", width=620, label_width=230))
        progress(60, "Chi bộ trực thuộc")
        committees = [p for p in placed if p.kind == OrgKind.GRASSROOTS_COMMITTEE]
        third = Section("III", "Xếp loại chất lượng chi bộ, đảng bộ bộ phận trực thuộc đảng ủy cơ sở",
                        sheet="Chi bộ trực thuộc")
        if committees:
            third.tables.append(figures.per_tccsd_table(
                "Xếp loại chất lượng tổ chức đảng trực thuộc theo từng đảng bộ cơ sở", committees, figures.below,
                figures.org_levels, "Chi bộ trực thuộc", "tổ chức"))
        else:
            third.paragraphs.append("Không có đảng bộ cơ sở.")
        doc.sections += [first, second, third]
        doc.closing.append(f"Trên đây là kết quả đánh giá, xếp loại chất lượng năm {year}.")
        return doc


# ------------------------------------------------------------------------------------ 3. composition

@register
class CompositionReport(ReportKind):
    code = "composition"
    label = gettext_lazy("Member composition")
    description = gettext_lazy("Party organizations, and members by education, political theory, gender, age, "
                               "ethnicity and religion, on a date.")
    form_class = forms.CompositionForm

    def _day(self, params) -> dt.date:
        try:
            return dt.date.fromisoformat(params["day"])
        except (KeyError, TypeError, ValueError):
            raise ReportError(_("The parameter “%(name)s” is missing or not a date.") % {"name": "day"}) from None

    def describe(self, params: dict) -> str:
        org = Organization.objects.filter(pk=params.get("organization")).first()
        day = params.get("day", "")
        try:
            day = dt.date.fromisoformat(day).strftime("%d/%m/%Y")
        except ValueError:
            pass
        return f"Cơ cấu đảng viên ngày {day} — {org.name if org else ''}".strip(" —")

    def build(self, params: dict, progress: Progress = _no_progress) -> Document:
        organization = self.organization(params)
        day = self._day(params)
        progress(20, "Đọc danh sách đảng viên")
        comp = composition(organization, day)
        progress(50, "Lập bảng")
        doc = self._document(organization, params, title=self.describe(params),
                             subject=f"Cơ cấu, thành phần đảng viên tính đến ngày {day:%d/%m/%Y}")
        doc.intro.append(f"Tính đến ngày {day:%d/%m/%Y}, {organization.name} có {summary_sentence(comp)}")
        doc.facts = [("Tổ chức", organization.name), ("Ngày", f"{day:%d/%m/%Y}"), ("Tổng số đảng viên",
                                                                                   str(comp.total))]
        org_rows = [[1, "Đảng bộ cơ sở", comp.tccsd_by_kind.get(OrgKind.GRASSROOTS_COMMITTEE, 0)],
                    [2, "Chi bộ cơ sở", comp.tccsd_by_kind.get(OrgKind.GRASSROOTS_CELL, 0)],
                    [3, "Chi bộ (cơ sở và trực thuộc)", comp.cells_total]]
        orgs = Section("I", "Tổ chức đảng", sheet="Tổ chức đảng", tables=[Table(
            title="Số tổ chức đảng", sheet="Tổ chức đảng", columns=[
                Column("STT", COUNT, 6), Column("Loại tổ chức", TEXT, 40), Column("Số lượng", COUNT, 12)],
            rows=org_rows, footer=["", "Tổng số tổ chức cơ sở đảng", comp.tccsd_total])])
        members = Section("II", "Đảng viên", sheet="Đảng viên")
        summary_rows = []
        for number, breakdown in enumerate(comp.breakdowns, start=1):
            table = Table(title=f"Đảng viên theo {breakdown.title.lower()}", sheet="Đảng viên", columns=[
                Column("STT", COUNT, 6), Column(_cap(breakdown.title), TEXT, 40, wrap=True),
                Column("Số đảng viên", COUNT, 14), Column("Tỷ lệ (%)", PERCENT, 12)],
                rows=[[i, row.label, row.count, share(row.count, breakdown.total)]
                      for i, row in enumerate(breakdown.rows, start=1)],
                footer=["", "Cộng", breakdown.total, share(breakdown.total, breakdown.total)])
            sub = Section(f"{number}.", f"Theo {breakdown.title.lower()}", tables=[table], sheet="Đảng viên")
            if breakdown.key in ("professional_level", "political_theory", "age") and breakdown.total:
                sub.charts.append(charts.hbar_chart(
                    [(row.label, share(row.count, breakdown.total)) for row in breakdown.rows],
                    title=f"Đảng viên theo {breakdown.title.lower()} (%)", unit="%", width=620, label_width=230))
            members.subsections.append(sub)
            summary_rows += [[breakdown.title, row.label, row.count, share(row.count, breakdown.total)]
                             for row in breakdown.rows]
        doc.summary = Table(title=f"Cơ cấu đảng viên ngày {day:%d/%m/%Y}", sheet="Tổng hợp", columns=[
            Column("Tiêu chí", TEXT, 28), Column("Nhóm", TEXT, 40), Column("Số đảng viên", COUNT, 14),
            Column("Tỷ lệ (%)", PERCENT, 12)], rows=summary_rows)
        doc.sections += [orgs, members]
        doc.closing.append(f"Trên đây là báo cáo cơ cấu, thành phần đảng viên của {organization.name}.")
        return doc

