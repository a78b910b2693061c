"""Shared pytest fixtures."""

from __future__ import annotations

import os
import tempfile

import pytest

# The app remembers choices in the per-user data folder (screening.app.preferences); tests and
# the app servers they start use a folder of their own, never the real user's.
os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="screening-test-data-")


@pytest.fixture
def settings():
    from screening.core.settings import load_settings

    return load_settings()
