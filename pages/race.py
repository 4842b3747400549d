"""Race: 2 to 4 methods cluster the same data side by side, live, from one pretrained autoencoder."""
import streamlit as st

from ui import data_picker, settings_form
from ui.navigation import inside_app
from ui.race_setup import current_race, pace_toggle, race_buttons, race_settings, slow_motion_toggle, start_if_asked
from ui.race_view import race_view

inside_app()

with st.sidebar:
    lecture = st.toggle("Lecture layout", key="lecture", persist_state="session",
                        help="For a projector: two methods' panels, their scoreboard lines and the ACC chart on one "
                             "1280 x 720 screen. Collapse this sidebar with « at its top.")
    pace_toggle()
    slow_motion_toggle()
    st.header("Data")
    data = settings_form.choose_subsample(data_picker.pick_data())
    k = settings_form.choose_k(data)
    st.header("Race")
    choice = race_settings(data, k)

start_if_asked(choice)
race = current_race()
if not lecture:
    st.title("Race: methods side by side")
race_buttons(choice, race)
if race is not None:
    race_view(race.lanes, lecture, active=lambda: race.active, status=lambda: race.status)
