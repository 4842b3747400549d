"""A stored run's numbers as CSV and JSON, and its settings as a file the CLI trains from
(`python -m deepclust_core train --config FILE`). The HTML report is in runs/report/.

One row per snapshot: the run's id and name (so tables of several runs stack), seq, phase,
epoch, position on the run's epoch axis, seconds, elapsed, changed, converged, then `loss_<term>`, the metrics (acc, nmi, ari), the AE +
k-means reference (`reference_<metric>`) and the method's extra quantities (`scalar_<name>`).
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict

from ..settings.run_file import RunFile, config_to_dict, run_config_json
from .store.rows import EpochRow, RunRecord, epoch_position


def metrics_rows(record: RunRecord, rows: list[EpochRow]) -> list[dict]:
    table = []
    for row in rows:
        values = {"run": record.id, "name": record.name, "seq": row.seq, "phase": row.phase, "epoch": row.epoch,
                  "position": epoch_position(row.phase, row.epoch, record.config.pretrain_epochs),
                  "seconds": row.seconds, "elapsed": row.elapsed, "changed": row.changed, "converged": row.converged}
        values.update({f"loss_{name}": value for name, value in row.losses.items()})
        values.update(row.metrics)
        values.update({f"reference_{name}": value for name, value in row.reference_metrics.items()})
        values.update({f"scalar_{name}": value for name, value in row.scalars.items()})
        table.append(values)
    return table


def metrics_csv(record: RunRecord, rows: list[EpochRow]) -> str:
    table = metrics_rows(record, rows)
    columns = list(dict.fromkeys(name for values in table for name in values))
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(table)
    return out.getvalue()


def run_summary(record: RunRecord) -> dict:
    return {"id": record.id, "name": record.name, "created": record.date, "origin": record.origin, "status": record.status,
            "error": record.error, "data": asdict(record.data), "config": config_to_dict(record.config),
            "parent": None if record.parent is None else asdict(record.parent),
            "final_step": record.final_step, "final_metrics": dict(record.final_metrics), "elapsed": record.elapsed}


def metrics_json(record: RunRecord, rows: list[EpochRow]) -> str:
    return json.dumps({"run": run_summary(record), "epochs": metrics_rows(record, rows)}, indent=1)


def config_json(record: RunRecord) -> str:
    """The file that trains this run again: same data, same settings (a branch: from the same parent weights)."""
    parent = None if record.parent is None else {"run_id": record.parent.run_id, "seq": record.parent.seq}
    return run_config_json(RunFile(record.data.source, record.config, record.data.fingerprint, parent))
