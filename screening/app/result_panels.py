"""The results view of the web app: route, score, findings with key frames, program.

Plain language first, evidence second: a person at home reads the route and what to do; a
therapist opens the findings, the frames and the charts. Only Streamlit drawing lives here;
every number comes from the record and analyses the CLI produces too. Key frames come from
a video file or from the frames a take kept in memory (`screening.io.frame_store.FrameSource`).
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd
import streamlit as st

from screening.checks.base import CheckResult
from screening.core.wording import (
    BORDERLINE_HEADING,
    BORDERLINE_NOTE,
    CRITERIA_WORDS,
    DISCLAIMER,
    RED_FLAGS,
    ROUTE_WORDS,
    borderline_lines,
    fms_text,
    plain_sentence,
    retake_advice,
    unrepeated_reasons,
)
from screening.core.wording import check_name as _name
from screening.engine.pipeline import Analysis
from screening.io.frame_store import FrameSource
from screening.io.record import ScreeningRecord
from screening.report.evidence import key_frames, measure_table


def show_result(
    record: ScreeningRecord, analyses: list[Analysis], sources: Sequence[FrameSource | None]
) -> None:
    """Render a full result; `sources[i]` holds the frames of `analyses[i]` (or None)."""
    if not record.ok:
        st.error(f"This take could not be screened: {record.error}")
        return
    show_route(record)
    for warning in record.warnings:
        st.warning(warning[0].upper() + warning[1:] + ".")
    show_findings(record, analyses, sources)
    show_borderline(record)
    show_not_assessable(record)
    show_program(record)
    show_disclaimer()


def show_route(record: ScreeningRecord) -> None:
    """The route in plain words, the score and what it rests on."""
    title, kind = ROUTE_WORDS[record.route or "not_judged"]
    summary = record.program.get("summary", "") if record.program else ""
    getattr(st, kind)(f"**{title}.** " + summary)
    cols = st.columns(3)
    cols[0].metric(
        "Movement score (FMS 0-3)",
        fms_text(record.score),
        help="Provisional: this view could not see every part the score needs; "
        "the retake below completes it."
        if record.score.get("provisional")
        else None,
    )
    cols[1].metric("Reps found", len(record.reps))
    cols[2].metric("View", (record.view or "-").replace("_", " ").replace("+", " + "))
    st.caption(record.score.get("basis", ""))
    criteria = record.score.get("criteria") or {}
    if criteria:
        st.markdown("**What the score rests on**")
        for name, met in criteria.items():
            # Streamlit's own icon font (served locally): emoji need a colour-emoji font,
            # which many Linux machines lack, and show as empty boxes there.
            mark = ":material/check_circle:" if met else ":material/cancel:"
            st.write(
                f"{mark} {'Met' if met else 'Not met'}: {CRITERIA_WORDS.get(name, _name(name))}"
            )
        for name in record.score.get("not_assessed", []):
            st.write(
                ":material/radio_button_unchecked: Not seen from this view: "
                + CRITERIA_WORDS.get(name, _name(name))
            )
    for reason in record.route_reasons:
        st.write(f"- {plain_sentence(reason)}")  # in the report's words, no check codes
    if record.suggested_retakes:
        st.info(retake_advice(record.suggested_retakes))


def _source_of(
    code: str, analyses: list[Analysis], sources: Sequence[FrameSource | None]
) -> tuple[Analysis, FrameSource | None, CheckResult]:
    """The clip whose check found `code` (front and side takes each judge their own)."""
    for analysis, source in zip(analyses, sources, strict=True):
        for check in analysis.checks:
            if check.code.value == code and check.findings:
                return analysis, source, check
    check = next(c for c in analyses[0].checks if c.code.value == code)
    return analyses[0], sources[0], check


def measure_chart(analysis: Analysis, check: CheckResult) -> alt.LayerChart | alt.FacetChart:
    """The check's measure over time (one line per side) and its threshold as a dashed line."""
    table = pd.DataFrame(measure_table(analysis, check))
    threshold = float(table.pop("threshold").iloc[0])
    long = table.melt("time_s", var_name="side", value_name="value").dropna()
    y = alt.Y("value:Q", title=check.units)
    lines = (
        alt.Chart(long)
        .mark_line()
        .encode(
            x=alt.X("time_s:Q", title="seconds"),
            y=y,
            color=alt.Color("side:N", title=None, legend=alt.Legend(orient="bottom")),
        )
    )
    rule = (
        alt.Chart(pd.DataFrame({"value": [threshold]}))
        .mark_rule(strokeDash=[6, 4], color="#d62728")
        .encode(y=y)
    )
    return alt.layer(lines, rule).properties(height=240)


def show_findings(
    record: ScreeningRecord, analyses: list[Analysis], sources: Sequence[FrameSource | None]
) -> None:
    """Each finding with the frame that shows it and its measure against the threshold."""
    st.subheader("What we saw")
    if not record.findings:
        st.write("No compensation was seen in what this view can show.")
        return
    by_code: dict[str, list] = {}
    for f in record.findings:
        by_code.setdefault(f.code, []).append(f)
    for code, items in by_code.items():
        worst = max(items, key=lambda f: abs(f.value))
        with st.expander(
            f"{_name(code)}: {worst.severity}, up to {abs(worst.value):.1f} "
            f"{worst.units} ({worst.side}) in {len(items)} rep(s)",
            expanded=True,
        ):
            analysis, source, check = _source_of(code, analyses, sources)
            left, right = st.columns([1, 1])
            shots = key_frames(source, analysis, [worst]) if source is not None else []
            if shots:
                left.image(
                    shots[0].image, caption=f"Frame {shots[0].frame}, rep {(worst.rep or 0) + 1}"
                )
            else:
                left.caption("No picture: the frames of this take were not kept.")
            right.altair_chart(measure_chart(analysis, check), width="stretch")
            right.caption(
                f"{_name(code)} in {check.units} over time; the dashed line is "
                "where it starts to count."
            )


def show_borderline(record: ScreeningRecord) -> None:
    """Checks too close to their threshold to call, and why they do not count."""
    if not record.borderline:
        return
    st.subheader(BORDERLINE_HEADING)
    lines = borderline_lines(
        [(f.code, f.value, f.uncertainty, f.units) for f in record.borderline], record.view
    )
    for line in lines:
        st.write("- " + line)
    st.caption(BORDERLINE_NOTE)


def show_not_assessable(record: ScreeningRecord) -> None:
    """What this view could not judge, and from where to film it."""
    if not record.not_assessable:
        return
    st.subheader("Not judged from this view")
    for code, reason in record.not_assessable_reasons.items():
        st.write(f"- **{_name(code)}**: {reason}")
    st.caption(
        "Film the same movement from the view named above and add it as a second "
        "clip: each check is then judged from the view that sees it."
    )


def show_program(record: ScreeningRecord) -> None:
    """The program as exercise cards: what, how much, how, and why."""
    program = record.program
    st.subheader(program.get("title", "Program") if program else "Program")
    exercises = program["exercises"] if program else []
    reasons = unrepeated_reasons([plain_sentence(ex.get("why", "")) for ex in exercises])
    for ex, why in zip(exercises, reasons, strict=True):
        with st.container(border=True):
            st.markdown(f"**{ex['name']}** · {ex.get('phase', '')} · {ex.get('dose', '')}")
            st.caption(f"Tissue: {ex.get('tissue', '')}. {why}".strip())
            for cue in ex["cues"]:
                st.write(f"- {cue}")


def show_disclaimer() -> None:
    st.divider()
    st.caption(DISCLAIMER)
    st.caption(RED_FLAGS)
