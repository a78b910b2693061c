"""Your result: pain after the movement, the result, the retakes it asks for, downloads."""

from __future__ import annotations

import json

import streamlit as st

from screening.app.capture import assessment, new_assessment, retake_steps, video_copy
from screening.app.result_panels import show_result
from screening.io.frame_store import FrameStore

SCREEN_PAGE = "views/screen.py"
AFTER = "during the movement"


def _pain_after() -> None:
    """Did the movement hurt? Pain felt while moving routes to pain, as pain before does."""
    found = assessment()
    hurt = st.radio("Did the movement hurt?", ["No", "Yes"], horizontal=True, key="after.any")
    nrs = (
        float(
            st.slider("How much? (0 = no pain, 10 = worst imaginable)", 0, 10, 3, key="after.nrs")
        )
        if hurt == "Yes"
        else 0.0
    )
    if nrs != found.pain.get(AFTER, 0.0):
        found.pain = {k: v for k, v in found.pain.items() if k != AFTER}
        if nrs > 0:
            found.pain[AFTER] = nrs
        found.screen()


def _retakes() -> None:
    found = assessment()
    retake_steps(found, found.views, "Next step: film it {what}", "Analysing your retake...")


def _downloads() -> None:
    """The result to keep: the report (PDF, HTML), the record (JSON), the video if asked.

    Files are made only when a button is pressed (Streamlit runs the function then)."""
    found = assessment()
    record = found.record
    if record is None:
        return
    st.subheader("Keep your result")
    cols = st.columns(3)
    cols[0].download_button(
        "Report (PDF)",
        data=lambda: found.report().pdf_bytes(),
        file_name="movement-screen-report.pdf",
        mime="application/pdf",
        on_click="ignore",
        icon=":material/picture_as_pdf:",
    )
    cols[1].download_button(
        "Report (HTML)",
        data=lambda: found.report().html(),
        file_name="movement-screen-report.html",
        mime="text/html",
        on_click="ignore",
        icon=":material/description:",
    )
    cols[2].download_button(
        "Result (JSON)",
        data=json.dumps(record.to_dict(), indent=2),
        file_name="movement-screen.json",
        mime="application/json",
        on_click="ignore",
        icon=":material/data_object:",
    )
    stores = [
        (t.frames, t.info.fps) for t in found.takes.values() if isinstance(t.frames, FrameStore)
    ]
    if found.keep_video and stores:
        store, fps = stores[0]
        st.download_button(
            "My video (MP4)",
            data=lambda: video_copy(store, fps),
            file_name="movement-screen.mp4",
            mime="video/mp4",
            on_click="ignore",
            icon=":material/movie:",
        )


def main() -> None:
    st.title("Your result")
    found = assessment()
    if found.record is None:
        st.info("There is no result yet.")
        st.page_link(SCREEN_PAGE, label="Start a screen", icon=":material/videocam:")
        return
    if found.record.ok:
        _pain_after()
    show_result(found.record, found.analyses, found.frame_sources())
    if found.record.ok:
        _retakes()
        _downloads()
    if st.button("Start a new screen"):
        new_assessment()
        st.switch_page(SCREEN_PAGE)


main()
