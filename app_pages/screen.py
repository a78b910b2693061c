"""Start a screen: pain questions, then a recorded video, then the result."""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from screening.app_results import show_result
from screening.errors import ScreeningError
from screening.model import ModelInfo, resolve_model
from screening.pipeline import screen_clips
from screening.settings import Settings, load_settings
from screening.vocabulary import Movement, View

MAX_UPLOAD_MB = 200
VIDEO_TYPES = ["mp4", "mov", "avi", "mkv", "webm", "m4v"]


@st.cache_resource
def _model() -> ModelInfo:
    return resolve_model()


@st.cache_resource
def _settings() -> Settings:
    return load_settings()


def _score_upload(data: bytes, suffix: str, movement: str | None, view: str | None,
                  pain: dict[str, float]) -> None:
    """Score an uploaded video and show the result; the upload is deleted afterwards."""
    with tempfile.TemporaryDirectory(prefix="screening-") as tmp:
        # The file name is ours, never the uploader's: no path is built from user text.
        video = Path(tmp) / f"upload{suffix}"
        video.write_bytes(data)
        bar = st.progress(0.0, text="Finding the pose in every frame...")

        def progress(done: int, total: int) -> None:
            if total and done % 10 == 0:
                bar.progress(min(done / total, 1.0), text=f"Frame {done} of {total}")

        record, analyses = screen_clips([video], _model(), _settings(), movement=movement,
                                        view=view, pain=pain, progress=progress)
        bar.empty()
        show_result(record, analyses, [video])
        with st.expander("Full result (JSON)"):
            st.json(record.to_dict())


def main() -> None:
    st.title("Movement screen")
    st.caption("Everything runs on this computer; your video never leaves it. "
               "This is a screen, not a diagnosis: if a movement hurts, see a clinician.")
    try:
        model = _model()
    except ScreeningError as exc:
        st.error(str(exc))
        st.stop()
    with st.sidebar:
        movement = st.selectbox("Movement", ["auto", *[m.value for m in Movement]])
        view = st.selectbox("Camera view", ["auto", *[v.value for v in View]])
        st.caption(f"Pose model: {model.path.name} ({model.sha256[:12]}...)")
    st.subheader("Upload a recorded squat or lunge")
    st.write("Film the whole body, head to feet, from the front or the side; "
             "stand still for a second, then do 2-3 slow reps.")
    pain_now = st.slider("Does anything hurt when you squat or lunge? (0 = no pain, "
                         "10 = worst imaginable)", 0, 10, 0)
    upload = st.file_uploader("Video file", type=VIDEO_TYPES)
    if upload is None:
        return
    if upload.size > MAX_UPLOAD_MB * 1024 * 1024:
        st.error(f"That file is {upload.size / 1e6:.0f} MB; the limit is {MAX_UPLOAD_MB} MB.")
        return
    suffix = Path(upload.name).suffix.lower()
    if suffix.lstrip(".") not in VIDEO_TYPES:
        suffix = ".mp4"
    _score_upload(upload.getvalue(), suffix, None if movement == "auto" else movement,
                  None if view == "auto" else view, {"movement": float(pain_now)})


main()
