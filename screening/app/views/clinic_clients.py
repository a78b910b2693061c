"""Clinic: the client list with search, a new client, and exports of everyone's work."""

from __future__ import annotations

import streamlit as st

from screening.app.clinic_common import (
    ERASED_KEY,
    clinic_sidebar,
    clinic_store,
    open_client,
    plain,
)
from screening.clinic import StoreError
from screening.clinic.exports import export, export_file_name
from screening.clinic.repository import create_client, find_clients


def _new_client() -> None:
    with st.form("clinic.new_client", clear_on_submit=True):
        name = st.text_input("Name")
        reference = st.text_input(
            "Reference (optional)", help="The clinic's own number or code for this client."
        )
        notes = st.text_area("Notes (optional)")
        if st.form_submit_button("Add client", type="primary"):
            try:
                client_id = create_client(clinic_store(), name, reference, notes)
            except StoreError as exc:
                st.error(f"The client was not added: {exc}.")
                return
            open_client(client_id)


def main() -> None:
    st.title("Clients")
    st.caption("Clinic records stay on this computer (or your clinic's own database).")
    clinic_sidebar()
    erased = st.session_state.pop(ERASED_KEY, None)
    if erased is not None:
        st.success(
            f"{plain(erased.name)} was deleted, with {erased.assessments} "
            f"assessment{'s' if erased.assessments != 1 else ''} and "
            f"{erased.files_deleted} kept video{'s' if erased.files_deleted != 1 else ''}."
        )
        if erased.files_left:
            st.info(
                "These videos were the clinic's own files, not copies, and were left "
                "where they are: " + plain(", ".join(erased.files_left))
            )
    store = clinic_store()
    search = st.text_input(
        "Search by name or reference", key="clinic.search", placeholder="Type part of a name"
    )
    clients = find_clients(store, search)
    if not clients:
        st.info("No client matches." if search else "No clients yet: add the first one below.")
    for c in clients:
        name, info, button = st.columns([3, 3, 1], vertical_alignment="center")
        name.markdown(f"**{plain(c.name)}**" + (f"  \n{plain(c.reference)}" if c.reference else ""))
        last = c.last_assessed.isoformat() if c.last_assessed else "never"
        info.caption(f"{c.assessments} assessment{'s' if c.assessments != 1 else ''}, last {last}")
        if button.button("Open", key=f"clinic.open.{c.id}"):
            open_client(c.id)
    with st.expander("Add a client", expanded=not clients and not search):
        _new_client()
    if clients:
        st.subheader("Export everyone's assessments")
        csv_col, json_col = st.columns(2)
        csv_col.download_button(
            "All assessments (CSV)",
            export(store, "csv"),
            file_name=export_file_name("all-clients", "csv"),
            mime="text/csv",
        )
        json_col.download_button(
            "All assessments (JSON)",
            export(store, "json"),
            file_name=export_file_name("all-clients", "json"),
            mime="application/json",
        )


main()
