"""The command line's run-store commands:

    python -m deepclust_core runs                          # the recorded runs, newest first
    python -m deepclust_core rename RUN "wider encoder"    # name a run ("" takes its name away)
    python -m deepclust_core export RUN --format html -o report.html   # or csv, json, config, rows, rows-npz, profile
    python -m deepclust_core predict RUN --file new.csv    # new rows assigned to the run's clusters, as CSV
    python -m deepclust_core examples                      # record the shipped example runs again
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from ..runs.export import config_json, metrics_csv, metrics_json
from ..runs.store import EXAMPLES_DIR, RunStore

FORMER_EXAMPLES_COMMAND = "gallery"  # what `examples` was called before: still understood
STORE_HELP = "the run store's folder (default: $DEEPCLUST_HOME, else ~/.local/share/deepclust)"
SUFFIXES = {"csv": "csv", "json": "json", "config": "run.json", "html": "html", "rows": "rows.csv",
            "rows-npz": "rows.npz", "profile": "profile.csv"}


def add_commands(commands) -> None:
    listing = commands.add_parser("runs", help="list the recorded runs, newest first")
    listing.add_argument("--store", metavar="DIR", help=STORE_HELP)
    rename = commands.add_parser("rename", help="give a recorded run a name (\"\" takes it away)")
    rename.add_argument("run_id", help="the run's id (see `runs`)")
    rename.add_argument("name", help="its new name")
    rename.add_argument("--store", metavar="DIR", help=STORE_HELP)
    export = commands.add_parser("export", help="write a recorded run as CSV, JSON, a run file or an HTML report",
                                 formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    export.add_argument("run_id", help="the run's id (see `runs`)")
    export.add_argument("--format", choices=tuple(SUFFIXES), default="html",
                        help="csv/json: per-epoch metrics and losses; config: a file `train --config` reproduces the "
                             "run from; html: a self-contained report with an animation; rows: every row's index, "
                             "true label, cluster and confidence (CSV); rows-npz: the same and its embedding "
                             "(.npz); profile (tables): each cluster's size, each column's mean and spread in "
                             "the file's units and the columns that set the cluster apart, ranked (CSV)")
    export.add_argument("-o", "--output", metavar="FILE", help="where to write (default: <run id>.<format>)")
    export.add_argument("--store", metavar="DIR", help=STORE_HELP)
    predict = commands.add_parser("predict", help="assign the rows of a file to a recorded run's clusters (CSV out)",
                                  formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    predict.add_argument("run_id", help="the run's id (see `runs`)")
    predict.add_argument("--file", required=True, help="new rows: .csv (the run's columns, by name or in order), "
                         ".npy / .npz (array X, in the units of the run's file), or a .zip of images for a run on "
                         "images")
    predict.add_argument("-o", "--output", metavar="FILE", help="where to write (default: <file>-<run id>.csv)")
    predict.add_argument("--drop-missing", action="store_true",
                         help="leave out rows with a missing value (the output's `row` column says which are kept)")
    predict.add_argument("--store", metavar="DIR", help=STORE_HELP)
    examples = commands.add_parser("examples", aliases=[FORMER_EXAMPLES_COMMAND],
                                   help="record the example runs that ship with the app (a few minutes)")
    examples.add_argument("--out", metavar="DIR", help="where (default: the examples/ folder beside the package)")


def run_command(args) -> int:
    if args.command in ("examples", FORMER_EXAMPLES_COMMAND):
        from ..runs.examples import record_examples  # imports UMAP

        store = record_examples(args.out or EXAMPLES_DIR)
        size = sum(f.stat().st_size for f in store.folder.rglob("*") if f.is_file())
        print(f"{len(store.runs())} runs in {store.folder}, {size / 2**20:.2f} MB")
        return 0
    store = RunStore(args.store)
    if args.command == "runs":
        for record in store.runs():
            print(f"{record.id}  {record.status:<11} {record.method + ' on ' + record.data.name:<28} {record.final_step:<16} "
                  + " ".join(f"{k.upper()}={v:.4f}" for k, v in record.final_metrics.items())
                  + (f"  {record.name}" if record.name else ""))
        return 0
    if args.command == "rename":
        try:
            store.rename(args.run_id, args.name)
        except KeyError:
            raise ValueError(f"no run {args.run_id!r} in {store.folder} (see `runs`)") from None
        name = store.run_record(args.run_id).name
        print(f"run {args.run_id} is named {name!r}" if name else f"run {args.run_id} has no name")
        return 0
    return predict(store, args) if args.command == "predict" else export(store, args)


def predict(store: RunStore, args) -> int:
    from ..runs.predict import predict_file

    table = predict_file(store, args.run_id, args.file, drop_missing=args.drop_missing)
    path = Path(args.output or f"{Path(args.file).stem}-{args.run_id}.csv")
    path.write_text(table.to_csv(), encoding="utf-8")
    counts = ", ".join(f"{k}: {n}" for k, n in zip(*np.unique(table.cluster, return_counts=True)))
    print(f"wrote {path}: {len(table)} rows assigned with run {args.run_id} (rows per cluster: {counts})")
    return 0


def export(store: RunStore, args) -> int:
    try:
        record = store.run_record(args.run_id)
    except KeyError:
        raise ValueError(f"no run {args.run_id!r} in {store.folder} (see `runs`)") from None
    if args.format == "html":
        from ..runs.report import html_report
        from ..runs.stored_run import StoredRun

        text = html_report(StoredRun(store, record.id))
    elif args.format == "config":
        text = config_json(record)
    elif args.format in ("rows", "rows-npz"):
        return export_rows(store, record, args)
    elif args.format == "profile":
        return export_profile(store, record, args)
    else:
        rows = store.epoch_rows(record.id)
        text = metrics_csv(record, rows) if args.format == "csv" else metrics_json(record, rows)
    path = Path(args.output or f"{record.id}.{SUFFIXES[args.format]}")
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}")
    return 0


def export_rows(store: RunStore, record, args) -> int:
    from ..runs.row_table import stored_table

    table = stored_table(store, record)
    path = Path(args.output or f"{record.id}.{SUFFIXES[args.format]}")
    if args.format == "rows":
        path.write_text(table.to_csv(), encoding="utf-8")
    else:
        path.write_bytes(table.to_npz())
    print(f"wrote {path}: {len(table)} rows" + (f" (note: {table.note})" if table.note else ""))
    return 0


def export_profile(store: RunStore, record, args) -> int:
    from ..runs.profile import profile_csv, stored_profile

    found = stored_profile(store, record)
    path = Path(args.output or f"{record.id}.{SUFFIXES[args.format]}")
    path.write_text(profile_csv(found, record.id), encoding="utf-8")
    profile = found.profile
    print(f"wrote {path}: {profile.n_clusters} clusters x {len(profile.columns)} columns, from {found.rows}"
          + (f" (note: {found.note})" if found.note else ""))
    return 0
