"""What the clinic pages share: the open store, the chosen client, the clinic's name.

The clinic pages keep only ids in the session (which client, which assessment); every
record is read from the store on each run, so two browser tabs never disagree for long.
"""

from __future__ import annotations

import re

import streamlit as st

from screening.clinic import Store, StoreError, default_db_url, open_store

CLIENTS_PAGE = "views/clinic_clients.py"
CLIENT_PAGE = "views/clinic_client.py"
ASSESSMENT_PAGE = "views/clinic_assessment.py"
REVIEW_PAGE = "views/clinic_review.py"
PROGRESS_PAGE = "views/clinic_progress.py"
AGREEMENT_PAGE = "views/clinic_agreement.py"

CLIENT_KEY = "clinic.client_id"
ASSESSMENT_KEY = "clinic.assessment_id"
CLINIC_NAME_KEY = "clinic.name"
THERAPIST_KEY = "clinic.therapist"
ERASED_KEY = "clinic.erased"

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")


def plain(text: str) -> str:
    """User text made inert for Markdown: a name like `![x](http://...)` stays text and can
    never make the browser fetch anything."""
    return _MARKDOWN.sub(r"\\\1", text)


@st.cache_resource(show_spinner=False)
def _store(url: str) -> Store:
    return open_store(url)


def clinic_store() -> Store:
    """The clinic database (SCREENING_DB_URL or the private per-user file), opened once."""
    try:
        return _store(default_db_url())
    except StoreError as exc:
        st.error(f"The clinic records cannot be opened: {exc}")
        st.stop()


def _kept_input(label: str, key: str) -> None:
    """A text input whose value survives moving between pages.

    Streamlit forgets a widget's value when another page is shown, even under the same
    key; the value is therefore kept under `key` and the widget only edits a copy of it.
    """
    widget = f"{key}.input"
    st.session_state[widget] = st.session_state.get(key, "")

    def keep() -> None:
        st.session_state[key] = st.session_state[widget]

    st.text_input(label, key=widget, on_change=keep)


def clinic_sidebar() -> None:
    """The clinic's name and the therapist's, printed on reports and saved with work."""
    with st.sidebar:
        _kept_input("Clinic name (printed on reports)", CLINIC_NAME_KEY)
        _kept_input("Therapist", THERAPIST_KEY)


def chosen_client() -> int | None:
    return st.session_state.get(CLIENT_KEY)


def open_client(client_id: int) -> None:
    st.session_state[CLIENT_KEY] = client_id
    st.switch_page(CLIENT_PAGE)


def need_client() -> int:
    """The chosen client's id, or a pointer to the client list and a stop."""
    client_id = chosen_client()
    if client_id is None:
        st.info("Choose a client first.")
        st.page_link(CLIENTS_PAGE, label="Clients", icon=":material/group:")
        st.stop()
    return client_id
