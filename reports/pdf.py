"""The PDF of a report (WeasyPrint), in the party's document format (RULES §6, Hướng dẫn 36-HD/VPTW).

Fonts: the bundled Liberation Serif 2.x TTF files (static/fonts, SIL OFL; Times New Roman metrics and all
146 Vietnamese letters) are declared here with @font-face, by absolute file URL, under a family name no
system has, "Liberation Serif Bundled" (fontconfig would otherwise be free to prefer an installed "Liberation
Serif", such as the 1.07 version Chromium pulls in, which lacks most Vietnamese letters): the PDF never
depends on the fonts a machine has, and a missing file is an error rather than a silent fallback. pdffonts
shows the embedded subsets as "Liberation-Serif-Bundled…". The layout is static/css/report.css. The charts'
SVG (core.charts) names its own font list; it is rewritten to the same family here, so chart labels use the
bundled font too."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from core import charts
from core.formatting import number
from reports.document import (
    COUNT,
    COUNT_SHARE,
    DELTA,
    MEASURE,
    PERCENT,
    RATIO,
    RESULT,
    STATUS,
    Document,
    Section,
    Table,
    fmt_count,
    fmt_measure,
    fmt_percent,
    fmt_ratio,
)

FAMILY = "Liberation Serif Bundled"


def static_dir() -> Path:
    return Path(settings.BASE_DIR) / "static"


def font_dir() -> Path:
    return Path(getattr(settings, "REPORTS_FONT_DIR", "") or static_dir() / "fonts")


@dataclass
class Cell:
    text: str = ""
    sub: str = ""
    mark: bool = False
    css: str = ""


@dataclass
class Part:
    title: str
    labels: list[str]
    rows: list[list[Cell]]
    footer: list[Cell] | None = None
    note: str = ""
    widths: list[str] = field(default_factory=list)  # CSS widths ("" for a column sharing the rest)

    @property
    def fixed(self) -> bool:
        return any(self.widths)


@dataclass
class SectionView:
    number: str
    title: str
    level: int
    paragraphs: list[str]
    charts: list[ChartView]
    parts: list[Part]
    subsections: list = field(default_factory=list)


def _delta(value, unit) -> str:
    if value is None:
        return ""
    text = number(abs(value))
    return ("+" if value > 0 else "−" if value < 0 else "") + text


def cell(kind: str, value) -> Cell:
    """One value as the page shows it (Vietnamese number format, targets.engine.formatting)."""
    if value is None or value == "":
        return Cell("—" if kind in (MEASURE, RESULT) else "", css="num" if kind != "text" else "")
    if kind == COUNT:
        return Cell(fmt_count(value), css="num")
    if kind == PERCENT:
        return Cell(fmt_percent(value), css="num")
    if kind == MEASURE:
        return Cell(fmt_measure(*value), css="num")
    if kind == RATIO:
        return Cell(fmt_ratio(*value), css="num")
    if kind == DELTA:
        return Cell(_delta(*value), css="num")
    if kind == COUNT_SHARE:
        count, pct = value
        return Cell(fmt_count(count), sub=fmt_percent(pct) if pct is not None else "", css="num")
    if kind == RESULT:
        sub = f"({fmt_ratio(value['numerator'], value['denominator'])})" if value.get("denominator") else ""
        return Cell(fmt_measure(value["value"], value["unit"]), sub=sub, mark=bool(value.get("not_met")), css="num")
    if kind == STATUS:
        return Cell(str(value), css="status")
    return Cell(str(value), css="text")


def parts_of(table: Table) -> list[Part]:
    """The table as the page prints it: workbook-only columns dropped, and split into several tables when it
    has more figure columns than fit across A4 portrait (the key columns — number, name — repeated)."""
    indexed = [(i, c) for i, c in enumerate(table.columns) if c.pdf]
    keys = [(i, c) for i, c in indexed if c.key]
    values = [(i, c) for i, c in indexed if not c.key]
    size = table.pdf_max_value_columns or len(values) or 1
    chunks = [values[s:s + size] for s in range(0, max(len(values), 1), size)] if values else [[]]
    parts = []
    for n, chunk in enumerate(chunks):
        columns = keys + chunk if keys else chunk
        columns.sort(key=lambda ic: ic[0])

        def render(row, columns=columns):
            return [cell(c.kind, row[i]) if i < len(row) else Cell() for i, c in columns]

        title = table.title if n == 0 else f"{table.title} (tiếp theo)"
        part = Part(title=title, labels=[c.label for _i, c in columns], rows=[render(r) for r in table.rows],
                    footer=render(table.footer) if table.footer else None,
                    note=table.note if n == len(chunks) - 1 else "",
                    widths=[f"{c.pdf_width:.2f}cm" if c.pdf_width else "" for _i, c in columns])
        for row in [*part.rows, *([part.footer] if part.footer else [])]:
            for (_i, c), rendered in zip(columns, row):
                if c.wrap:  # names and texts may wrap; figures stay on one line
                    rendered.css = "wrap"
                elif c.label == "STT":
                    rendered.css = "text"
        parts.append(part)
    return parts


@dataclass
class ChartView:
    svg: str
    caption: str


def _chart(svg: str) -> ChartView:
    """The chart with the bundled font, and its title (the SVG's <title>) as a caption under it."""
    found = re.search(r"<title[^>]*>(.*?)</title>", svg, re.S)
    caption = html.unescape(found.group(1)) if found else ""
    return ChartView(mark_safe(svg.replace(charts.FONT, f"font-family:'{FAMILY}'")), caption)


def section_view(section: Section, level: int = 1) -> SectionView:
    return SectionView(
        number=section.number, title=section.title, level=level, paragraphs=section.paragraphs,
        charts=[_chart(svg) for svg in section.charts],
        parts=[part for table in section.tables for part in parts_of(table)],
        subsections=[section_view(sub, level + 1) for sub in section.subsections])


def render_html(document: Document) -> str:
    return render_to_string("reports/document.html", {
        "doc": document, "h": document.header, "sections": [section_view(s) for s in document.sections]})


FACES = [("Regular", "normal", "normal"), ("Bold", "bold", "normal"), ("Italic", "normal", "italic"),
         ("BoldItalic", "bold", "italic")]


def font_faces_css() -> str:
    rules = []
    for name, weight, style in FACES:
        path = font_dir() / f"LiberationSerif-{name}.ttf"
        if not path.is_file():
            raise FileNotFoundError(f"the report font {path} is missing (static/fonts ships it)")
        rules.append(f'@font-face {{ font-family: "{FAMILY}"; src: url("{path.as_uri()}") format("truetype"); '
                     f"font-weight: {weight}; font-style: {style}; }}")
    return "\n".join(rules)


def render_pdf(document: Document) -> bytes:
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    stylesheets = [CSS(string=font_faces_css(), font_config=font_config),
                   CSS(filename=str(static_dir() / "css" / "report.css"), font_config=font_config)]
    html = HTML(string=render_html(document), base_url=str(font_dir()) + "/")
    return html.write_pdf(stylesheets=stylesheets, font_config=font_config)
