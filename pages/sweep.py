"""Sweep: many runs at once on Ray (methods × values × seeds), each an ordinary run on the Runs page.
Set one up and start it; watch every trial's status and latest epoch; then read the table by
setting (mean ± std over seeds), each setting's ACC curves and its stability. Stop cancels what is left."""
import streamlit as st

from ui import access, data_picker, run_library, sweep_results, sweep_run, sweep_setup
from ui.navigation import inside_app

inside_app()

st.title("Sweep")
st.caption("Every method × every combination of the values × every seed is one trial, trained on Ray (a local "
           "instance, or the cluster at RAY_ADDRESS) and recorded in your run store like any run.")
with st.sidebar:
    st.header("Data")
    data = data_picker.pick_data()
    st.header("Sweep")
    spec = sweep_setup.sweep_spec(data)

sweep_run.start_if_asked(spec, data)
running = sweep_run.current()
busy = running is not None and running.active
store = run_library.user_store()  # None: it cannot be used, and the line above the page says why
if spec is not None:
    st.button(sweep_run.start_label(spec),
              type="primary", key="sweep:start", disabled=busy or store is None or not access.can_change(),
              help=access.why_not() or (None if store else "A sweep records every trial: the run store cannot be used."),
              on_click=sweep_run.ask_to_start)
if running is not None:
    sweep_run.live_status(running)

recorded = sweep_results.sweep_ids(store) if store else []
if recorded and not busy:
    st.subheader("Results")
    shown = st.selectbox("Sweep", recorded, key="sweep:shown",
                         index=recorded.index(running.sweep_id) if running and running.sweep_id in recorded else 0)
    sweep_results.results(store, shown)
