"""The results page of the web app: route, score, findings with key frames, program.

Plain language first, evidence second: a person at home reads the route and what to do; a
therapist opens the findings, the frames and the charts. Only Streamlit drawing lives here;
every number comes from the record and analysis the CLI produces too.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from screening.checks.base import Finding
from screening.pipeline import Analysis
from screening.record import ScreeningRecord
from screening.visuals import key_frames, measure_table
from screening.words import DISCLAIMER, RED_FLAGS, ROUTE_WORDS, retake_advice
from screening.words import check_name as _name


def show_result(record: ScreeningRecord, analyses: list[Analysis], videos: list[Path]) -> None:
    """Render a full result."""
    if not record.ok:
        st.error(f"This video could not be screened: {record.error}")
        return
    title, kind = ROUTE_WORDS[record.route or "conditioning"]
    getattr(st, kind)(f"**{title}.** " + (record.program or {}).get("summary", ""))
    fms = record.score.get("fms")
    cols = st.columns(3)
    cols[0].metric("Movement score (FMS 0-3)",
                   "-" if fms is None else f"{fms}{'*' if record.score.get('provisional') else ''}")
    cols[1].metric("Reps found", len(record.reps))
    cols[2].metric("View", (record.view or "-").replace("_", " "))
    st.caption(record.score.get("basis", ""))
    for reason in record.route_reasons:
        st.write(f"- {reason}")
    if record.suggested_retakes:
        st.info(retake_advice(record.suggested_retakes))
    _findings(record, analyses, videos)
    _not_assessable(record)
    _program(record)
    st.divider()
    st.caption(DISCLAIMER)
    st.caption(RED_FLAGS)


def _findings(record: ScreeningRecord, analyses: list[Analysis], videos: list[Path]) -> None:
    st.subheader("What we saw")
    if not record.findings:
        st.write("No compensation was seen in what this view can show.")
        return
    by_code: dict[str, list] = {}
    for f in record.findings:
        by_code.setdefault(f.code, []).append(f)
    analysis, video = analyses[0], videos[0]
    for code, items in by_code.items():
        worst = max(items, key=lambda f: abs(f.value))
        with st.expander(f"{_name(code)}: {worst.severity}, up to {abs(worst.value):.1f} "
                         f"{worst.units} ({worst.side}) in {len(items)} rep(s)", expanded=True):
            source = next(((a, v) for a, v in zip(analyses, videos, strict=True)
                           if any(c.code.value == code and c.findings for c in a.checks)),
                          (analysis, video))
            frames = key_frames(source[1], source[0], [Finding(**vars(worst))])
            left, right = st.columns([1, 1])
            if frames:
                left.image(frames[0].image, caption=f"frame {frames[0].frame}")
            check = next(c for c in source[0].checks if c.code.value == code)
            right.line_chart(pd.DataFrame(measure_table(source[0], check)).set_index("time_s"),
                             height=260)
            right.caption(f"{check.units} over time; the flat line is the threshold")


def _not_assessable(record: ScreeningRecord) -> None:
    if not record.not_assessable:
        return
    st.subheader("Not judged from this view")
    for code, reason in record.not_assessable_reasons.items():
        st.write(f"- **{_name(code)}**: {reason}")


def _program(record: ScreeningRecord) -> None:
    program = record.program or {}
    st.subheader(program.get("title", "Program"))
    for ex in program.get("exercises", []):
        with st.container(border=True):
            st.markdown(f"**{ex['name']}** · {ex['phase']} · {ex['dose']}")
            st.caption(f"Tissue: {ex['tissue']}. {ex['why']}.")
            for cue in ex["cues"]:
                st.write(f"- {cue}")
