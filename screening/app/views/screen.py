"""Start a screen: pain questions, the movement and the camera, then a live or uploaded take.

The guided path for someone at home: answer two questions, choose a movement, and either
let the webcam guide a take or upload videos (front and side together if you have both).
The result opens on the results page.
"""

from __future__ import annotations

import streamlit as st

from screening.app import preferences
from screening.app.capture import (
    LIVE_HOW_TO,
    MOVEMENTS,
    SPEAK_KEY,
    VIEWS,
    Assessment,
    app_model,
    live_capture,
    pain_questions,
    upload_capture,
)
from screening.core.codes import View
from screening.core.errors import ScreeningError
from screening.core.wording import FILMING_TIPS
from screening.live.capture import Capture

RESULTS_PAGE = "views/results.py"


def _start(
    takes: dict[str, Capture],
    movement: str,
    views: frozenset[View] | None,
    pain: dict[str, float],
    keep_video: bool,
) -> None:
    """Score the takes and open the results page."""
    st.session_state["assessment"] = found = Assessment(
        movement=movement, views=views, pain=pain, takes=takes, keep_video=keep_video
    )
    with st.spinner("Analysing your movement..."):
        found.screen()
    st.switch_page(RESULTS_PAGE)


def main() -> None:
    st.title("Movement screen")
    st.caption(
        "Everything runs on this computer; your video never leaves it. "
        "This is a screen, not a diagnosis: if a movement hurts, see a clinician."
    )
    try:
        model = app_model()
    except ScreeningError as exc:
        st.error(str(exc))
        st.stop()
    with st.sidebar.expander("About"):
        st.caption(
            "Movement screen: open source, and everything runs on this computer. "
            f"Pose model file: {model.path.name} (checksum {model.sha256[:12]}...)."
        )

    st.subheader("1. Before you move")
    pain = pain_questions()

    st.subheader("2. Choose the movement")
    movement = st.selectbox("Movement", list(MOVEMENTS), format_func=lambda m: MOVEMENTS[m][0])
    st.write(MOVEMENTS[movement][1])
    view_name = st.radio(
        "How will you stand to the camera?",
        list(VIEWS),
        horizontal=True,
        help="From the side the screen sees heels, depth and trunk; from "
        "the front, knees, feet and shoulders.",
    )
    views = VIEWS[view_name]

    st.subheader("3. Film it")
    live_tab, upload_tab = st.tabs(["Live with your webcam", "Upload videos"])
    with upload_tab:
        st.write(
            f"{FILMING_TIPS} A front and a side video of the same movement together "
            "give the fullest result."
        )
        front = upload_capture("upload.front", "front video", "Video from the front")
        side = upload_capture("upload.side", "side video", "Video from the side (optional)")
        takes = {t.label: t for t in (front, side) if t is not None}
        if st.button("Screen my videos", type="primary", disabled=not takes):
            _start(takes, movement, None, pain, keep_video=False)
    with live_tab:
        keep = st.checkbox(
            "Keep a copy of my video to download",
            help="Off: no video is stored. The frames shown in your result "
            "stay in this computer's memory until you close the tab.",
        )
        if SPEAK_KEY not in st.session_state:  # this visit starts with the last choice
            st.session_state[SPEAK_KEY] = preferences.remembered(SPEAK_KEY, True)
        st.toggle(
            "Speak the instructions",
            key=SPEAK_KEY,
            on_change=lambda: preferences.remember(SPEAK_KEY, st.session_state[SPEAK_KEY]),
            help="Each instruction, the countdown and each rep said aloud by your "
            "browser's own voice, so you need not look at the screen. "
            "Remembered on this computer.",
        )
        st.write(LIVE_HOW_TO)
        take = live_capture("live.main", "webcam", views)
        if take is not None:
            _start({take.label: take}, movement, views, pain, keep_video=keep)


main()
