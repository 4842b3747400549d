"""How long the Train page takes to rerun with a data set chosen, by its number of rows (issue 26 item 3).

    .venv/bin/python -m bench.page_rerun                       # digits, then Fashion-MNIST at 10,000 and 70,000 rows
    .venv/bin/python -m bench.page_rerun --rows 70000 --repeats 10

Every click on the page (Pause among them) reruns its whole script before the page shows the click's effect, so
what a rerun costs with no run training is the least a click can take. The page is run in Streamlit's AppTest
(no browser, no server): the data set is picked in the sidebar, "Rows to train on" set, one rerun to settle, then
`--repeats` reruns timed. Fashion-MNIST rows need Debian's dataset-fashion-mnist (`make fashion-mnist`). Prints a
Markdown table: median and slowest rerun per data set.
"""
from __future__ import annotations

import argparse
import os
import statistics
import time

from bench.machine import describe_machine, machine_line
from browser_harness import ROOT
from deepclust_core.data.idx import idx_folder_available

FASHION_MNIST = "Fashion-MNIST (70,000 28×28 images)"  # ui/data_picker.py's label when it is installed


def rerun_seconds(choice: str, rows: int | None, repeats: int) -> list[float]:
    """Seconds of each of `repeats` reruns of the Train page with `choice` picked and `rows` rows to train on."""
    from streamlit.testing.v1 import AppTest

    page = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600).run()
    page.sidebar.selectbox(key="data_choice").set_value(choice).run()
    if rows is not None:
        page.sidebar.number_input(key="subsample:Fashion-MNIST").set_value(rows).run()
    page.run()
    if page.exception:
        raise RuntimeError(page.exception[0].message)
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        page.run()
        times.append(time.perf_counter() - started)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.page_rerun", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", default="10000,70000", help="comma list of Fashion-MNIST row counts")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    cases = [("digits (1,797 rows)", "digits (scikit-learn, 1,797 8×8 images)", None)]
    if idx_folder_available():
        cases += [(f"Fashion-MNIST, {int(n):,} rows", FASHION_MNIST, int(n)) for n in args.rows.split(",")]
    print(f"Train page reruns, no run training; {machine_line(describe_machine())}; "
          f"load average {os.getloadavg()[0]:.1f} before")
    print("| data set | reruns | median s | slowest s |\n|---|---|---|---|")
    for name, choice, rows in cases:
        times = rerun_seconds(choice, rows, args.repeats)
        print(f"| {name} | {len(times)} | {statistics.median(times):.3f} | {max(times):.3f} |", flush=True)
    print(f"load average {os.getloadavg()[0]:.1f} after")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
