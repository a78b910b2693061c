"""The PDF layout of a report (fpdf2), A4, in the DejaVu Sans font matplotlib ships.

The font is embedded (subset) so names in any European script print as typed. A character
the font lacks (some emoji, most CJK) is printed as the replacement mark, and invisible
control characters are dropped: a note typed on a phone never breaks the report.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from screening import __version__
from screening.core.errors import ScreeningError
from screening.report.pictures import Picture

if TYPE_CHECKING:  # the report's content is built in document.py, which calls render_pdf
    from screening.report.document import FindingSection, Report

FONT = "DejaVu"
FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FONT_FILES = {"": FONT_DIR / "DejaVuSans.ttf", "B": FONT_DIR / "DejaVuSans-Bold.ttf"}
REPLACEMENT = "\ufffd"
LINE = 5.0  # mm, body text line height
KEY_FRAME_MAX_MM = (70.0, 80.0)  # width, height of a key frame on the page
CHART_WIDTH_MM = 105.0
GAP_MM = 5.0
TONE_FILL = {"error": (253, 236, 234), "warning": (255, 244, 214), "success": (226, 244, 232)}
GREY = (100, 100, 100)
RULE = (205, 205, 205)


@cache
def _covered() -> frozenset[int]:
    """The code points both embedded fonts can draw."""
    missing = [p for p in FONT_FILES.values() if not p.is_file()]
    if missing:
        raise ScreeningError(f"the report font {missing[0]} is missing; reinstall matplotlib")
    maps = [set(TTFont(p, lazy=True).getBestCmap()) for p in FONT_FILES.values()]
    return frozenset(maps[0] & maps[1])


def pdf_text(text: object) -> str:
    """Text the embedded font can print: NFC-composed, no control characters, and a
    replacement mark for each visible character the font lacks."""
    covered = _covered()
    text = unicodedata.normalize("NFC", str(text))
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    out = []
    for ch in text:
        if ch == "\n" or ord(ch) in covered:
            out.append(ch)
        elif unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Mn", "Me", "Sk"):
            out.append(REPLACEMENT)
    return "".join(out)


class _ReportPDF(FPDF):
    """A4 pages with a footer naming the document and the page."""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=7.5)
        self.set_text_color(*GREY)
        self.cell(
            0,
            5,
            f"Movement screen report · a screen, not a diagnosis · page {self.page_no()} of {{nb}}",
            align="C",
        )


def render_pdf(report: Report) -> bytes:
    """Lay a report out as a PDF and return its bytes."""
    pdf = _ReportPDF(format="A4", unit="mm")
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=18)
    for style, path in FONT_FILES.items():
        pdf.add_font(FONT, style, str(path))
    pdf.set_title("Movement screen report")
    pdf.set_creator(f"screening {__version__}")
    pdf.add_page()
    _header(pdf, report)
    _route(pdf, report)
    _table(pdf, report.facts, (60, pdf.epw - 60))
    if report.ok:
        _score(pdf, report)
    if report.review:
        _heading(pdf, "Therapist's review")
        _table(
            pdf,
            [("What", "The screen said", "After review"), *report.review],
            (60, (pdf.epw - 60) / 2, (pdf.epw - 60) / 2),
            headings=True,
        )
    if report.therapist_notes:
        _heading(pdf, "Therapist's notes")
        pdf.set_fill_color(243, 243, 243)
        _para(pdf, report.therapist_notes, fill=True)
    if report.ok:
        _heading(pdf, "What we saw")
        if not report.findings:
            _para(pdf, "No compensation was seen in what this view can show.")
        for section in report.findings:
            _finding(pdf, section)
        if report.borderline:
            _heading(pdf, report.borderline_heading)
            _bullets(pdf, list(report.borderline))
            _para(pdf, report.borderline_note)
        if report.not_assessable:
            _heading(pdf, "Not judged from this view")
            _bullets(pdf, [f"{name}: {reason}" for name, reason in report.not_assessable])
        _program(pdf, report)
    _heading(pdf, "Please note")
    _para(pdf, report.disclaimer)
    _para(pdf, report.red_flags, style="B")
    return bytes(pdf.output())


def render_table_pdf(title: str, intro: str, rows: Sequence[tuple[str, ...]]) -> bytes:
    """A one-table document in the report's style (the clinic's agreement table): a title,
    a paragraph, and the rows, the first of them the headings."""
    pdf = _ReportPDF(format="A4", unit="mm", orientation="landscape")
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=18)
    for style, path in FONT_FILES.items():
        pdf.add_font(FONT, style, str(path))
    pdf.set_title(title)
    pdf.set_creator(f"screening {__version__}")
    pdf.add_page()
    _para(pdf, title, size=16, style="B")
    _para(pdf, intro)
    first = 60.0
    rest = (pdf.epw - first) / max(1, len(rows[0]) - 1)
    _table(pdf, rows, (first, *[rest] * (len(rows[0]) - 1)), headings=True)
    return bytes(pdf.output())


def _para(
    pdf: FPDF,
    text: str,
    *,
    size: float = 10,
    style: str = "",
    fill: bool = False,
    colour: tuple[int, int, int] = (34, 34, 34),
) -> None:
    pdf.set_font(FONT, style, size)
    pdf.set_text_color(*colour)
    pdf.multi_cell(
        0,
        LINE * size / 10,
        pdf_text(text),
        fill=fill,
        align="L",
        padding=(1, 2) if fill else 0,
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(1)


def _heading(pdf: FPDF, text: str, size: float = 13) -> None:
    if pdf.get_y() > pdf.page_break_trigger - 25:
        pdf.add_page()  # a heading never ends a page on its own
    pdf.ln(3)
    _para(pdf, text, size=size, style="B")


def _bullets(pdf: FPDF, items: list[str] | tuple[str, ...], size: float = 10) -> None:
    pdf.set_font(FONT, "", size)
    pdf.set_text_color(34, 34, 34)
    for item in items:
        pdf.set_x(pdf.l_margin)
        pdf.cell(5, LINE, "•")
        pdf.multi_cell(
            pdf.epw - 5, LINE, pdf_text(item), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
    pdf.ln(1)


def _table(
    pdf: FPDF,
    rows: Sequence[tuple[str, ...]],
    widths: tuple[float, ...],
    headings: bool = False,
) -> None:
    pdf.set_font(FONT, "", 10)
    pdf.set_text_color(34, 34, 34)
    pdf.set_fill_color(255, 255, 255)  # fpdf2 tables paint cells in the current fill colour
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.2)
    with pdf.table(
        col_widths=widths,
        width=sum(widths),
        align="LEFT",
        text_align="LEFT",
        first_row_as_headings=headings,
        borders_layout="HORIZONTAL_LINES",
        line_height=LINE + 0.5,
    ) as table:
        for row in rows:
            cells = table.row()
            for value in row:
                cells.cell(pdf_text(value))
    pdf.ln(2)


def _header(pdf: FPDF, report: Report) -> None:
    if report.clinic_name:
        _para(pdf, report.clinic_name, size=12, style="B", colour=(60, 60, 60))
    _para(pdf, "Movement screen report", size=18, style="B")
    meta = [report.client_name] if report.client_name else []
    _para(pdf, " · ".join([*meta, report.date]), colour=GREY)


def _route(pdf: FPDF, report: Report) -> None:
    """The headline in a coloured box: the first thing anyone reads."""
    pdf.set_fill_color(*TONE_FILL.get(report.tone, TONE_FILL["warning"]))
    pdf.ln(1)
    _para(pdf, report.headline + ".", size=13, style="B", fill=True)
    pdf.set_y(pdf.get_y() - 1)
    if report.error:
        _para(pdf, f"Why: {report.error}\n\n{report.filming_tips}", fill=True)
    elif report.summary:
        _para(pdf, report.summary, fill=True)
    pdf.ln(2)


def _score(pdf: FPDF, report: Report) -> None:
    _heading(pdf, "The score and what it rests on")
    if report.score_basis:
        _para(pdf, report.score_basis)
    if report.criteria:
        _table(pdf, report.criteria, (100, pdf.epw - 100))
    if report.reasons:
        _heading(pdf, "Why this route")
        _bullets(pdf, report.reasons)
    if report.retake:
        _para(pdf, report.retake)
    if report.pain:
        _para(pdf, "Pain reported: " + "; ".join(report.pain))


def _fit(pic: Picture, max_w: float, max_h: float) -> tuple[float, float]:
    """Width and height in mm that keep the picture's shape inside a box."""
    scale = min(max_w / pic.width, max_h / pic.height)
    return pic.width * scale, pic.height * scale


def _finding(pdf: FPDF, section: FindingSection) -> None:
    """Name, summary, then the key frame and the chart side by side, kept on one page."""
    pictures = [
        (p, *_fit(p, *limit))
        for p, limit in (
            (section.key_frame, KEY_FRAME_MAX_MM),
            (section.chart, (CHART_WIDTH_MM, 60)),
        )
        if p is not None
    ]
    height = 22 + max((h for _, _, h in pictures), default=0)
    if pdf.get_y() + height > pdf.page_break_trigger:
        pdf.add_page()
    pdf.ln(2)
    _para(pdf, section.name, size=11, style="B")
    _para(pdf, section.summary)
    if section.review:
        _para(pdf, section.review.capitalize() + ".", style="B", colour=(26, 82, 118))
    top, x, bottom = pdf.get_y(), pdf.l_margin, pdf.get_y()
    for pic, w, h in pictures:
        pdf.image(io.BytesIO(pic.data), x=x, y=top, w=w, h=h, alt_text=pic.caption)
        pdf.set_xy(x, top + h + 1)
        pdf.set_font(FONT, "", 7.5)
        pdf.set_text_color(*GREY)
        pdf.multi_cell(w, 3.4, pdf_text(pic.caption), align="L", new_x=XPos.LEFT, new_y=YPos.NEXT)
        bottom = max(bottom, pdf.get_y())
        x += w + GAP_MM
    pdf.set_xy(pdf.l_margin, bottom + 3)


def _program(pdf: FPDF, report: Report) -> None:
    """The program as cards: name, phase and dose, why, and the cues."""
    _heading(pdf, report.program_title)
    if report.program_summary:
        _para(pdf, report.program_summary)
    for ex in report.exercises:
        if pdf.get_y() > pdf.page_break_trigger - 35:
            pdf.add_page()
        pdf.set_draw_color(*RULE)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + pdf.epw, pdf.get_y())
        pdf.ln(2)
        _para(pdf, ex["name"], size=10.5, style="B")
        _para(pdf, " · ".join(v for v in (ex["phase"], ex["dose"]) if v), size=9, colour=GREY)
        tissue = f"Tissue: {ex['tissue']}. " if ex["tissue"] else ""
        _para(pdf, tissue + ex["why"], size=9.5)
        _bullets(pdf, ex["cues"], size=9.5)
