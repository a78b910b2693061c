"""The web app in Streamlit's AppTest: the start page and the results page of a real clip."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from .builders import ROOT
from .media import fault_clip, sample_clip


def test_start_page_offers_upload_and_pain_question():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "Movement screen"
    assert "never leaves it" in at.caption[0].value
    assert at.slider[0].value == 0
    assert [s.label for s in at.sidebar.selectbox] == ["Movement", "Camera view"]


def _results_script(clip: str, pain: float) -> None:
    from pathlib import Path

    from screening.app_results import show_result
    from screening.model import resolve_model
    from screening.pipeline import screen_clips
    from screening.settings import load_settings

    record, analyses = screen_clips([clip], resolve_model(), load_settings(),
                                    pain={"movement": pain})
    show_result(record, analyses, [Path(clip)])


def test_results_page_shows_route_findings_and_program():
    clip, label = fault_clip("heel_lift")
    at = AppTest.from_function(_results_script, args=(str(clip), 0.0), default_timeout=120)
    at.run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    fault = label["faults"][0]["code"].replace("_", " ").capitalize()
    assert any(fault in e.label for e in at.expander), [e.label for e in at.expander]
    assert "Work on mobility" in at.warning[0].value
    assert "Ball roll under the sole of the foot" in text
    assert any("screen, not a diagnosis" in c.value for c in at.caption)


def test_pain_routes_to_pain_on_the_results_page():
    clip, _ = sample_clip(movement="deep_squat", view="side_left", clean=True)
    at = AppTest.from_function(_results_script, args=(str(clip), 4.0), default_timeout=120)
    at.run()
    assert not at.exception
    assert "Pain comes first" in at.error[0].value
