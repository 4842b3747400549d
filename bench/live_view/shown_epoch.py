"""Which epoch the live view shows, read from the page as a user reads it, and when each epoch ended, read from the
run store: what the live-view measurements time the page with.

The page: the autoencoder panel's caption names the epoch the panels show and whose UMAP frame it is drawn with
("Clustering epoch 7: UMAP of this epoch's embedding, ..." against "... UMAP frame 2 epochs behind" or "...
principal axes ...", ui/panels.py), and a progress bar is on the page while the run is active (running or paused,
ui/live_view.py `progress`). The caption is one element, so a MutationObserver never pairs an epoch with another
epoch's frame (the scoreboard, drawn after the panels in each redraw, changes a moment after them).

The run store: an epoch ended at its run's `created` (recorded as Start is pressed) plus the epoch's `elapsed`
(wall time since training began, taken as the epoch's snapshot is built). Until 2026-12-07 the timings started
from the snapshot's publication to the page (a hidden marker's time); the store's time is earlier by the
snapshot's recording and by the moments between the run's record and training's first step (the network built,
the data copied): 0.03 to 0.35 s, about 0.1 s typically, on digits at load 7, so delays read from it are that
much longer. Server and browser run on one machine and read one clock.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from deepclust_core.runs.store import RunStore
from ui.panels import OWN_FRAME_NOTE

# () => {key: "cluster:7", phase, epoch, framed, active} of the epoch the panels show now, or null before the first
SHOWN_EPOCH_JS = """() => {
  for (const caption of document.querySelectorAll('[data-testid="stCaptionContainer"]')) {
    const text = caption.textContent;
    const match = text.match(/^(?:Pretraining epoch (\\d+)|Clustering start|Clustering epoch (\\d+)): /);
    if (!match) continue;
    const phase = match[1] !== undefined ? "pretrain" : "cluster", epoch = Number(match[1] ?? match[2] ?? 0);
    return {key: `${phase}:${epoch}`, phase, epoch, framed: text.slice(match[0].length).startsWith(%s),
            active: document.querySelector('[data-testid="stProgress"]') !== null};
  }
  return null;
}""" % json.dumps(OWN_FRAME_NOTE)


# Arms (again, for each run) one observer of the page: for every epoch the panels show ("phase:epoch"), when its
# caption first entered the DOM (`inDom`) and whether the run was `active` then, two animation frames later
# (`painted`, the frame that painted it), and when it was first shown with its own UMAP frame (`framed`; null when a
# newer epoch came first) and whether the run was still active then (`framedWhileActive`). `shown_epochs(page)`
# reads them.
EPOCH_TIMER = """() => {
  window.__epochObserver?.disconnect();
  const rows = window.__epochs = {};
  const shownEpoch = %s;
  const note = () => {
    const now = shownEpoch();
    if (now === null) return;
    let row = rows[now.key];
    if (!row) {
      row = rows[now.key] = {phase: now.phase, epoch: now.epoch, inDom: Date.now(), painted: null, active: now.active,
                             framed: null, framedWhileActive: false};
      requestAnimationFrame(() => requestAnimationFrame(() => { row.painted = Date.now(); }));
    }
    if (now.framed && row.framed === null) {
      row.framed = Date.now();
      row.framedWhileActive = now.active;
    }
  };
  window.__epochObserver = new MutationObserver(note);
  window.__epochObserver.observe(document.body, {subtree: true, childList: true, characterData: true});
}""" % SHOWN_EPOCH_JS


def shown_epochs(page) -> dict[str, dict]:
    """What EPOCH_TIMER noted since it was armed, by "phase:epoch" (times in ms, as Date.now())."""
    return page.evaluate("() => window.__epochs")


@dataclass(frozen=True)
class EpochEnd:
    key: str  # "phase:epoch", as SHOWN_EPOCH_JS names it
    phase: str
    epoch: int
    ended: float  # time.time() at the epoch's end, as the run store has it
    elapsed: float  # seconds since the run's training began


def epoch_ends(home: Path | None = None) -> list[EpochEnd]:
    """Every epoch of the newest run in the store at `home` (default: $DEEPCLUST_HOME, where the servers the
    measurements start record), in order."""
    store = RunStore(home)
    run = store.runs()[0]
    return [EpochEnd(f"{row.phase}:{row.epoch}", row.phase, row.epoch, run.created + row.elapsed, row.elapsed)
            for row in store.epoch_rows(run.id)]
