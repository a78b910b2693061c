"""The app in a real browser: Debian's Chromium, driven by Playwright, a clip as the webcam.

A live screen end to end: start the app, start the camera (a sample clip played by
Chromium's fake webcam), let the guidance, countdown and rep counter run, and check that
the results page shows the route and the findings of that clip. And an upload screen.
Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import re

import pytest

from .browser import (
    HEEL_LIFT_OBLIQUE,
    HEEL_LIFT_SIDE,
    KNEE_VALGUS_FRONT,
    SPEECH_HOOK,
    app_server,
    choose_file,
    chromium_page,
    named_clip,
    screenshot,
    settle,
    spoken,
    start_camera,
    webcam_y4m,
)

pytestmark = pytest.mark.slow


def test_live_screen_end_to_end_with_a_fake_webcam(tmp_path):
    clip, label = named_clip(HEEL_LIFT_SIDE)
    assert label["view"] == "side_right" and label["movement"] == "deep_squat"
    webcam = webcam_y4m(clip, tmp_path)
    with app_server() as url, chromium_page(tmp_path, fake_webcam=webcam) as page:
        page.add_init_script(SPEECH_HOOK)
        page.goto(url)
        page.get_by_role("heading", name="Movement screen").wait_for(timeout=60_000)
        # Defaults: no pain, deep squat, filmed from the side; the live tab is open.
        start_camera(page)
        # Guided: a countdown once the person stands right, then the rep counter.
        page.get_by_text("Get ready: recording starts in").wait_for(timeout=120_000)
        page.get_by_text("Recording. Reps:").wait_for(timeout=60_000)
        screenshot(page, "browser_live_recording")
        try:
            page.get_by_role("heading", name="Your result", exact=True).wait_for(timeout=180_000)
        finally:
            screenshot(page, "browser_live_screen")
        page.get_by_text("Work on mobility").first.wait_for(timeout=30_000)
        fault = label["faults"][0]["code"].replace("_", " ").capitalize()
        page.get_by_text(fault).first.wait_for(timeout=30_000)
        page.get_by_text("Reps found").wait_for(timeout=30_000)
        screenshot(page, "browser_live_result")
        # Said aloud, in order: the countdown, the start, each rep, the end.
        said = spoken(page)
        assert said, "nothing was said aloud"
        steps = [
            said.index("3"),
            said.index("1"),
            said.index("Recording: 3 more reps, slowly"),
            said.index("1", said.index("Recording: 3 more reps, slowly")),
            said.index("Done. Analysing your movement..."),
        ]
        assert steps == sorted(steps), said


@pytest.mark.parametrize(
    ("view", "name"), [("From the front", KNEE_VALGUS_FRONT), ("At 45 degrees", HEEL_LIFT_OBLIQUE)]
)
def test_live_screen_from_the_front_and_at_45_degrees(tmp_path, view, name):
    """The view chosen on the page is the one the guide asks for: a person filmed from the
    front (or at 45 degrees) is guided through to a result, not told to turn sideways."""
    clip, label = named_clip(name)
    webcam = webcam_y4m(clip, tmp_path)
    with app_server() as url, chromium_page(tmp_path, fake_webcam=webcam) as page:
        page.goto(url)
        page.get_by_role("heading", name="Movement screen").wait_for(timeout=60_000)
        page.get_by_text(view, exact=True).click()
        settle(page)
        start_camera(page)
        page.get_by_text("Recording. Reps:").wait_for(timeout=120_000)
        page.get_by_role("heading", name="Your result", exact=True).wait_for(timeout=180_000)
        screenshot(page, f"browser_live_{label['view']}")
        fault = label["faults"][0]["code"].replace("_", " ").capitalize()
        page.get_by_text(fault).first.wait_for(timeout=30_000)


def test_stop_with_nothing_recorded_says_so_and_the_guide_goes_on(tmp_path):
    """Stopping before recording starts: the page says nothing was recorded, and the
    camera, still on, guides a fresh take through to its countdown."""
    clip, _ = named_clip(HEEL_LIFT_SIDE)
    webcam = webcam_y4m(clip, tmp_path)
    with app_server() as url, chromium_page(tmp_path, fake_webcam=webcam) as page:
        page.goto(url)
        page.get_by_role("heading", name="Movement screen").wait_for(timeout=60_000)
        settle(page)  # the first run's last rerun can swap the player just as it is started
        start_camera(page)
        # Standing right, before recording: the hold (1 s) or the countdown (3 s).
        page.get_by_text(
            re.compile("Good. Stand tall|Get ready: recording starts in")
        ).first.wait_for(timeout=120_000)
        page.get_by_role("button", name="Stop and analyse now").click()
        page.get_by_text("Nothing was recorded").first.wait_for(timeout=60_000)
        screenshot(page, "browser_live_nothing_recorded")
        page.get_by_text("Get ready: recording starts in").wait_for(timeout=120_000)


def test_a_portrait_camera_is_used_whole(tmp_path):
    """A phone held upright (480x640): the whole picture reaches the screen, so a person
    filling it from head to feet is accepted, recorded and screened, not told to step
    back."""
    clip, _ = named_clip(HEEL_LIFT_SIDE)
    webcam = webcam_y4m(clip, tmp_path, portrait=True)
    with app_server() as url, chromium_page(tmp_path, fake_webcam=webcam) as page:
        page.goto(url)
        page.get_by_role("heading", name="Movement screen").wait_for(timeout=60_000)
        settle(page)  # the first run's last rerun can swap the player just as it is started
        start_camera(page)
        page.get_by_text("Recording. Reps:").wait_for(timeout=120_000)
        screenshot(page, "browser_live_portrait")
        page.get_by_role("heading", name="Your result", exact=True).wait_for(timeout=180_000)
        page.get_by_text("Reps found").wait_for(timeout=30_000)


def test_upload_screen_in_the_browser(tmp_path):
    clip, label = named_clip(KNEE_VALGUS_FRONT)
    assert label["view"] == "front"
    with app_server() as url, chromium_page(tmp_path) as page:
        page.goto(url)
        page.get_by_role("heading", name="Movement screen").wait_for(timeout=60_000)
        settle(page)
        page.get_by_role("tab", name="Upload videos").click()
        screen = page.get_by_role("button", name="Screen my videos")
        choose_file(page, 0, clip, screen.and_(page.locator(":enabled")))
        screen.click()
        page.get_by_role("heading", name="Your result", exact=True).wait_for(timeout=120_000)
        page.get_by_text("Work on stability").first.wait_for(timeout=30_000)
        page.get_by_text("Knee valgus").first.wait_for(timeout=30_000)
        screenshot(page, "browser_upload_result")
