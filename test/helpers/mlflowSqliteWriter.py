"""Writes MLflow runs into an existing mlflow.db the way MLflow's SQLAlchemy store does, with Python's
standard sqlite3 module only (MLflow itself is not installable here).

What MLflow does, per `mlflow/store/tracking/sqlalchemy_store.py` (MLflow 2.x-3.x):
- create_run: one transaction inserting the `runs` row (status RUNNING, lifecycle_stage active) and its
  tags (`mlflow.runName`, `mlflow.user`, `mlflow.source.*`, `mlflow.parentRunId` for a nested run);
- log_params: one transaction of `params` rows;
- log_batch / log_metric: one transaction per call holding the `metrics` rows and the upsert of
  `latest_metrics` (kept when the new row has a larger (step, timestamp, value)); NaN is stored as value 0
  with is_nan 1, +-inf as +-sys.float_info.max;
- set_terminated: one transaction updating status and end_time.

Usage: python3 mlflowSqliteWriter.py <mlflow.db> <rounds> <runs> <flat|nested> [<name prefix>]
Runs are written interleaved: each round logs one batch (3 metrics, one step) to every run in turn. In
`nested` mode the first run is the parent of the others (it logs its own `score` each round).
Every 50th step of `grad_norm` is NaN and every 70th +inf (a diverging metric).
Prints one JSON object: {"runs": [{"id", "name", "parent"}], "rows": [[run, key, step, value], ...]}
with value "NaN", "Infinity" or "-Infinity" for the non-finite ones.
"""

import json
import math
import sqlite3
import sys
import time
import uuid

db_path, rounds, run_count, mode = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
prefix = sys.argv[5] if len(sys.argv) > 5 else "run"
conn = sqlite3.connect(db_path, isolation_level=None, timeout=30)


def transaction(statements):
    conn.execute("BEGIN")
    for sql, args in statements:
        conn.execute(sql, args)
    conn.execute("COMMIT")


experiment = conn.execute(
    "select min(experiment_id) from experiments where lifecycle_stage = 'active'"
).fetchone()[0]
now = lambda: int(time.time() * 1000)  # noqa: E731

runs = []
for i in range(run_count):
    run_id = uuid.uuid4().hex
    name = f"{prefix}-{i}" if not (mode == "nested" and i == 0) else f"{prefix}-parent"
    parent = runs[0]["id"] if mode == "nested" and i > 0 else None
    runs.append({"id": run_id, "name": name, "parent": parent})
    tags = [
        ("mlflow.runName", name),
        ("mlflow.user", "writer"),
        ("mlflow.source.name", "mlflowSqliteWriter.py"),
        ("mlflow.source.type", "LOCAL"),
    ] + ([("mlflow.parentRunId", parent)] if parent else [])
    transaction(
        [
            (
                "insert into runs (run_uuid, name, source_type, source_name, entry_point_name, user_id, status,"
                " start_time, end_time, source_version, lifecycle_stage, artifact_uri, experiment_id)"
                " values (?, ?, 'LOCAL', '', '', 'writer', 'RUNNING', ?, null, '', 'active', ?, ?)",
                (run_id, name, now(), f"mlflow-artifacts:/{experiment}/{run_id}/artifacts", experiment),
            )
        ]
        + [("insert into tags (key, value, run_uuid) values (?, ?, ?)", (k, v, run_id)) for k, v in tags]
    )
    transaction(
        [
            ("insert into params (key, value, run_uuid) values (?, ?, ?)", ("lr", str(0.01 * (i + 1)), run_id)),
            ("insert into params (key, value, run_uuid) values (?, ?, ?)", ("rounds", str(rounds), run_id)),
        ]
    )

rows = []


def metric_row(run_id, key, step, value):
    """The statements MLflow issues for one metric: the row, then the latest_metrics upsert."""
    ts = now()
    is_nan = isinstance(value, float) and math.isnan(value)
    stored = 0.0 if is_nan else (math.copysign(sys.float_info.max, value) if math.isinf(value) else value)
    shown = "NaN" if is_nan else ("Infinity" if value == math.inf else "-Infinity" if value == -math.inf else value)
    rows.append([run_id, key, step, shown])
    statements = [
        (
            "insert into metrics (key, value, timestamp, run_uuid, step, is_nan) values (?, ?, ?, ?, ?, ?)",
            (key, stored, ts, run_id, step, 1 if is_nan else 0),
        )
    ]
    latest = conn.execute(
        "select step, timestamp, value from latest_metrics where key = ? and run_uuid = ?", (key, run_id)
    ).fetchone()
    if latest is None:
        statements.append(
            (
                "insert into latest_metrics (key, value, timestamp, step, is_nan, run_uuid) values (?, ?, ?, ?, ?, ?)",
                (key, stored, ts, step, 1 if is_nan else 0, run_id),
            )
        )
    elif (step, ts, stored) > tuple(latest):
        statements.append(
            (
                "update latest_metrics set value = ?, timestamp = ?, step = ?, is_nan = ? where key = ? and run_uuid = ?",
                (stored, ts, step, 1 if is_nan else 0, key, run_id),
            )
        )
    return statements


for step in range(rounds):
    for i, run in enumerate(runs):
        if mode == "nested" and i == 0:
            batch = metric_row(run["id"], "score", step, step / 4)
        else:
            grad = math.nan if step % 50 == 49 else math.inf if step % 70 == 69 else (i + 1) * 0.5 + step / 8
            batch = (
                metric_row(run["id"], "train/loss", step, 1 / (step + 1) + i)
                + metric_row(run["id"], "val/accuracy", step, step / (rounds + i))
                + metric_row(run["id"], "grad_norm", step, grad)
            )
        transaction(batch)
    time.sleep(0.001)

for run in runs:
    transaction([("update runs set status = 'FINISHED', end_time = ? where run_uuid = ?", (now(), run["id"]))])
conn.close()
print(json.dumps({"runs": runs, "rows": rows}))
