"""Train: pick data and a method, press Start, and watch every epoch."""
import streamlit as st

from ui import branch, data_picker, exports, new_rows, presets, run_state, settings_form
from ui.data_preview import data_preview
from ui.k_helper import k_helper
from ui.live_view import live_view
from ui.navigation import inside_app
from ui.run_buttons import run_buttons, start_if_asked
from ui.run_estimate import run_estimate

inside_app()

with st.sidebar:
    lecture = st.toggle("Lecture layout", key="lecture", persist_state="session",
                        help="For a projector: panels, scoreboard and ACC curve on one 1280 x 720 screen. "
                             "Collapse this sidebar with « at its top.")
    run_state.pace_toggle()
    run_state.slow_motion_toggle()
    st.header("Data")
    data = settings_form.choose_subsample(data_picker.pick_data())
    k = settings_form.choose_k(data)
    st.header("Method")
    method = settings_form.method_picker()
    presets.preset_bar(method, data)
    options = settings_form.method_options(method, data)
    st.header("Training")
    training = settings_form.training_settings(method, data)

choice = settings_form.build_choice(data, k, method, options, training, data_picker.take_problem())
start_if_asked(choice)
run = run_state.current_run()
if not lecture:
    st.title("Watch deep clustering learn")
buttons_show = run_buttons(choice, run)
with st.sidebar if lecture else st.container():  # a lecture's screen keeps its height for the charts
    run_estimate(choice, run)
live_view(run, lecture, buttons_show)
exports.finished_run_exports(run)
new_rows.new_rows_section(run)
if data is not None:
    with st.expander("Data preview", expanded=run is None):
        data_preview(data)
    k_helper(choice, busy=run is not None and run.active)
branch.branch_expander(run)
