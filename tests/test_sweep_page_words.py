"""The Sweep page's words: its Start button counts what a sweep trains, in words that agree with their numbers;
its stability column gives a score, or what a setting needs to have one."""
from deepclust_core.sweeps.spec import spec_from_values
from deepclust_core.sweeps.summary import SettingSummary
from ui.sweep_run import start_label

BLOBS = {"name": "blobs", "n_samples": 200}


def test_the_start_button_counts_trials_settings_and_seeds():
    grid = spec_from_values(BLOBS, ["dekm", "idec"], ["stop_tolerance=0.005,0.001", "cluster_epochs=2"], (0, 1))
    assert start_label(grid) == "Start 8 trials (4 settings × 2 seeds)"
    one = spec_from_values(BLOBS, ["dec"], ["cluster_epochs=2"], (0,))
    assert start_label(one) == "Start 1 trial (1 setting × 1 seed)"


def test_stability_reads_as_a_score_or_says_it_needs_two_seeds():
    def stability_cell(stability):  # as the page's stability column writes it
        return SettingSummary("dec", 2, 2, 0, 0, {}, {}, stability).stability_cell(missing="needs 2 seeds")

    assert stability_cell(0.91234) == "0.912"
    assert stability_cell(-0.004) == "-0.004"
    assert stability_cell(None) == "needs 2 seeds"
