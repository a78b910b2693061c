"""Clinic: one client's history, exports of their work, and erasing them on request."""

from __future__ import annotations

import streamlit as st

from screening.app.clinic_common import (
    ASSESSMENT_KEY,
    ASSESSMENT_PAGE,
    CLIENT_KEY,
    CLIENTS_PAGE,
    ERASED_KEY,
    PROGRESS_PAGE,
    REVIEW_PAGE,
    clinic_sidebar,
    clinic_store,
    need_client,
    plain,
)
from screening.clinic import StoreError
from screening.clinic.exports import export, export_file_name
from screening.clinic.repository import client_assessments, delete_client, get_client
from screening.clinic.review import reviewed_result
from screening.core.wording import ROUTE_WORDS


def _route(route: str | None) -> str:
    return ROUTE_WORDS[route][0] if route in ROUTE_WORDS else "no route"


def _history(client_id: int) -> None:
    assessments = client_assessments(clinic_store(), client_id)
    if not assessments:
        st.info("No assessments yet.")
    for a in reversed(assessments):
        with st.container(border=True):
            head, button = st.columns([4, 1], vertical_alignment="center")
            lines = [
                f"**{a.performed_on.isoformat()}**"
                + (f", {plain(a.therapist)}" if a.therapist else "")
            ]
            for result in a.results:
                r = reviewed_result(result)
                movement = (result.movement or "movement").replace("_", " ")
                fms = "-" if r.fms is None else r.fms
                if r.fms != r.machine_fms:
                    fms = f"{fms} (screen {'-' if r.machine_fms is None else r.machine_fms})"
                route = (
                    f"{_route(r.machine_route)} (screen), {_route(r.route)} (reviewed)"
                    if r.reviewed
                    else f"{_route(r.route)} (not reviewed yet)"
                )
                lines.append(f"{movement.capitalize()}: FMS {fms}; {route}")
            if a.notes:
                lines.append(plain(a.notes))
            head.markdown("  \n".join(lines))
            if button.button("Review", key=f"clinic.review.{a.id}"):
                st.session_state[ASSESSMENT_KEY] = a.id
                st.switch_page(REVIEW_PAGE)


def _exports(client_id: int, name: str) -> None:
    st.subheader("Export")
    csv_col, json_col = st.columns(2)
    csv_col.download_button(
        "Assessments (CSV)",
        export(clinic_store(), "csv", client_id),
        file_name=export_file_name(name, "csv"),
        mime="text/csv",
    )
    json_col.download_button(
        "Assessments (JSON)",
        export(clinic_store(), "json", client_id),
        file_name=export_file_name(name, "json"),
        mime="application/json",
    )


def _erase(client_id: int, name: str) -> None:
    with st.expander("Delete this client"):
        st.warning(
            "This deletes the client and everything of theirs: every assessment, "
            "result, review and kept video. It cannot be undone."
        )
        typed = st.text_input("To confirm, type the client's name", key="clinic.erase.name")
        if st.button(
            "Delete everything", type="primary", disabled=typed.strip() != name, key="clinic.erase"
        ):
            try:
                erased = delete_client(clinic_store(), client_id)
            except StoreError as exc:
                st.error(f"Nothing was deleted: {exc}.")
                return
            del st.session_state[CLIENT_KEY]
            st.session_state.pop(ASSESSMENT_KEY, None)
            st.session_state[ERASED_KEY] = erased
            st.switch_page(CLIENTS_PAGE)


def main() -> None:
    clinic_sidebar()
    client_id = need_client()
    try:
        client = get_client(clinic_store(), client_id)
    except StoreError as exc:
        st.error(str(exc))
        st.page_link(CLIENTS_PAGE, label="Clients", icon=":material/group:")
        return
    st.title(plain(client.name))
    if client.reference or client.notes:
        st.caption(plain(" - ".join(t for t in (client.reference, client.notes) if t)))
    new, progress = st.columns(2)
    if new.button("New assessment", type="primary", icon=":material/add:"):
        st.switch_page(ASSESSMENT_PAGE)
    if progress.button("Progress", icon=":material/show_chart:", disabled=client.assessments == 0):
        st.switch_page(PROGRESS_PAGE)
    st.subheader("History")
    _history(client_id)
    if client.assessments:
        _exports(client_id, client.name)
    _erase(client_id, client.name)


main()
