"""Shared pytest fixtures."""

from __future__ import annotations

import pytest


@pytest.fixture
def settings():
    from screening.settings import load_settings

    return load_settings()
