"""Live-view budget, measurement 10: Pause and Resume, as a user sees them.

A run started from the page on a fresh server (digits, DEKM, long pretraining so that the
clicks land while it trains). After the panels are live, Pause is clicked; timed inside the
page: the click (capturing listener) to the first DOM change that shows the paused run (the
Resume button), then the click on Resume to the Pause button again. Repeated a few times, then
the run is stopped.
"""
from __future__ import annotations

from pathlib import Path

from bench.live_view.budget import BudgetTable, median, seconds, verdict
from bench.live_view.ready_to_start import run_ready_to_start
from browser_harness import start_button, stop_run

PAUSE_TARGET = 1.0  # seconds from the click to the page showing the paused run ("at once", issue 15)

TOGGLE_TIMER = """() => {
  const marks = window.__toggles = [];
  const label = () => [...document.querySelectorAll("button")].map((b) => b.innerText.trim())
    .find((text) => text === "Pause" || text === "Resume");
  document.addEventListener("click", (event) => {
    const text = event.target.closest("button")?.innerText.trim();
    if (text === "Pause" || text === "Resume") marks.push({clicked: text, at: performance.now(), shown: null});
  }, true);
  new MutationObserver(() => {
    const last = marks[marks.length - 1];
    if (last && last.shown === null && label() !== last.clicked) last.shown = performance.now() - last.at;
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


def toggle_times(page, repeats: int, wait_ms: int = 3000) -> list[dict]:
    """Click Pause, then Resume, `repeats` times each, `wait_ms` apart; each click's delay in ms."""
    page.evaluate(TOGGLE_TIMER)
    for name in ["Pause", "Resume"] * repeats:
        page.get_by_role("button", name=name, exact=True).click(timeout=30_000)
        page.wait_for_timeout(wait_ms)
    return page.evaluate("() => window.__toggles")


def pause_latency(browser, machine: str, pretrain: int, repeats: int, workdir: Path, settle: float) -> str:
    """Measurement 10: Pause and Resume clicked while the run trains; click to page, in the page."""
    with run_ready_to_start(browser, workdir, pretrain, 20, settle) as (_, page, waited):
        start_button(page).click()
        page.locator("span.epoch-published").first.wait_for(state="attached", timeout=120_000)  # a live epoch drawn
        page.wait_for_timeout(5000)  # the live view redrawing at its pace
        marks = toggle_times(page, repeats)
        stop_run(page)
    table = BudgetTable(
        "10. Pause and Resume",
        f"digits, DEKM, {pretrain} pretraining epochs started from the page in headless Chromium (fresh server); "
        "while it trains and the live view redraws, Pause then Resume clicked, 3 s apart: the click to the first DOM "
        "change showing the other button, timed in the page.",
        machine, ["Click", "Times", "Median s", "Worst s", "Target", "Result"])
    for name in ("Pause", "Resume"):
        delays = [m["shown"] / 1000 for m in marks if m["clicked"] == name and m["shown"] is not None]
        missed = sum(m["clicked"] == name and m["shown"] is None for m in marks)
        worst = max(delays) if delays else None
        result = "FAIL" if missed else verdict(worst, PAUSE_TARGET)
        table.add(name, len(delays) + missed, seconds(median(delays)), seconds(worst), f"≤ {PAUSE_TARGET:g} s",
                  result + (f" ({missed} never shown)" if missed else ""))
    table.notes.append(f"Before Start the server was left {waited:.0f} s to go quiet (the projection process warm).")
    return table.markdown()
