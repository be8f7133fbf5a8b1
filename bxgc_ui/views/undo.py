"""The upload page's history tab: every batch, and undoing one after a preview and a
confirmation (the latest batch first)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from bxgc_metrics.errors import BxgcError
from bxgc_ui import auth, data, fmt, widgets
from bxgc_ui.i18n import keyed, listed
from bxgc_ui.names import names
from bxgc_ui.views import upload as view
from bxgc_ui.views.upload import t
from bxgc_ui.widgets import refused

LARGE_UNDO = 1_000
"""An undo that deletes at least this many figures asks for the batch number typed."""


def history_tab(units: pd.DataFrame, indicators: pd.DataFrame) -> None:
    """The batches as imported, and the undo picker, preview and confirmation."""
    flash = st.session_state.pop("up_flash", None)
    if flash:
        st.success(fmt.md(flash))  # names the units it deleted: their names are text
    path, version = data.snapshot()  # a commit above in this run is in the history
    batches = data.batches(path, version)
    if batches.empty:
        st.info(t("up_no_batches"))
    else:
        widgets.table(st, view.batches_table(batches), hide_index=True)
        live = batches.loc[batches["status"] == "committed", "id"].astype(int).tolist()
        if live and auth.need("undo"):
            named = view.batch_labels(batches)
            # keyed by the latest batch: a new commit puts the picker back on the newest
            chosen = st.selectbox(
                t("up_undo_pick"),
                live,
                format_func=lambda b: named.get(b, str(b)),
                key=keyed(f"up_undo_pick_{live[0]}"),
            )
            pick = live[0] if chosen is None else int(chosen)
            preview = data.undo_preview(path, version, int(pick))
            counts = {"batch": pick, "removed": preview.removed, "restored": preview.restored}
            effect, done = t("up_undo_effect", **counts), t("up_undone", **counts)
            unit_names, ind_names = names(units), names(indicators)
            if preview.units or preview.indicators:
                gone = [unit_names.get(c, c) for c in preview.units]
                gone += [ind_names.get(c, c) for c in preview.indicators]
                effect += t("up_undo_codes", names=listed(gone))
                done += t("up_undone_codes", names=listed(gone))
            if preview.blocked_by:
                later = ", ".join(map(str, preview.blocked_by))
                st.warning(t("up_undo_blocked", batch=pick, later=later))
            else:
                st.markdown(fmt.md(effect))
                st.caption(t("up_undo_sample"))
                measures = view.measures_of(indicators)
                sample = view.undo_sample(preview, unit_names, ind_names, measures=measures)
                widgets.table(st, sample, hide_index=True)

                def close_undo() -> None:
                    st.session_state.pop("up_undo_open", None)

                @st.dialog(t("up_undo_title"), on_dismiss=close_undo)
                def confirm_undo() -> None:
                    st.markdown(fmt.md(named[int(pick)]))
                    st.markdown(fmt.md(effect))
                    typed = True
                    if preview.removed >= LARGE_UNDO:  # a month's whole data, the demo …
                        st.warning(t("up_undo_large", n=preview.removed))
                        answer = st.text_input(t("up_undo_type", batch=pick), key="up_undo_typed")
                        typed = answer.strip() == str(pick)
                    yes, no = st.columns(2)
                    if yes.button(
                        t("up_undo_confirm"), type="primary", key="up_undo_yes", disabled=not typed
                    ):
                        close_undo()
                        try:
                            auth.writer().undo_batch(int(pick))
                        except BxgcError as exc:
                            refused(exc)
                            return
                        st.session_state["up_flash"] = done
                        st.rerun()
                    if no.button(t("up_undo_cancel"), key="up_undo_no"):
                        close_undo()
                        st.rerun()

                if st.button(t("up_undo"), key="up_undo"):
                    st.session_state["up_undo_open"] = int(pick)
                if st.session_state.get("up_undo_open") == int(pick):
                    confirm_undo()
