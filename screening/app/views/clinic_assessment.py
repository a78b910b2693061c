"""Clinic: a new assessment: pain answers, front and side views (live or upload), the
retakes the result asks for, notes; saved to the client's records in one go."""

from __future__ import annotations

from datetime import date

import streamlit as st

from screening.app.capture import (
    MOVEMENTS,
    Assessment,
    capture_step,
    pain_questions,
    retake_steps,
    video_copy,
)
from screening.app.clinic_common import (
    ASSESSMENT_KEY,
    REVIEW_PAGE,
    THERAPIST_KEY,
    clinic_sidebar,
    clinic_store,
    need_client,
    plain,
)
from screening.app.result_panels import show_result
from screening.clinic import StoreError
from screening.clinic.repository import (
    ClipInput,
    discard_clip,
    get_client,
    keep_clip,
    save_assessment,
)
from screening.core.codes import View
from screening.io.frame_store import FrameStore
from screening.live.capture import Capture
from screening.live.guidance import SIDE_VIEWS

# The assessment being recorded (an app_capture.Assessment), until it is saved. (A comment,
# not a docstring: Streamlit would show a bare string on the page.)
WORK_KEY = "clinic.work"


def _kept(client_id: int, take: Capture) -> str | None:
    """Keep a take's video with the client's records; None when its frames are not at hand."""
    if not isinstance(take.frames, FrameStore):
        return None
    return keep_clip(clinic_store(), client_id, video_copy(take.frames, take.info.fps))


def _save(client_id: int, work: Assessment, performed_on: date, notes: str, keep: bool) -> None:
    record = work.record
    assert record is not None
    views: dict[str, str | None] = {**(record.sources or {next(iter(work.takes)): record.view})}
    takes = [("view", views.get(label), take) for label, take in work.takes.items()]
    takes += [(kind, None, take) for kind, take in work.retakes.items()]
    refs = [_kept(client_id, take) if keep else None for _, _, take in takes]
    try:
        assessment_id = save_assessment(
            clinic_store(),
            client_id,
            record.to_dict(),
            performed_on=performed_on,
            pain=work.pain,
            notes=notes,
            therapist=st.session_state.get(THERAPIST_KEY, ""),
            clips=[
                ClipInput(kind, view, ref) for (kind, view, _), ref in zip(takes, refs, strict=True)
            ],
        )
    except StoreError as exc:
        for ref in refs:
            if ref:
                discard_clip(clinic_store(), ref)
        st.error(f"The assessment was not saved: {exc}.")
        return
    del st.session_state[WORK_KEY]
    st.session_state[ASSESSMENT_KEY] = assessment_id
    st.switch_page(REVIEW_PAGE)


def _retakes(work: Assessment) -> None:
    retake_steps(work, None, "Retake {what}", "Analysing the retake...")


def main() -> None:
    clinic_sidebar()
    client_id = need_client()
    client = get_client(clinic_store(), client_id)
    st.title(f"New assessment: {plain(client.name)}")
    performed_on = st.date_input("Date", value=date.today(), key="clinic.date")
    st.subheader("Pain")
    pain = pain_questions("clinic.pain")
    st.subheader("Movement")
    movement = st.selectbox(
        "Movement", list(MOVEMENTS), format_func=lambda m: MOVEMENTS[m][0], key="clinic.movement"
    )
    st.subheader("Front view")
    front = capture_step(
        "clinic.front", "front view", frozenset({View.FRONT}), movement, "Video from the front"
    )
    st.subheader("Side view")
    side = capture_step("clinic.side", "side view", SIDE_VIEWS, None, "Video from the side")
    takes = {t.label: t for t in (front, side) if t is not None}
    if st.button("Analyse", type="primary", disabled=not takes, key="clinic.analyse"):
        fresh = Assessment(movement=movement, pain=pain, takes=takes)
        with st.spinner("Analysing..."):
            fresh.screen()
        st.session_state[WORK_KEY] = fresh
    work: Assessment | None = st.session_state.get(WORK_KEY)
    if work is None or work.record is None:
        st.caption("Record or upload at least one view, then press Analyse.")
        return
    show_result(work.record, work.analyses, work.frame_sources())
    if not work.record.ok:
        return
    _retakes(work)
    st.subheader("Save")
    keep = st.checkbox(
        "Keep the videos with the client's records",
        key="clinic.keep",
        help="Off: only the result is saved, no video. On: the videos are "
        "stored privately on this computer and deleted with the client.",
    )
    notes = st.text_area("Notes", key="clinic.notes")
    if st.button("Save assessment", type="primary", key="clinic.save"):
        _save(client_id, work, performed_on, notes, keep)


main()
