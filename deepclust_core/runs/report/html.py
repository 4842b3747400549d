"""A self-contained HTML report of a stored run: its settings, its curves (one chart per kind, each with
its own legend), an animated picture of both spaces (a play button and an epoch slider) and every
row's result as a downloadable CSV, and for a table each cluster's profile (runs/profile.py): the columns
that set it apart most, and the whole profile as a downloadable CSV. It opens with no network and no Python.

    html = html_report(StoredRun(store, run_id))

Small and quick to open: plotly.js's basic bundle (scatter and bar charts, 0.4 MB gzip-compressed,
assets/README.md) instead of the full 4.8 MB one, unpacked by the page itself, and the animation
packed as animation.py says. A digits run of the quick look (73 snapshots, 1,797 rows) makes
a 1.0 MB report, where the full bundle and Plotly's own JSON of the frames made 8.4 MB.
"""
from __future__ import annotations

import base64
import gzip
import html
import json
from pathlib import Path

import numpy as np
import plotly.colors
import plotly.io

from ..profile import RunProfile, profile_csv, stored_profile
from .animation import packed_animation
from ..row_table import RowTable
from ..shown_run import Entry
from ..store.rows import EXAMPLE_ORIGIN, epoch_position
from ..stored_run import StoredRun

ASSETS = Path(__file__).resolve().parents[2] / "assets"
PALETTE = plotly.colors.qualitative.Plotly + plotly.colors.qualitative.D3[::2] + plotly.colors.qualitative.Alphabet
CONFIG = {"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2},
          "modeBarButtonsToRemove": ["sendChartToCloud"]}  # the report stays offline; the camera saves a PNG
PREVIEW_ROWS = 20  # rows of the per-row table shown in the page (the CSV has them all)
PROFILE_COLUMNS = 3  # columns named for each cluster in the page (the profile's CSV has them all)
CHART_MARGIN = dict(l=60, r=20, t=50, b=10)
ORIGIN_SHOWN = {EXAMPLE_ORIGIN: "shipped examples"}  # how the summary names who trained a run, where not as stored


def _series(entries: list[Entry], field: str) -> dict[str, list]:
    names = dict.fromkeys(name for e in entries for name in getattr(e.snapshot, field))
    return {name: [getattr(e.snapshot, field).get(name) for e in entries] for name in names}


def curve_charts(run: StoredRun) -> list[dict]:
    """The run's curves, one Plotly figure (as JSON types) per kind, each series its own colour."""
    entries = run.history()
    x = [epoch_position(e.snapshot.phase, e.snapshot.epoch, run.config.pretrain_epochs) for e in entries]
    metrics = {name.upper(): values for name, values in _series(entries, "metrics").items()}
    reference = entries[-1].snapshot.reference_metrics
    if "acc" in reference:
        metrics["AE + k-means ACC"] = [reference["acc"]] * len(x)
    scalars = _series(entries, "scalars")
    scalars.pop("cached", None)
    charts = [("metrics", "ACC / NMI / ARI", metrics, False), ("losses", "Loss terms (log scale)",
                                                                _series(entries, "losses"), True),
              ("changes", "Fraction of labels that changed since the epoch before",
               {"changed": [e.snapshot.changed for e in entries]}, False),
              ("scalars", "The method's own quantities", scalars, False)]
    return [{"id": key, "figure": _curves(x, title, series, log_y)} for key, title, series, log_y in charts if series]


def _curves(x: list, title: str, series: dict[str, list], log_y: bool) -> dict:
    mode = "lines" if len(x) > 2 else "lines+markers"
    traces = [dict(type="scatter", x=x, y=values, mode=mode, name=name,
                   line=dict(color=PALETTE[i % len(PALETTE)], dash="dash" if name.startswith("AE + k-means") else None))
              for i, (name, values) in enumerate(series.items())]
    layout = dict(title=dict(text=title), height=340, margin=CHART_MARGIN, showlegend=True,
                  xaxis=dict(title=dict(text="epoch (pretraining, then clustering)"), automargin=True),
                  yaxis=dict(type="log" if log_y else "linear", automargin=True))
    return json.loads(plotly.io.to_json(dict(data=traces, layout=layout), validate=False))


def summary_table(run: StoredRun) -> str:
    record = run.record
    metrics = ", ".join(f"{k.upper()} {v:.4f}" for k, v in record.final_metrics.items()) or "no labels"
    rows = {"Name": record.name or "—", "Method": record.method,
            "Data": f"{record.data.name} ({record.data.n_samples} rows)",
            "Status": record.status + (f": {record.error}" if record.error else ""),
            "Final": f"{metrics} at {record.final_step}, {record.elapsed:.1f} s", "Settings": record.key_settings(),
            "Run": f"{record.id}, {record.date}, from the {ORIGIN_SHOWN.get(record.origin, record.origin)}"}
    if record.parent:
        rows["Branched from"] = f"run {record.parent.run_id} at epoch {record.parent.epoch}"
    return "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>" for k, v in rows.items())


def rows_section(run: StoredRun, table: RowTable) -> str:
    """How many rows each cluster has, a link to the CSV and its first rows."""
    clusters, counts = np.unique(table.cluster, return_counts=True)
    sizes = ", ".join(f"cluster {k}: {n}" for k, n in zip(clusters, counts))
    columns = table.columns()
    head = "".join(f"<th>{html.escape(name)}</th>" for name in columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(_cell(values[i]))}</td>" for values in columns.values())
                   + "</tr>" for i in range(min(PREVIEW_ROWS, len(table))))
    note = f"<p>Note: {html.escape(table.note)}.</p>" if table.note else ""
    return (f"<p>{len(table)} rows ({sizes}). <a id=\"rows-download\" download=\"{run.run_id}-rows.csv\" href=\"#\">"
            f"Download every row as CSV</a>: its index, true label, cluster and the method's confidence.</p>{note}"
            f"<table class=\"rows\"><tr>{head}</tr>{body}</table>"
            + (f"<p>… and {len(table) - PREVIEW_ROWS} more rows in the CSV.</p>" if len(table) > PREVIEW_ROWS else ""))


def profile_section(run: StoredRun, found: RunProfile) -> str:
    """Each cluster's size and the columns that set it apart most, and a link to the whole profile as CSV."""
    profile = found.profile

    def apart(k: int) -> str:
        if profile.sizes[k] == 0 or not profile.ranks[k].any():
            return "—"
        return "; ".join(f"{profile.columns[j]} {profile.means[k, j]:.4g} (rest {profile.rest_means[k, j]:.4g}, "
                         f"{profile.scores[k, j]:+.2f} SD)" for j in profile.order(k)[:PROFILE_COLUMNS])

    body = "".join(f"<tr><td>cluster {k}</td><td>{profile.sizes[k]}</td><td>{100 * profile.shares[k]:.1f} %</td>"
                   f"<td>{html.escape(apart(k))}</td></tr>" for k in range(profile.n_clusters))
    note = f"<p>Note: {html.escape(found.note)}.</p>" if found.note else ""
    return (f"<p>Each cluster in the file's own units, on {found.rows}: the columns that set it apart most, each "
            "with the cluster's mean, the mean of all other rows and how far apart the two lie in standard "
            f"deviations of the column. <a id=\"profile-download\" download=\"{run.run_id}-profile.csv\" href=\"#\">"
            "Download the whole profile as CSV</a>: every cluster and column, with spreads and ranks.</p>"
            f"{note}<table class=\"rows\"><tr><th>cluster</th><th>rows</th><th>share</th>"
            f"<th>sets it apart most</th></tr>{body}</table>")


def _cell(value) -> str:
    return f"{value:.4g}" if isinstance(value, (float, np.floating)) else str(value)


def _gzip_base64(content: bytes) -> str:
    return base64.b64encode(gzip.compress(content, compresslevel=9, mtime=0)).decode("ascii")


def _script_json(value) -> str:
    """JSON safe inside a <script> element."""
    return json.dumps(value, separators=(",", ":")).replace("</", "<\\/")


def html_report(run: StoredRun) -> str:
    if not run.history():
        raise ValueError(f"run {run.run_id} has no snapshots to report")
    table = run.rows()
    charts = curve_charts(run)
    data = {"config": CONFIG, "palette": PALETTE, "charts": charts, "animation": packed_animation(run),
            "rows_csv": _gzip_base64(table.to_csv().encode())}
    profile = ""
    if not run.data.is_image:
        found = stored_profile(run.store, run.record)
        data["profile_csv"] = _gzip_base64(profile_csv(found, run.run_id).encode())
        profile = f"<h2>Cluster profiles</h2>\n{profile_section(run, found)}\n"
    plotly_js = base64.b64encode((ASSETS / "plotly-basic.min.js.gz").read_bytes()).decode("ascii")
    title = html.escape(f"deepclust: {run.record.title} ({run.run_id})")
    divs = "".join(f'<div id="{chart["id"]}" class="chart"></div>' for chart in charts)
    animation = data["animation"]
    drawn = ("" if animation["n_points"] == animation["n_display"] else
             f" It draws {animation['n_points']:,} of the run's {animation['n_display']:,} display rows, picked at "
             "random once; the table below has every row.")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:sans-serif;margin:2em;max-width:1200px}} th{{text-align:left;padding-right:1em}}
.charts{{display:grid;grid-template-columns:1fr 1fr;gap:1em}} table.rows td,table.rows th{{padding:0 .8em 0 0}}</style>
</head><body>
<h1>{title}</h1>
<table>{summary_table(run)}</table>
<h2>Curves</h2><div class="charts">{divs}</div>
<h2>The run, epoch by epoch</h2>
<p>Press Play, or drag the slider. Colours are clusters. The camera icon above each chart saves it as a PNG.{drawn}</p>
<div id="animation"></div>
{profile}<h2>Every row's result</h2>
{rows_section(run, table)}
<script id="report-data" type="application/json">{_script_json(data)}</script>
<script id="plotly-js" type="application/octet-stream">{plotly_js}</script>
<script>{(ASSETS / "report.js").read_text()}</script>
</body></html>
"""
