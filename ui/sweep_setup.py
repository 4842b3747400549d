"""The Sweep page's set-up: methods, the values to sweep, the seeds; the SweepSpec they make.

Each line of "Values to sweep" is one axis of the grid, NAME=V1,V2 as in the CLI's --option
(deepclust_core.sweeps.spec): a method's option, a training or autoencoder field, or k. A bad
line shows its one-line reason and no spec.
"""
from __future__ import annotations

import streamlit as st

from deepclust_core.catalog import CARDS
from deepclust_core.data.dataset import Dataset
from deepclust_core.sweeps.spec import SweepSpec, parse_seeds, spec_from_values

EXAMPLE_VALUES = "stop_tolerance=0.005,0.001"


def sweep_spec(data: Dataset | None) -> SweepSpec | None:
    """The set-up widgets; the sweep they describe, or None with the reason shown."""
    methods = st.multiselect("Methods", list(CARDS), default=["dekm", "idec"], key="sweep:methods",
                             format_func=lambda name: CARDS[name].title)
    lines = st.text_area("Values to sweep", EXAMPLE_VALUES, key="sweep:values", height=100,
                         help="One axis per line, NAME=V1,V2: a method's option (see the Train page), a training "
                              "field (lr, pretrain_epochs, cluster_epochs, batch_size), an autoencoder field "
                              "(hidden=500-500-2000, embedding_dim) or k. Each method gets every combination of "
                              "the axes it has; a line with one value applies to every method that has it.")
    seeds = st.text_input("Seeds", "0-4", key="sweep:seeds", help="Numbers and ranges: 0-4, or 0,3,7.")
    quick = st.toggle("Quick look", value=True, key="sweep:quick",
                      help="Start every method from its quick look (its paper's recipe with fewer epochs), "
                           "not its paper's full recipe.")
    if data is None or not methods:
        st.info("Choose data and at least one method.")
        return None
    try:
        spec = spec_from_values(data.source or {"name": data.name}, methods, lines.splitlines(), parse_seeds(seeds),
                                preset="quick" if quick else "paper")
        spec.configs(data)  # every trial's settings checked before Start
        return spec
    except ValueError as error:
        st.error(str(error))
        return None
