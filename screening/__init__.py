"""Functional movement screen: squat and lunge analysis from video, offline, with MediaPipe."""

import os
from importlib.metadata import PackageNotFoundError, version

# Damaged videos make FFmpeg and OpenCV print warnings straight to stderr, which would break
# our promise of one clear line per failed file. Set before anything imports cv2; a user can
# still turn them on by setting these variables.
os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")
os.environ.setdefault("OPENCV_LOG_LEVEL", "SILENT")

try:
    __version__ = version("screening")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0+source"
