"""The web app in Streamlit's AppTest: the start page, the upload flow, the results page.

The live webcam flow needs a browser and is tested in tests/test_browser.py; its engine
(guidance, rep counter, the take) in tests/test_live.py.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from screening.app import capture as app_capture
from screening.app.server import MAIN_SCRIPT

from .browser import HEEL_LIFT_SIDE, named_clip
from .media import sample_clip

APP = str(MAIN_SCRIPT)


def _app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=180)


def test_start_page_asks_about_pain_then_offers_live_and_upload():
    at = _app().run()
    assert not at.exception
    assert at.title[0].value == "Movement screen"
    assert not any("--clinic" in m.value for m in at.markdown)  # no stray script text
    assert "never leaves it" in at.caption[0].value
    assert at.radio[0].value == "No"  # pain: none until the person says so
    assert at.selectbox[0].label == "Movement"
    assert at.selectbox[0].options == ["Deep squat", "Overhead squat", "Lunge"]
    assert at.radio[1].options == ["From the side", "From the front", "At 45 degrees"]
    assert [t.label for t in at.tabs] == ["Live with your webcam", "Upload videos"]
    assert at.toggle(key="speak").label == "Speak the instructions"
    assert at.toggle(key="speak").value is True  # said aloud unless turned off
    assert [u.label for u in at.get("file_uploader")] == [
        "Video from the front",
        "Video from the side (optional)",
    ]
    screen = next(b for b in at.button if b.label == "Screen my videos")
    assert screen.disabled  # nothing to screen yet
    # The pose model's file and checksum are there for the curious, under "About" only.
    about = next(e for e in at.sidebar.expander if e.label == "About")
    assert ".task" in about.caption[0].value
    assert not any(".task" in c.value for c in at.main.caption)
    at.radio[0].set_value("Yes").run()
    assert [s.label for s in at.slider] == [
        "Knees",
        "Hips",
        "Lower back",
        "Ankles or feet",
        "Shoulders",
    ]
    assert any("Move a slider" in w.value for w in at.warning)


def test_turning_the_voice_off_is_remembered_on_the_next_visit(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    first = _app().run()
    assert first.toggle(key="speak").value is True
    first.toggle(key="speak").set_value(False).run()
    assert not first.exception
    again = _app().run()  # a new visit: a new session, the choice read back from disk
    assert again.toggle(key="speak").value is False
    again.toggle(key="speak").set_value(True).run()
    assert _app().run().toggle(key="speak").value is True


def test_clinic_pages_are_hidden_until_asked_for(monkeypatch):
    """A person at home sees only the screen: the clinic's pages open the start page
    instead, until the 'Clinic tools' switch is on (or the app was started for a clinic)."""
    monkeypatch.delenv("SCREENING_DB_URL", raising=False)
    monkeypatch.delenv("SCREENING_CLINIC", raising=False)
    at = _app()
    at.switch_page("views/clinic_clients.py")
    at.run()
    assert at.title[0].value == "Movement screen"
    assert at.sidebar.toggle(key="clinic_tools").value is False
    at.sidebar.toggle(key="clinic_tools").set_value(True).run()
    at.switch_page("views/clinic_clients.py")
    at.run()
    assert at.title[0].value == "Clients"
    monkeypatch.setenv("SCREENING_CLINIC", "1")  # screening app --clinic
    at = _app()
    at.switch_page("views/clinic_clients.py")
    assert at.run().title[0].value == "Clients"


def _upload(at: AppTest, label: str, name: str, data: bytes) -> AppTest:
    uploader = next(u for u in at.get("file_uploader") if u.label == label)
    uploader.set_value((name, data, "video/mp4"))
    return at.run()


@pytest.mark.slow
def test_upload_flow_gives_the_result_asks_for_the_retake_and_pain_after():
    clip, label = named_clip(HEEL_LIFT_SIDE)
    at = _app().run()
    # A hostile file name: the upload is saved under a name of the app's own.
    at = _upload(at, "Video from the side (optional)", "../../../etc/passwd.mp4", clip.read_bytes())
    assert not at.exception and not at.error
    next(b for b in at.button if b.label == "Screen my videos").click().run()
    assert not at.exception
    assert at.title[0].value == "Your result"
    assert "Work on mobility" in at.warning[0].value
    # The score in words ("1 (provisional)", never "1*"), and what it rests on in view.
    score = next(m for m in at.metric if m.label == "Movement score (FMS 0-3)")
    assert "*" not in score.value and score.value[0] in "0123"
    assert any(m.value == "**What the score rests on**" for m in at.markdown)
    fault = label["faults"][0]["code"].replace("_", " ").capitalize()
    assert any(fault in e.label for e in at.expander), [e.label for e in at.expander]
    assert len(at.get("vega_lite_chart")) == 1  # the measure against its threshold
    assert len(at.get("image")) == 1  # the key frame, from the frames kept in memory
    text = " ".join(m.value for m in at.markdown)
    assert "Ball roll under the sole of the foot" in text
    # Why this route, in the report's words: no check codes on the page.
    assert "Range is missing: heel lift." in text and "heel_lift" not in text
    # Each criterion in words with an icon from Streamlit's own font, never an emoji that a
    # machine without a colour-emoji font shows as an empty box.
    assert "Not met: Heels stay down" in text and "\u274c" not in text
    assert any("screen, not a diagnosis" in c.value for c in at.caption)
    # The report to download, made from the same result and the frames kept in memory.
    assert [b.label for b in at.get("download_button")][:3] == [
        "Report (PDF)",
        "Report (HTML)",
        "Result (JSON)",
    ]
    report = at.session_state["assessment"].report()
    assert report.pdf_bytes().startswith(b"%PDF")
    assert "Work on mobility" in report.html() and "data:image/jpeg;base64" in report.html()
    # The route asks for a heels-raised retake, offered as the next step.
    assert any("heels raised" in h.value for h in at.subheader)
    at = _upload(at, "The retake video", "retake.mp4", clip.read_bytes())
    assert not at.exception
    assert any("Retakes used" in c.value for c in at.caption)
    assert not any("Next step" in h.value for h in at.subheader)
    # Pain felt during the movement routes to pain, like pain before it.
    at.radio(key="after.any").set_value("Yes").run()
    assert "Pain comes first" in at.error[0].value


def test_upload_errors_are_one_clear_line(monkeypatch):
    at = _app().run()
    at = _upload(at, "Video from the front", "notes.mp4", b"just some text, not a video\n")
    assert not at.exception
    assert [e.value for e in at.error] == [
        "This video could not be used: not a video (it looks like a text file)"
    ]
    monkeypatch.setattr(app_capture, "max_upload_mb", lambda: 0)
    at = _upload(at, "Video from the side (optional)", "big.mp4", b"0" * 2_000_000)
    assert any("the limit is 0 MB" in e.value for e in at.error)


def _results_script(clip: str, pain: float) -> None:
    from pathlib import Path

    from screening.app.result_panels import show_result
    from screening.core.settings import load_settings
    from screening.engine.pipeline import screen_clips
    from screening.pose.model_file import resolve_model

    record, analyses = screen_clips(
        [clip], resolve_model(), load_settings(), pain={"movement": pain}
    )
    show_result(record, analyses, [Path(clip)])


@pytest.mark.slow
def test_pain_routes_to_pain_on_the_results_page():
    clip, _ = sample_clip(movement="deep_squat", view="side_left", clean=True)
    at = AppTest.from_function(_results_script, args=(str(clip), 4.0), default_timeout=120)
    at.run()
    assert not at.exception
    assert "Pain comes first" in at.error[0].value


def test_results_page_without_a_screen_points_to_the_start():
    at = _app().run()
    at.switch_page("views/results.py").run()
    assert not at.exception
    assert at.title[0].value == "Your result"
    assert "no result yet" in at.info[0].value


def test_checkout_config_matches_the_options_screening_app_passes():
    """`.streamlit/config.toml` (for `streamlit run` by hand in a checkout) says what
    `screening.app.server.OPTIONS` says, so the two ways of starting the app agree."""
    import tomllib

    from screening.app.server import OPTIONS

    from .builders import ROOT

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    flat = {
        f"{section}.{key}": value
        for section, values in config.items()
        for key, value in values.items()
        if f"{section}.{key}" != "server.headless"
    }
    assert flat == OPTIONS
