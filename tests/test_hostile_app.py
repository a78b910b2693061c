"""Hostile files uploaded on the app's start page: one clear error each, nothing crashes."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from screening.app.server import MAIN_SCRIPT

from .hostile import CORPUS

UPLOADS = {  # corpus file -> the name it is uploaded under (the name does not matter)
    "photo.mp4": "squat.mp4",
    "photo.mov": "squat.mov",
    "zip_bomb.mp4": "squat.mp4",
    "audio_only.mp4": "squat.m4v",
    "decode_bomb.mp4": "squat.mp4",
    "huge_dimensions.y4m": "squat.mkv",  # a raw-video header declaring 16000 x 16000
    "one_pixel_tall.mkv": "squat.mkv",
    "corrupt_header.mp4": "squat.mp4",
    "ten_hours.mp4": "squat.mp4",
}


@pytest.mark.slow
def test_hostile_uploads_give_one_clear_error_each(tmp_path):
    at = AppTest.from_file(str(MAIN_SCRIPT), default_timeout=120).run()
    assert not at.exception
    for name, upload_name in UPLOADS.items():
        entry = next(e for e in CORPUS if e.name == name)
        path = tmp_path / name
        entry.make(path)
        uploader = next(u for u in at.get("file_uploader") if u.label == "Video from the front")
        uploader.set_value((upload_name, path.read_bytes(), "video/mp4"))
        at.run()
        assert not at.exception, (name, at.exception)
        errors = [e.value for e in at.error]
        assert len(errors) == 1, (name, errors)
        assert errors[0].startswith("This video could not be used: "), errors[0]
        assert entry.expect in errors[0] and "\n" not in errors[0], (name, errors[0])
        screen = next(b for b in at.button if b.label == "Screen my videos")
        assert screen.disabled  # nothing usable was uploaded
