"""Functional movement screen: squat and lunge analysis from video, offline, with MediaPipe."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("screening")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0+source"
