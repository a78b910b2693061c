"""How the app's Streamlit server is started: one place for its options.

`screening app` passes these on the command line, so an installed package behaves the
same wherever it is started from; `.streamlit/config.toml` in a checkout repeats them for
people who run `streamlit run screening/app/main.py` by hand, and a test keeps the two
equal. This module does not import Streamlit, so the CLI starts fast.
"""

from __future__ import annotations

import sys
from pathlib import Path

MAIN_SCRIPT = Path(__file__).resolve().parent / "main.py"
"""The app's entry script (pages live beside it in `views/`)."""

LOCAL_ADDRESS = "127.0.0.1"
"""Private by default: only this machine can reach the app."""

OPTIONS: dict[str, str | int | bool] = {
    "server.address": LOCAL_ADDRESS,
    "server.maxUploadSize": 200,  # MB; the upload page states this limit
    "browser.gatherUsageStats": False,  # no telemetry
    "browser.serverAddress": "localhost",
    "client.toolbarMode": "minimal",  # no "Deploy" button or developer menu
}


def _flag(value: str | int | bool) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def streamlit_command(port: int, address: str = LOCAL_ADDRESS, headless: bool = True) -> list[str]:
    """The `python -m streamlit run` command line for the app on `address:port`; headless
    means no browser window is opened (a server, a test, a machine without a screen)."""
    options = {
        **OPTIONS,
        "server.address": address,
        "server.port": port,
        "server.headless": headless,
    }
    command = [sys.executable, "-m", "streamlit", "run", str(MAIN_SCRIPT)]
    for key, value in options.items():
        command += [f"--{key}", _flag(value)]
    return command
