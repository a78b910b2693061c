"""The web app: `streamlit run app.py` or `screening app`.

A multi-page Streamlit app. This file only sets the page up and lists the pages; each page
lives in `app_pages/` and every decision lives in the `screening` package, which the CLI
uses too. To add a page, put a file in `app_pages/` and add one `st.Page` line below.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from screening.native_log import route_native_stderr

# The pose model's C++ log lines go to logging, not the server's terminal (once per process,
# safe when several browser sessions open and close models at once).
route_native_stderr()

PAGES = Path(__file__).resolve().parent / "app_pages"

# The icon is a local file: an icon name (":material/...") makes the browser fetch the
# favicon from Google's font servers, telling them someone opened the app.
ICON = Path(__file__).resolve().parent / "screening" / "data" / "icon.png"
st.set_page_config(page_title="Movement screen", page_icon=str(ICON), layout="centered")

navigation = st.navigation({
    "Screen": [
        st.Page(PAGES / "screen.py", title="Start a screen", icon=":material/videocam:",
                default=True),
        st.Page(PAGES / "results.py", title="Your result", icon=":material/assignment:"),
    ],
    "Clinic": [
        st.Page(PAGES / "clinic_clients.py", title="Clients", icon=":material/group:"),
        st.Page(PAGES / "clinic_client.py", title="Client history", icon=":material/person:"),
        st.Page(PAGES / "clinic_assessment.py", title="New assessment",
                icon=":material/add_a_photo:"),
        st.Page(PAGES / "clinic_review.py", title="Review", icon=":material/rate_review:"),
        st.Page(PAGES / "clinic_progress.py", title="Progress", icon=":material/show_chart:"),
    ],
})
navigation.run()
