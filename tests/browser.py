"""Browser-test helpers: the app as a real server, Debian's Chromium with a fake webcam.

Reusable by any page's browser test (the clinic pages use them too):

    from .browser import app_server, chromium_page, webcam_y4m

    def test_x(tmp_path):
        clip = webcam_y4m(SAMPLES / "deep_squat__side_right__heel_lift.mp4", tmp_path)
        with app_server() as url, chromium_page(tmp_path, fake_webcam=clip) as page:
            page.goto(url)

Playwright never downloads a browser here: it drives /usr/bin/chromium (apt). When that
is missing the tests skip, saying how to install it; `./run.sh test` installs it as root.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest

from screening.app.server import MAIN_SCRIPT, streamlit_command

from .builders import ROOT, SAMPLES
from .media import read_frames, sample_labels

ARTIFACTS = Path(os.environ.get("SCREENING_TEST_ARTIFACTS", ROOT / "test-artifacts"))
"""Where browser tests leave screenshots (ignored by git; CI can upload the folder)."""

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


HEEL_LIFT_SIDE = "deep_squat__side_right__heel_lift.mp4"
KNEE_VALGUS_FRONT = "deep_squat__front__knee_valgus.mp4"
HEEL_LIFT_OBLIQUE = "deep_squat__oblique__heel_lift.mp4"
LUNGE_BALANCE_FRONT = "lunge__front__balance_loss.mp4"


def named_clip(name: str) -> tuple[Path, dict]:
    """A sample clip by file name, with its truth. The app's tests name the clip they mean,
    so clips added to the sample set later do not change what they test."""
    return SAMPLES / name, sample_labels()[name]


def chromium_path() -> str:
    """Debian's Chromium, or skip the test with the way to get it."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.skip(
            "Chromium is not installed (as root: apt-get install chromium, or run ./run.sh test)"
        )
    pytest.importorskip(
        "playwright", reason="playwright is in the test extra: pip install -e '.[test]'"
    )
    return found


def webcam_y4m(
    clip: Path,
    out_dir: Path,
    width: int = 640,
    height: int = 480,
    fps: int = 30,
    portrait: bool = False,
) -> Path:
    """A video clip as the raw YUV4MPEG file Chromium's fake webcam plays (in a loop).

    Frames are scaled to width x height. portrait: a phone held upright instead, 480x640,
    from the middle three quarters of the clip's width (the person stands in the middle).
    """
    if portrait:
        width, height = 480, 640
    out = out_dir / f"{clip.stem}{'_portrait' if portrait else ''}.y4m"
    with out.open("wb") as fh:
        fh.write(f"YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        for rgb in read_frames(clip):
            if portrait:
                keep = rgb.shape[1] * 3 // 8
                middle = rgb.shape[1] // 2
                rgb = np.ascontiguousarray(rgb[:, middle - keep : middle + keep])
            if rgb.shape[:2] != (height, width):
                rgb = cv2.resize(rgb, (width, height), interpolation=cv2.INTER_AREA)
            fh.write(b"FRAME\n")
            fh.write(cv2.cvtColor(rgb, cv2.COLOR_RGB2YUV_I420).tobytes())
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def app_server(
    app: Path = MAIN_SCRIPT, timeout_s: float = 90.0, env: dict[str, str] | None = None
) -> Iterator[str]:
    """Run the app (`app`, the main script by default) on a free localhost port, with the
    options `screening app` uses; yields its URL."""
    port = _free_port()
    command = streamlit_command(port)
    command[command.index(str(MAIN_SCRIPT))] = str(app)
    log = ARTIFACTS / f"streamlit-{port}.log"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        proc = subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + timeout_s
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"the app server exited; see {log}")
                with (
                    contextlib.suppress(OSError),
                    urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r,
                ):
                    if r.status == 200:
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the app server did not start in {timeout_s:.0f} s")
                time.sleep(0.3)
            yield url
        except BaseException:
            # What the server said goes into the test's output, so a failure on CI shows it.
            out.flush()
            tail = log.read_text(errors="replace").splitlines()[-40:]
            print(f"--- the last lines of {log.name} ---", *tail, sep="\n")
            raise
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@contextlib.contextmanager
def chromium_page(
    profile_dir: Path, fake_webcam: Path | None = None, viewport: tuple[int, int] = (1280, 1600)
) -> Iterator[object]:
    """A Playwright page in a fresh headless Chromium profile, optionally with a fake webcam
    playing `fake_webcam` (a .y4m from `webcam_y4m`) and camera access granted."""
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    args = list(CHROMIUM_FLAGS)
    if fake_webcam is not None:
        args += [
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={fake_webcam}",
        ]
    profile = profile_dir / "chromium-profile"
    profile.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile),
            executable_path=executable,
            headless=True,
            args=args,
            viewport={"width": viewport[0], "height": viewport[1]},
        )
        try:
            page = context.pages[0] if context.pages else context.new_page()
            try:
                yield page
            except BaseException:
                _show_failed_page(page)
                raise
        finally:
            context.close()


SPEECH_HOOK = """
(() => {
  const top = window.top;
  if (!top.__spoken) top.__spoken = [];
  if (!window.speechSynthesis) return;
  const speak = window.speechSynthesis.speak.bind(window.speechSynthesis);
  window.speechSynthesis.speak = (utterance) => {
    top.__spoken.push(utterance.text);
    try { speak(utterance); } catch (e) {}
  };
})();
"""
"""A script for every frame of a page: what the page asks the browser to say aloud is
kept, in order, in the top window's `__spoken` (and still passed on to the voice)."""


def spoken(page: object) -> list[str]:
    """What the page has said aloud so far (needs `SPEECH_HOOK` added before loading)."""
    return list(page.evaluate("window.__spoken || []"))  # type: ignore[attr-defined]


def _show_failed_page(page: object) -> None:
    """Print what the page said when a test failed (CI shows a failing test's output) and
    keep a screenshot of it."""
    with contextlib.suppress(Exception):
        screenshot(page, "failed-page")
    with contextlib.suppress(Exception):
        text = page.inner_text("body", timeout=5_000)  # type: ignore[attr-defined]
        print("--- the page when the test failed ---", text[-3000:], sep="\n")


def frame_with_button(page: object, name: str, timeout_s: float = 60.0) -> object:
    """The frame (page or component iframe) holding a button called `name`.

    Streamlit components such as the WebRTC player live in iframes; their buttons are not
    in the page's own document.
    """
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for frame in page.frames:  # type: ignore[attr-defined]
            button = frame.get_by_role("button", name=name)
            with contextlib.suppress(Exception):
                if button.count() > 0 and button.first.is_visible():
                    return frame
        time.sleep(0.5)
    raise AssertionError(f"no button called {name!r} appeared in {timeout_s:.0f} s")


def start_camera(page: object, attempts: int = 3, timeout_s: float = 30.0) -> None:
    """Press the player's 'Start the camera' until it plays (its 'Stop the camera' shows).

    A rerun of the page (after choosing a view, say) can replace the player's iframe just
    as it is clicked; on a loaded machine the click then lands on the old one and is lost.
    """
    for _ in range(attempts):
        player = frame_with_button(page, "Start the camera")
        with contextlib.suppress(Exception):
            player.get_by_role("button", name="Start the camera").first.click(timeout=10_000)
        with contextlib.suppress(AssertionError):
            frame_with_button(page, "Stop the camera", timeout_s=timeout_s)
            return
    raise AssertionError(f"the camera did not start after {attempts} presses")


def settle(page: object, timeout_s: float = 300.0) -> None:
    """Wait until the app has finished running (its "running" widget gone for a second)."""
    deadline, quiet_since = time.monotonic() + timeout_s, None
    while time.monotonic() < deadline:
        if page.locator("[data-testid=stStatusWidget]").count():
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since > 1.0:
            return
        time.sleep(0.2)
    raise AssertionError(f"the app was still running after {timeout_s:.0f} s")


def choose_file(page: object, index: int, path: Path, done: object) -> None:
    """Choose `path` in the page's `index`-th file uploader and wait until the locator
    `done` (what the page shows once the file is taken) is visible.

    Why the second try: on a machine loaded with two renderers and the test suite on two
    cores, a chosen file was dropped once: no file shown under the uploader, nothing in the
    server's log, the page waiting for ever. A person would see that no file is shown and
    choose it again; so does this, once, after 60 s without the file showing.
    """
    uploader = page.locator("[data-testid=stFileUploader]").nth(index)  # type: ignore[attr-defined]
    for _ in range(2):
        page.locator("input[type=file]").nth(index).set_input_files(str(path))  # type: ignore[attr-defined]
        deadline = time.monotonic() + 60.0
        while time.monotonic() < deadline:
            if done.count() or uploader.locator("[data-testid=stFileChip]").count():  # type: ignore[attr-defined]
                done.wait_for(timeout=300_000)  # type: ignore[attr-defined]
                return
            time.sleep(0.5)
        settle(page)
    raise AssertionError(f"uploader {index} did not take {path.name} in two tries")


def screenshot(page: object, name: str) -> Path:
    """Save a full-page screenshot under ARTIFACTS and return its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    return path
