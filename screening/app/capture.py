"""The capture widgets of the web app: pain questions, live webcam take, uploads, retakes.

Pages (the home screen, and the clinic pages) call these. Each capture widget returns a
`Capture` (screening/live/capture.py) once a take is ready, else None; the analysis of a take is
the CLI's own. The person's answers and takes live in an `Assessment` in the session.

Privacy: nothing here writes a video to disk except an upload, to a private temporary
file with a name of our own, deleted as soon as its pose has been found. Frames are kept
in memory only, to show key frames, until the session ends.
"""

from __future__ import annotations

import html
import json
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import streamlit as st
import streamlit.components.v1 as components
from streamlit.delta_generator import DeltaGenerator
from streamlit.runtime import Runtime
from streamlit_webrtc import WebRtcMode, webrtc_streamer

from screening.core.codes import Movement, View
from screening.core.errors import ScreeningError
from screening.core.settings import Settings, load_settings
from screening.core.wording import RETAKE_WORDS
from screening.engine.pipeline import Analysis
from screening.io.annotate import H264Writer
from screening.io.frame_store import FrameStore
from screening.io.record import ScreeningRecord
from screening.io.video import VIDEO_SUFFIXES
from screening.live.capture import (
    Capture,
    LiveCapture,
    capture_file,
    frame_callback,
    screen_captures,
)
from screening.live.guidance import NOTHING_RECORDED, SIDE_VIEWS
from screening.live.session import LiveStatus, Phase
from screening.pose.model_file import ModelInfo, resolve_model
from screening.report.document import Report, build_report

VIDEO_TYPES = tuple(suffix.lstrip(".") for suffix in VIDEO_SUFFIXES)
"""File types the upload accepts: the same as the batch reads."""

PAIN_REGIONS = ("knees", "hips", "lower back", "ankles or feet", "shoulders")

MOVEMENTS = {
    Movement.DEEP_SQUAT.value: (
        "Deep squat",
        "Feet shoulder-width apart, arms straight out in "
        "front. Squat as deep as is comfortable, then stand tall.",
    ),
    Movement.OVERHEAD_SQUAT.value: (
        "Overhead squat",
        "Feet shoulder-width apart, arms "
        "straight up beside your ears. Squat as deep as is "
        "comfortable, arms staying up, then stand tall.",
    ),
    Movement.LUNGE.value: (
        "Lunge",
        "One long step forward, then lower the back knee toward "
        "the floor and come back up, keeping the feet where they are.",
    ),
}

VIEWS = {
    "From the side": SIDE_VIEWS,
    "From the front": frozenset({View.FRONT}),
    "At 45 degrees": frozenset({View.OBLIQUE}),
}
"""How the person can stand to the camera, and the views each choice accepts."""

LIVE_HOW_TO = (
    "Stand so the camera sees you from head to feet, in good light, alone in the "
    "picture. The picture tells you what to change; when all is well a countdown "
    "starts. Then do the reps slowly: recording stops by itself."
)

RTC_CONFIGURATION: dict[str, list[str]] = {"iceServers": []}
"""No STUN/TURN servers: the browser and the app are on this machine, and no request may
leave it (streamlit-webrtc would otherwise ask a public STUN server)."""

WEBCAM = {
    "video": {
        "width": {"ideal": 640},
        "height": {"ideal": 480},
        "frameRate": {"ideal": 30},
        "resizeMode": "none",
    },
    "audio": False,
}
"""About 640x480 at 30 frames a second, but always one of the camera's own modes
(`resizeMode: none`): asked for 640x480, Chromium hands a portrait phone camera over as a
480x480 centre crop that cuts off the head and feet; this way the whole picture comes."""


@st.cache_resource
def app_model() -> ModelInfo:
    """The pose model, checked once per server (a clear error if missing or altered)."""
    return resolve_model()


@st.cache_resource
def app_settings() -> Settings:
    return load_settings()


def max_upload_mb() -> int:
    """The upload limit; set once, as server.maxUploadSize in `screening.app.server`."""
    return int(st.get_option("server.maxUploadSize"))


@dataclass
class Assessment:
    """One person's screen in this session: answers, takes, retakes and the result."""

    movement: str | None = None
    views: frozenset[View] | None = None
    pain: dict[str, float] = field(default_factory=dict)
    takes: dict[str, Capture] = field(default_factory=dict)
    retakes: dict[str, Capture] = field(default_factory=dict)
    keep_video: bool = False
    record: ScreeningRecord | None = None
    analyses: list[Analysis] = field(default_factory=list)
    _report: tuple[ScreeningRecord, Report] | None = field(default=None, repr=False)

    def screen(self) -> ScreeningRecord:
        """(Re)score everything with the CLI's engine: cheap, the poses are already found."""
        self.record, self.analyses = screen_captures(
            self.takes,
            app_model(),
            app_settings(),
            movement=self.movement,
            pain=self.pain,
            retakes=self.retakes,
        )
        return self.record

    def report(self) -> Report:
        """The PDF/HTML report of the current result, built once per result."""
        record = self.record
        if record is None:
            raise ValueError("nothing has been screened yet")
        if self._report is None or self._report[0] is not record:
            sources = self.frame_sources()
            frames = [s for s in sources if s is not None] if None not in sources else []
            self._report = (record, build_report(record, self.analyses, frames))
        return self._report[1]

    def frame_sources(self) -> list[FrameStore | None]:
        """The frames of each analysed take, in the order of `analyses`."""
        return [
            take.frames if isinstance(take.frames, FrameStore) else None
            for take in self.takes.values()
        ][: len(self.analyses)]


def assessment() -> Assessment:
    """The session's assessment (a new one on first use)."""
    if "assessment" not in st.session_state:
        st.session_state["assessment"] = Assessment()
    return st.session_state["assessment"]


def new_assessment() -> Assessment:
    st.session_state["assessment"] = Assessment()
    return st.session_state["assessment"]


def pain_questions(key: str = "pain") -> dict[str, float]:
    """Ask about pain before the movement: 0-10 per region (any pain routes to pain)."""
    answer = st.radio(
        "Do you have pain anywhere right now, or when you squat or lunge?",
        ["No", "Yes"],
        horizontal=True,
        key=f"{key}.any",
    )
    if answer == "No":
        return {}
    st.caption("How bad is it? 0 = no pain, 10 = the worst pain you can imagine.")
    pain = {
        region: float(st.slider(region.capitalize(), 0, 10, 0, key=f"{key}.{region}"))
        for region in PAIN_REGIONS
    }
    if not any(pain.values()):
        st.warning("Move a slider to where it hurts, or answer No.")
    else:
        st.warning(
            "With pain, the screen will point you to easing it first. If the "
            "movement hurts, do not do it: see a physiotherapist or doctor."
        )
    return {region: nrs for region, nrs in pain.items() if nrs > 0}


def _live(key: str) -> LiveCapture | None:
    return st.session_state.get(f"{key}.live")


def live_camera_available() -> bool:
    """True inside Streamlit's real server, where WebRTC has browser sessions to stream.

    Streamlit's AppTest simulates the server with a stand-in that has no sessions, and
    streamlit-webrtc cannot run there; the page then says how to get the live camera.
    """
    return Runtime.exists() and type(Runtime.instance()) is Runtime


def live_capture(
    key: str, label: str, views: frozenset[View] | None, target_reps: int | None = None
) -> Capture | None:
    """The guided webcam take. Returns the take once it is done, else None.

    The page reruns while the stream plays; the LiveCapture sits in the session state so
    every rerun talks to the same take (the callback thread holds it too).
    """
    if not live_camera_available():
        st.info(
            "The live camera works when the app runs in a browser: start it with `./run.sh app`."
        )
        return None
    capture = _live(key)
    if capture is None:
        capture = LiveCapture(
            app_model(), app_settings(), label=label, views=views, target_reps=target_reps
        )
        st.session_state[f"{key}.live"] = capture
    else:
        capture.choose_views(views)  # the camera stays on when the chosen view changes
    ctx = webrtc_streamer(
        key=key,
        mode=WebRtcMode.SENDRECV,
        rtc_configuration=RTC_CONFIGURATION,
        media_stream_constraints=WEBCAM,
        video_frame_callback=frame_callback(capture),
        async_processing=True,
        on_video_ended=lambda: capture.stop("the camera was stopped", wait=False),
        translations={
            "start": "Start the camera",
            "stop": "Stop the camera",
            "select_device": "Choose a camera",
        },
    )
    status_box, progress_box, voice_box = st.empty(), st.empty(), st.empty()
    voice = Voice(voice_box, f"{key}.said") if st.session_state.get(SPEAK_KEY, True) else None
    if st.session_state.pop(f"{key}.nothing", False):
        st.warning(NOTHING_RECORDED)
    stop = st.button(
        "Stop and analyse now",
        key=f"{key}.stop",
        help="Stop recording and look at what was recorded so far.",
    )
    if stop:
        capture.stop("stopped by you")
    while ctx.state.playing and capture.status().phase is not Phase.DONE:
        _show_status(capture, status_box, progress_box, voice)
        time.sleep(0.25)
    status = capture.status()
    if status.phase is not Phase.DONE:
        _show_status(capture, status_box, progress_box, voice)
        return None
    if voice is not None:
        voice.say(spoken_line(status))
    take = capture.take()
    if len(take.raw) == 0:
        # A fresh take at once, so the picture guides again while the camera stays on;
        # the warning is shown on that next run.
        del st.session_state[f"{key}.live"]
        st.session_state[f"{key}.nothing"] = True
        st.rerun()
    del st.session_state[f"{key}.live"]  # the next take starts afresh
    return take


PHASE_COLOURS = {
    Phase.SETUP: "#9a3412",
    Phase.COUNTDOWN: "#1d4ed8",
    Phase.RECORDING: "#15803d",
    Phase.DONE: "#334155",
}
"""The banner's colour says the state from across the room: setting up (rust), counting
down (blue), recording (green), done (slate); white text on each is above 7:1 contrast."""


def banner(text: str, phase: Phase, big: str = "") -> str:
    """The instruction of the moment as a banner readable at 3 m, with an optional big
    number (the rep count) beside it. Our own words only, escaped all the same."""
    number = (
        (
            f"<span style='font-size:3.5rem;font-weight:700;margin-left:auto'>"
            f"{html.escape(big)}</span>"
        )
        if big
        else ""
    )
    return (
        f"<div style='display:flex;align-items:center;gap:1rem;background:"
        f"{PHASE_COLOURS[phase]};color:#fff;padding:0.6rem 1.1rem;border-radius:0.6rem;"
        f"font-size:1.9rem;font-weight:600;line-height:1.25'><span>{html.escape(text)}"
        f"</span>{number}</div>"
    )


SPEAK_KEY = "speak"
"""Session key of the 'Speak the instructions' switch (on unless turned off)."""


def spoken_line(s: LiveStatus) -> str:
    """What to say aloud for this moment of the take: each instruction while setting up,
    the countdown's seconds, the start, each rep, and the end. '' for nothing new."""
    if s.phase is Phase.SETUP:
        return s.message if s.received else ""
    if s.phase is Phase.COUNTDOWN:
        return str(max(1, round(s.countdown_s)))
    if s.phase is Phase.RECORDING:
        return s.message if s.reps == 0 else str(s.reps)
    return s.message


class Voice:
    """Says a line aloud in the browser, once per new line, offline.

    The browser's own speech synthesis speaks with a voice installed on the computer, so
    nothing leaves it. Each new line replaces a tiny script in `box`; the script speaks
    through the page's window, so replacing it does not cut the line short."""

    def __init__(self, box: DeltaGenerator, said_key: str) -> None:
        self.box, self.said_key = box, said_key

    def say(self, line: str) -> None:
        if not line or st.session_state.get(self.said_key) == line:
            return
        st.session_state[self.said_key] = line
        with self.box:
            components.html(
                "<script>(function(){const text=" + json.dumps(line) + ";"
                "let synth=null;try{synth=window.parent.speechSynthesis}catch(e){}"
                "synth=synth||window.speechSynthesis;if(!synth)return;synth.cancel();"
                "synth.speak(new SpeechSynthesisUtterance(text));})();</script>",
                height=0,
            )


def _show_status(
    capture: LiveCapture,
    status_box: DeltaGenerator,
    progress_box: DeltaGenerator,
    voice: Voice | None = None,
) -> None:
    """The instruction of the moment under the picture (it is on the picture too), big
    enough to read from where a person squats, in the colour of the state, and said
    aloud unless the person turned that off."""
    s = capture.status()
    if voice is not None:
        voice.say(spoken_line(s))
    if s.phase is Phase.SETUP:
        text = (
            "Press Start the camera and allow the browser to use it."
            if s.received == 0
            else s.message
        )
        status_box.markdown(banner(text, s.phase), unsafe_allow_html=True)
    elif s.phase is Phase.COUNTDOWN:
        status_box.markdown(
            banner(
                f"Get ready: recording starts in {max(1, round(s.countdown_s))} s.",
                s.phase,
                big=str(max(1, round(s.countdown_s))),
            ),
            unsafe_allow_html=True,
        )
    elif s.phase is Phase.RECORDING:
        status_box.markdown(
            banner(
                f"Recording. Reps: {s.reps} of {s.target_reps}.",
                s.phase,
                big=f"{s.reps}/{s.target_reps}",
            ),
            unsafe_allow_html=True,
        )
        progress_box.progress(min(s.reps / max(s.target_reps, 1), 1.0))
    else:
        status_box.markdown(
            banner(f"Done ({s.stop_reason}). Analysing...", s.phase), unsafe_allow_html=True
        )


def upload_capture(key: str, label: str, prompt: str) -> Capture | None:
    """A recorded video as a take; its pose is found now and the file deleted after.

    Returns None until a file is chosen; a file that cannot be used shows one clear line.
    """
    limit = max_upload_mb()
    upload = st.file_uploader(
        prompt,
        type=list(VIDEO_TYPES),
        key=f"{key}.file",
        help=f"Up to {limit} MB: {', '.join(VIDEO_TYPES)}.",
    )
    if upload is None:
        return None
    cached = st.session_state.get(f"{key}.take")
    if cached is not None and cached[0] == upload.file_id:
        st.caption(f"Ready: the {label} is read.")
        return cached[1]
    if upload.size > limit * 1024 * 1024:
        st.error(f"That file is {upload.size / 1e6:.0f} MB; the limit is {limit} MB.")
        return None
    suffix = Path(upload.name).suffix.lower().lstrip(".")
    if suffix not in VIDEO_TYPES:
        st.error(f"That is not a video file this screen can read ({', '.join(VIDEO_TYPES)}).")
        return None
    bar = st.progress(0.0, text="Finding the pose in every frame...")

    def progress(done: int, total: int) -> None:
        if total and done % 10 == 0:
            bar.progress(min(done / total, 1.0), text=f"Frame {done} of {total}")

    try:
        with tempfile.TemporaryDirectory(prefix="screening-") as tmp:
            # The file name is ours, never the uploader's: no path is built from user text.
            video = Path(tmp) / f"upload.{suffix}"
            video.write_bytes(upload.getvalue())
            take = capture_file(video, label, app_model(), app_settings(), progress)
    except ScreeningError as exc:
        bar.empty()
        st.error(f"This video could not be used: {exc}")
        return None
    bar.empty()
    st.session_state[f"{key}.take"] = (upload.file_id, take)
    st.caption(f"Ready: the {label} is read.")
    return take


def capture_step(
    key: str, label: str, views: frozenset[View] | None, movement: str | None, upload_prompt: str
) -> Capture | None:
    """Live or upload, the person's choice: one take of one movement."""
    if movement in MOVEMENTS:
        title, how = MOVEMENTS[movement]
        st.write(f"**{title}.** {how}")
    live_tab, upload_tab = st.tabs(["Live with your webcam", "Upload a video"])
    with upload_tab:
        uploaded = upload_capture(f"{key}.upload", label, upload_prompt)
    with live_tab:
        st.caption(LIVE_HOW_TO)
        live = live_capture(f"{key}.live", label, views)
    return live or uploaded


def retake_step(kind: str, views: frozenset[View] | None, movement: str | None) -> Capture | None:
    """One of the retakes the route asks for, as a guided step."""
    st.write(f"Do the same movement again {RETAKE_WORDS[kind]}, filmed the same way.")
    if kind == "heels_elevated":
        st.caption("A book or a 2-3 cm board under both heels, toes on the floor.")
    return capture_step(
        f"retake.{kind}", f"retake {kind.replace('_', ' ')}", views, movement, "The retake video"
    )


def retake_steps(work: Assessment, views: frozenset[View] | None, heading: str, busy: str) -> None:
    """Offer each retake the route asks for, one guided step each, and screen the
    assessment again as soon as a retake arrives. `heading` has a {what} slot for the
    retake's words ("with your heels raised")."""
    if work.record is None:
        return
    for kind in [k for k in work.record.suggested_retakes if k not in work.retakes]:
        st.subheader(heading.format(what=RETAKE_WORDS[kind]))
        take = retake_step(kind, views, work.movement)
        if take is not None:
            work.retakes[kind] = take
            with st.spinner(busy):
                work.screen()
            st.rerun()
    if work.retakes:
        st.caption("Retakes used: " + ", ".join(RETAKE_WORDS[k] for k in work.retakes))


def video_copy(store: FrameStore, fps: float) -> bytes:
    """The take as an MP4 to download, made only when the person asks for a copy."""
    frames = list(store.frames())
    if not frames:
        return b""
    h, w = frames[0].rgb.shape[:2]
    with tempfile.TemporaryDirectory(prefix="screening-") as tmp:
        out = Path(tmp) / "take.mp4"
        with H264Writer(out, fps, w, h) as writer:
            for frame in frames:
                writer.write(frame.rgb)
        return out.read_bytes()
