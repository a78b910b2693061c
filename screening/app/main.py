"""The web app: `screening app` (or `streamlit run screening/app/main.py` in a checkout).

A multi-page Streamlit app. This file only sets the page up and lists the pages; each page
lives in `views/` and every decision lives in the layers below (`screening.engine`,
`screening.decide`, ...), which the CLI uses too. To add a page, put a file in `views/` and
add one `st.Page` line below.
"""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from screening.clinic.location import DB_URL_ENV_VAR
from screening.pose.native_log import route_native_stderr

# The pose model's C++ log lines go to logging, not the server's terminal (once per process,
# safe when several browser sessions open and close models at once).
route_native_stderr()

PAGES = Path(__file__).resolve().parent / "views"

# The icon is a local file: an icon name (":material/...") makes the browser fetch the
# favicon from Google's font servers, telling them someone opened the app.
ICON = Path(__file__).resolve().parent.parent / "data" / "icon.png"
st.set_page_config(page_title="Movement screen", page_icon=str(ICON), layout="centered")

# Set to 1 (`screening app --clinic`) to show the clinic pages from the start. (A comment,
# not a docstring: Streamlit would print a bare string in this script on the page.)
CLINIC_ENV_VAR = "SCREENING_CLINIC"


def clinic_shown() -> bool:
    """The clinic pages are for therapists: a person screening themselves at home sees
    only the screen unless they ask. A clinic asks by starting the app with --clinic or
    by pointing it at its database (SCREENING_DB_URL); anyone can switch them on here."""
    asked = os.environ.get(CLINIC_ENV_VAR) == "1" or bool(os.environ.get(DB_URL_ENV_VAR))
    return st.sidebar.toggle(
        "Clinic tools",
        value=asked,
        key="clinic_tools",
        help="Client records, reviews and progress, for therapists.",
    )


screen_pages = {
    "Screen": [
        st.Page(
            PAGES / "screen.py", title="Start a screen", icon=":material/videocam:", default=True
        ),
        st.Page(PAGES / "results.py", title="Your result", icon=":material/assignment:"),
    ],
}
clinic_pages = {
    "Clinic": [
        st.Page(PAGES / "clinic_clients.py", title="Clients", icon=":material/group:"),
        st.Page(PAGES / "clinic_client.py", title="Client history", icon=":material/person:"),
        st.Page(
            PAGES / "clinic_assessment.py", title="New assessment", icon=":material/add_a_photo:"
        ),
        st.Page(PAGES / "clinic_review.py", title="Review", icon=":material/rate_review:"),
        st.Page(PAGES / "clinic_progress.py", title="Progress", icon=":material/show_chart:"),
        st.Page(PAGES / "clinic_agreement.py", title="Agreement", icon=":material/fact_check:"),
    ],
}
navigation = st.navigation({**screen_pages, **(clinic_pages if clinic_shown() else {})})
navigation.run()
