"""Runs: every recorded run (from the app, the CLI or Python) and the shipped examples.
Open one to replay it in the live view's panels and curves, export it, or branch from it."""
import streamlit as st

from deepclust_core.runs.store import default_home
from ui import branch, exports, new_rows, run_library, runs_table
from ui.live_view import live_view
from ui.race_view import race_view
from ui.navigation import inside_app

inside_app()

st.title("Runs")
st.caption(f"Every run is saved as it trains, in {default_home()} (set DEEPCLUST_HOME to move it). "
           "Examples ship with the app and are read-only.")
shown = runs_table.filtered(run_library.records())
runs_table.table(shown)
record = runs_table.pick(shown)
runs_table.delete_controls(shown)

if record is not None:
    st.subheader((f"{record.name}: " if record.name else "") + f"{record.method} on {record.data.name}"
                 + (" (example)" if record.read_only else ""))
    runs_table.name_field(record)
    st.caption(record.key_settings() + (f" · branched from {record.parent.run_id} at epoch {record.parent.epoch}"
                                        if record.parent else ""))
    if record.n_snapshots == 0 and not record.active:
        st.info(f"This run ended ({record.status}) before its first epoch. {record.error or ''}")
    elif record.race:  # one method of a race: the race reopens, every method side by side
        lanes = run_library.open_race(record)
        st.caption(f"One of the {len(lanes)} methods of race {record.race}: Play replays all of them in step.")
        race_view(lanes, lecture=st.session_state.get("lecture", False),
                  active=lambda: any(lane.active for lane in lanes))
        run = next(lane for lane in lanes if lane.run_id == record.id)
        exports.export_buttons(run.store, run.record)
        branch.branch_expander(run)
    else:
        run = run_library.open_run(record.id)
        live_view(run)
        exports.export_buttons(run.store, run.record)
        new_rows.new_rows_section(run)
        branch.branch_expander(run)
