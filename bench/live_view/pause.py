"""Live-view budget, measurement 10: Pause and Resume, as a user sees them.

A run started from the page on a fresh server (digits, DEKM, long pretraining so that the
clicks land while it trains). After the panels are live, Pause is clicked; timed inside the
page: the click (capturing listener) to the first DOM change that shows the paused run (the
Resume button), then the click on Resume to the Pause button again. Repeated a few times, then
the run is stopped.

`pause_once` (measurement 7, all of Fashion-MNIST) also times Pause on the server: from the click to
the training thread's CPU clock standing still (/proc/PID/task), which the page cannot show.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

from bench.live_view.budget import BudgetTable, median, seconds, verdict
from bench.live_view.procs import CLOCK_TICKS
from bench.live_view.ready_to_start import run_ready_to_start
from bench.live_view.shown_epoch import SHOWN_EPOCH_JS
from browser_harness import start_button, stop_run

PAUSE_TARGET = 1.0  # seconds from the click to the page showing the paused run ("at once", issue 15)

TOGGLE_TIMER = """() => {
  const marks = window.__toggles = [];
  const label = () => [...document.querySelectorAll("button")].map((b) => b.innerText.trim())
    .find((text) => text === "Pause" || text === "Resume");
  document.addEventListener("click", (event) => {
    const text = event.target.closest("button")?.innerText.trim();
    if (text === "Pause" || text === "Resume") marks.push({clicked: text, at: Date.now(), shown: null});
  }, true);
  new MutationObserver(() => {
    const last = marks[marks.length - 1];
    if (last && last.shown === null && label() !== last.clicked) last.shown = Date.now();
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


def toggle_times(page, repeats: int, wait_ms: int = 3000) -> list[dict]:
    """Click Pause, then Resume, `repeats` times each, `wait_ms` apart; each click's and its change's wall clock (ms)."""
    page.evaluate(TOGGLE_TIMER)
    for name in ["Pause", "Resume"] * repeats:
        page.get_by_role("button", name=name, exact=True).click(timeout=30_000)
        page.wait_for_timeout(wait_ms)
    return page.evaluate("() => window.__toggles")


def pause_latency(browser, machine: str, pretrain: int, repeats: int, workdir: Path, settle: float) -> str:
    """Measurement 10: Pause and Resume clicked while the run trains; click to page, in the page."""
    with run_ready_to_start(browser, workdir, pretrain, 20, settle) as (_, page, waited):
        start_button(page).click()
        page.wait_for_function(f"() => ({SHOWN_EPOCH_JS})()?.active", timeout=120_000)  # a live epoch drawn
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
        delays = [(m["shown"] - m["at"]) / 1000 for m in marks if m["clicked"] == name and m["shown"] is not None]
        missed = sum(m["clicked"] == name and m["shown"] is None for m in marks)
        worst = max(delays) if delays else None
        result = "FAIL" if missed else verdict(worst, PAUSE_TARGET)
        table.add(name, len(delays) + missed, seconds(median(delays)), seconds(worst), f"≤ {PAUSE_TARGET:g} s",
                  result + (f" ({missed} never shown)" if missed else ""))
    table.notes.append(f"Before Start the server was left {waited:.0f} s to go quiet (the projection process warm).")
    return table.markdown()


# -- Pause as the training thread sees it (measurement 7 on all of Fashion-MNIST) ----------------------------------
IDLE_CPU = 0.05  # seconds of CPU the training threads may still use from the pause on, to the end of the hold


def thread_cpu(pid: int) -> dict[int, float]:
    """CPU seconds (user + system) of each thread of a process, from /proc/PID/task/TID/stat (/proc/TID/stat, the
    same path without "task", gives the whole process's time for every thread: measurements before 2026-12-07 08:30
    UTC read that, so their "training thread still" times and CPU after the click say nothing)."""
    times = {}
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except FileNotFoundError:
        return times
    for tid in tids:
        try:
            stat = Path(f"/proc/{pid}/task/{tid}/stat").read_text()
        except (FileNotFoundError, ProcessLookupError):
            continue  # the thread ended meanwhile
        fields = stat[stat.rindex(")") + 2:].split()
        times[int(tid)] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime
    return times


def busy_threads(pid: int, window: float = 3.0) -> list[int]:
    """The server's busiest threads over `window` seconds: the one that used the most CPU and any that used at
    least half as much (the training thread and torch's workers, not the web server's or the projector's). A
    share of a core would not do: at load 40 on 2 cores the training thread got under a tenth of one."""
    before = thread_cpu(pid)
    time.sleep(window)
    used = {tid: cpu - before.get(tid, cpu) for tid, cpu in thread_cpu(pid).items()}
    most = max(used.values(), default=0.0)
    return [tid for tid, cpu in used.items() if most > 0 and cpu >= most / 2]


def pause_once(page, pid: int, hold: float = 8.0, poll: float = 0.05, on_hold=None) -> dict:
    """Click Pause while the run trains, hold `hold` seconds, click Resume. Seconds from the click to the page
    showing Resume (`shown`) and to the training threads' CPU clock standing still (`stopped`: from then to
    the end of the hold they used under IDLE_CPU s), and from the click on Resume to Pause shown again.
    `on_hold` (say, a screenshot) is called once, halfway through the hold."""
    threads = busy_threads(pid)
    page.get_by_role("button", name="Pause", exact=True).click(timeout=60_000)
    clock = []  # (wall time, CPU seconds of the training threads)
    known = {tid: 0.0 for tid in threads}  # each one's newest CPU time: a thread that ends keeps its last
    end = time.time() + hold
    while time.time() < end:
        known.update({tid: cpu for tid, cpu in thread_cpu(pid).items() if tid in known})
        clock.append((time.time(), sum(known.values())))
        if on_hold is not None and end - time.time() < hold / 2:
            on_hold()
            on_hold = None
        time.sleep(poll)
    page.get_by_role("button", name="Resume", exact=True).click(timeout=60_000)
    page.wait_for_timeout(2000)
    pause, resume = page.evaluate("() => window.__toggles")[-2:]
    last = clock[-1][1]
    stopped = next((at for at, cpu in clock if last - cpu < IDLE_CPU), None) if threads else None
    return {"threads": len(threads), "shown": None if pause["shown"] is None else (pause["shown"] - pause["at"]) / 1000,
            "stopped": None if stopped is None else max(0.0, stopped - pause["at"] / 1000),
            "resumed": None if resume["shown"] is None else (resume["shown"] - resume["at"]) / 1000,
            "cpu_after": last - next((cpu for at, cpu in clock if at >= pause["at"] / 1000), last)}
