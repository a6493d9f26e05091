"""Server-rendered SVG charts: one renderer for the dashboards and the PDF reports.

Plain SVG strings (no JavaScript, no external font or stylesheet), so the same markup works inline in a
page, in WeasyPrint and when printed. Each chart carries ``role="img"``, a ``<title>`` and a ``<desc>``
listing every value in words, so screen readers and text extraction read the figures; numbers are written
the Vietnamese way (decimal comma) through ``core.formatting.number``. Colours come with patterns or
labels, never alone."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from core.formatting import number

PALETTE = ["#1f5fa8", "#c0392b", "#2e8b57", "#d4a017", "#7b4ea3", "#17879b", "#a0522d", "#5d6d7e"]
FONT = "font-family:'Liberation Serif','Tinos','Times New Roman',serif"
_ids = itertools.count(1)


@dataclass
class Band:
    """The target drawn behind a series: from ``low`` to ``high`` (either may be None: open-ended)."""

    low: float | None
    high: float | None
    label: str = ""


def _text(x, y, text, *, size=11, anchor="start", weight="normal", fill="#222") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" font-weight="{weight}" '
            f'fill="{fill}" style="{FONT}">{escape(str(text))}</text>')


def _open(width, height, title, desc) -> tuple[str, str]:
    uid = next(_ids)
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
            f'preserveAspectRatio="xMidYMid meet" role="img" aria-labelledby="chart-t{uid} chart-d{uid}" '
            f'class="chart" style="max-width:{width}px">'
            f'<title id="chart-t{uid}">{escape(title)}</title><desc id="chart-d{uid}">{escape(desc)}</desc>')
    return head, "</svg>"


def _fmt(value, unit) -> str:
    if value is None:
        return "—"
    return f"{number(value)}%" if unit == "%" else number(value)


def _scale_max(values, band: Band | None, unit: str) -> float:
    top = max([float(v) for v in values if v is not None] + [0.0])
    if band:
        top = max(top, float(band.high or 0), float(band.low or 0))
    if unit == "%":
        return 100.0 if top <= 100 else top * 1.1
    if top <= 0:
        return 1.0
    return top * 1.15


def hbar_chart(rows: list[tuple[str, float | Decimal | None]], *, title: str, unit: str = "", band: Band | None = None,
               width: int = 640, label_width: int = 200) -> str:
    """Horizontal bars, one per (label, value): composition breakdowns, subordinate organizations."""
    bar_h, gap, top_pad = 18, 6, 8
    height = top_pad * 2 + len(rows) * (bar_h + gap) + 16
    plot_w = width - label_width - 70
    vmax = _scale_max([v for _, v in rows], band, unit)
    desc = "; ".join(f"{label}: {_fmt(value, unit)}" for label, value in rows)
    head, tail = _open(width, height, title, desc)
    parts = [head]
    x0 = label_width
    if band:
        lo = 0 if band.low is None else float(band.low)
        hi = vmax if band.high is None else float(band.high)
        bx, bw = x0 + plot_w * lo / vmax, plot_w * (hi - lo) / vmax
        parts.append(f'<rect x="{bx:.1f}" y="{top_pad - 4}" width="{max(bw, 1.5):.1f}" height="{height - 2 * top_pad}" '
                     f'fill="#2e8b57" fill-opacity="0.12" stroke="#2e8b57" stroke-dasharray="4 3"/>')
    for i, (label, value) in enumerate(rows):
        y = top_pad + i * (bar_h + gap)
        parts.append(_text(x0 - 6, y + bar_h - 5, _truncate(label, 34), anchor="end"))
        w = 0 if value is None else plot_w * float(value) / vmax
        parts.append(f'<rect x="{x0}" y="{y}" width="{max(w, 0):.1f}" height="{bar_h}" fill="{PALETTE[0]}"/>')
        parts.append(_text(x0 + w + 4, y + bar_h - 5, _fmt(value, unit)))
    parts.append(f'<line x1="{x0}" y1="{top_pad - 4}" x2="{x0}" y2="{height - top_pad}" stroke="#555"/>')
    if band and band.label:
        parts.append(_text(x0 + plot_w, height - 4, band.label, anchor="end", size=10, fill="#2e6b47"))
    parts.append(tail)
    return "".join(parts)


def line_chart(labels: list[str], series: list[tuple[str, list[float | Decimal | None]]], *, title: str,
               unit: str = "", band: Band | None = None, width: int = 640, height: int = 260) -> str:
    """Values over years (one or more series) with the target band drawn behind them."""
    left, right, top, bottom = 48, 16, 14, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for _, vals in series for v in vals]
    vmax = _scale_max(values, band, unit)
    n = max(len(labels), 1)

    def x(i):
        return left + (plot_w * (i + 0.5) / n)

    def y(v):
        return top + plot_h - plot_h * float(v) / vmax

    desc = "; ".join(f"{name}: " + ", ".join(f"{lab} {_fmt(v, unit)}" for lab, v in zip(labels, vals))
                     for name, vals in series)
    if band:
        desc += f"; {band.label}" if band.label else ""
    head, tail = _open(width, height, title, desc)
    parts = [head]
    if band:
        lo = 0 if band.low is None else float(band.low)
        hi = vmax if band.high is None else float(band.high)
        parts.append(f'<rect x="{left}" y="{y(hi):.1f}" width="{plot_w}" height="{max(y(lo) - y(hi), 1.5):.1f}" '
                     f'fill="#2e8b57" fill-opacity="0.12" stroke="#2e8b57" stroke-dasharray="4 3"/>')
        if band.label:
            parts.append(_text(left + plot_w - 2, y(hi) - 3, band.label, anchor="end", size=10, fill="#2e6b47"))
    for k in range(5):  # gridlines and axis labels
        v = vmax * k / 4
        parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#ddd"/>')
        parts.append(_text(left - 4, y(v) + 4, _fmt(round(v, 1), unit), anchor="end", size=10))
    for i, lab in enumerate(labels):
        parts.append(_text(x(i), height - bottom + 16, lab, anchor="middle", size=11))
    markers = ["circle", "square", "diamond"]
    for s, (_name, vals) in enumerate(series):
        colour = PALETTE[s % len(PALETTE)]
        points = [(x(i), y(v)) for i, v in enumerate(vals) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
            dash = ' stroke-dasharray="6 3"' if s % 2 else ""  # the second series differs by more than colour
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
        for i, v in enumerate(vals):
            if v is None:
                continue
            px, py = x(i), y(v)
            shape = markers[s % len(markers)]
            if shape == "circle":
                parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="4" fill="{colour}"/>')
            elif shape == "square":
                parts.append(f'<rect x="{px - 4:.1f}" y="{py - 4:.1f}" width="8" height="8" fill="{colour}"/>')
            else:
                parts.append(f'<path d="M{px:.1f} {py - 5:.1f} L{px + 5:.1f} {py:.1f} L{px:.1f} {py + 5:.1f} '
                             f'L{px - 5:.1f} {py:.1f}Z" fill="{colour}"/>')
            parts.append(_text(px, py - 7, _fmt(v, unit), anchor="middle", size=10))
    if len(series) > 1:  # legend
        for s, (name, _) in enumerate(series):
            lx = left + s * 160
            fill = PALETTE[s % len(PALETTE)]
            parts.append(f'<rect x="{lx}" y="{height - 14}" width="10" height="10" fill="{fill}"/>')
            parts.append(_text(lx + 14, height - 5, _truncate(name, 24), size=10))
    parts.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#555"/>')
    parts.append(tail)
    return "".join(parts)


def _truncate(text: str, n: int) -> str:
    text = str(text)
    return text if len(text) <= n else text[: n - 1] + "…"


def _share(count, total) -> Decimal | None:
    if not total:
        return None
    return Decimal(count) * 100 / Decimal(total)


def _count_and_share(count, total) -> str:
    """"12 (45,5%)": the count with its share of the total (the share omitted when there is no total)."""
    share = _share(count, total)
    return number(count) if share is None else f"{number(count)} ({number(share)}%)"


def share_bar_chart(rows: list[tuple[str, int]], *, title: str, total: int | None = None, summary: str = "",
                    width: int = 640, label_width: int = 200) -> str:
    """Horizontal bars of counts, each written as its count and its share of ``total`` ("12 (45,5%)"):
    the composition breakdowns. Bars are scaled by share (0–100%), so two breakdowns of one membership
    compare by eye. ``total`` defaults to the sum of the rows; ``summary`` opens the description."""
    total = sum(int(c or 0) for _, c in rows) if total is None else total
    bar_h, gap, top_pad = 18, 6, 8
    height = top_pad * 2 + max(len(rows), 1) * (bar_h + gap) + 8
    plot_w = width - label_width - 110  # room for "1.234 (100%)" after a full bar
    desc = "; ".join(f"{label}: {_count_and_share(count, total)}" for label, count in rows)
    head, tail = _open(width, height, title, f"{summary}. {desc}" if summary else desc)
    parts = [head]
    x0 = label_width
    for i, (label, count) in enumerate(rows):
        y = top_pad + i * (bar_h + gap)
        share = _share(count or 0, total)
        w = 0.0 if share is None else plot_w * float(share) / 100
        parts.append(_text(x0 - 6, y + bar_h - 5, _truncate(label, max(label_width // 6, 4)), anchor="end"))
        parts.append(f'<rect x="{x0}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{PALETTE[0]}"/>')
        parts.append(_text(x0 + w + 4, y + bar_h - 5, _count_and_share(count or 0, total)))
    parts.append(f'<line x1="{x0}" y1="{top_pad - 4}" x2="{x0}" y2="{height - top_pad}" stroke="#555"/>')
    parts.append(tail)
    return "".join(parts)


# Fill patterns laid over alternate segments of a stacked bar, so neighbouring segments differ by more
# than colour (printed in black and white, or read by a colour-blind reader).
_HATCHES = [
    "",
    '<path d="M0 6 L6 0" stroke="#fff" stroke-width="1.5" stroke-opacity="0.7"/>',
    '<circle cx="3" cy="3" r="1.2" fill="#fff" fill-opacity="0.8"/>',
    '<path d="M0 3 H6" stroke="#fff" stroke-width="1.5" stroke-opacity="0.7"/>',
]


def stacked_bar_chart(rows: list[tuple[str, list[tuple[str, int]]]], *, title: str, summary: str = "",
                      width: int = 640, label_width: int = 150) -> str:
    """One 100% bar per row, split into its segments (name, count): parts of a whole such as gender, full
    and probationary members, or the cells that held this month's meeting and those that did not. Each
    segment has its own colour and fill pattern, the count written inside when it fits, and a legend
    names the segments; the description gives every count with its share of its row."""
    names = list(dict.fromkeys(name for _, segments in rows for name, _ in segments))
    bar_h, gap, top_pad, legend_h = 24, 10, 8, 22
    columns = max(1, min(len(names), (width - 20) // 200))  # legend columns about 200 units wide
    legend_rows = -(-len(names) // columns)
    height = top_pad * 2 + max(len(rows), 1) * (bar_h + gap) + legend_rows * legend_h
    plot_w = width - label_width - 10
    descs = []
    for label, segments in rows:
        total = sum(int(c or 0) for _, c in segments)
        descs.append(f"{label}: " + ", ".join(f"{name} {_count_and_share(c or 0, total)}" for name, c in segments))
    desc = "; ".join(descs)
    head, tail = _open(width, height, title, f"{summary}. {desc}" if summary else desc)
    uid = next(_ids)
    parts = [head, "<defs>"]
    for k, hatch in enumerate(_HATCHES):
        if hatch:
            parts.append(f'<pattern id="hatch{uid}-{k}" width="6" height="6" patternUnits="userSpaceOnUse">{hatch}'
                         f'</pattern>')
    parts.append("</defs>")

    def fill(j, x, y, w, h):
        colour = PALETTE[j % len(PALETTE)]
        out = f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h}" fill="{colour}"/>'
        k = j % len(_HATCHES)
        if _HATCHES[k]:
            out += f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h}" fill="url(#hatch{uid}-{k})"/>'
        return out

    x0 = label_width
    for i, (label, segments) in enumerate(rows):
        y = top_pad + i * (bar_h + gap)
        parts.append(_text(x0 - 6, y + bar_h - 7, _truncate(label, max(label_width // 7, 4)), anchor="end"))
        total = sum(int(c or 0) for _, c in segments)
        x = float(x0)
        if not total:
            parts.append(f'<rect x="{x0}" y="{y}" width="{plot_w}" height="{bar_h}" fill="none" stroke="#999" '
                         f'stroke-dasharray="3 3"/>')
            parts.append(_text(x0 + 6, y + bar_h - 7, "0", fill="#555"))
            continue
        for name, count in segments:
            w = plot_w * float(count or 0) / total
            if w <= 0:
                continue
            parts.append(fill(names.index(name), x, y, w, bar_h))
            text = number(count)
            if w >= 8 * len(text) + 6:  # the count inside the segment, on a white label so it reads over a hatch
                parts.append(f'<rect x="{x + 2:.1f}" y="{y + 5}" width="{7 * len(text) + 4}" height="14" rx="2" '
                             f'fill="#fff" fill-opacity="0.85"/>')
                parts.append(_text(x + 4, y + bar_h - 7, text, size=11))
            x += w
        parts.append(f'<rect x="{x0}" y="{y}" width="{plot_w}" height="{bar_h}" fill="none" stroke="#555"/>')
    legend_y = top_pad + len(rows) * (bar_h + gap) + 4
    col_w = (width - 20) // columns
    for j, name in enumerate(names):
        lx, ly = 10 + (j % columns) * col_w, legend_y + (j // columns) * legend_h
        parts.append(fill(j, lx, ly, 14, 14))
        parts.append(f'<rect x="{lx}" y="{ly}" width="14" height="14" fill="none" stroke="#555"/>')
        parts.append(_text(lx + 20, ly + 12, _truncate(name, max((col_w - 24) // 6, 4)), size=11))
    parts.append(tail)
    return "".join(parts)
