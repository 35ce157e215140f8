"""Baseline for bench/trainer.bench.mjs: scikit-learn's MLPClassifier on the same CSV and architecture.

Preprocessing mirrors the built-in trainer (fitted on the training rows: mean imputation and
standardisation for numbers, most-frequent imputation and one-hot for text). Prints one JSON object:
{"fit_seconds", "epochs", "seconds_per_epoch", "val_accuracy", "train_rows", "sklearn"}.

Usage: python3 trainer.sklearn.py <csv> <target> <hidden,sizes> <epochs> <batch> <learning_rate> <validation_split>
"""
import csv
import json
import sys
import time
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

MISSING = {"", "NA", "N/A", "NaN", "null", "None"}


def as_number(text):
    try:
        return float(text)
    except ValueError:
        return None


def main():
    path, target, hidden, epochs, batch, rate, val_share = sys.argv[1:8]
    hidden = tuple(int(h) for h in hidden.split(","))
    epochs, batch, rate, val_share = int(epochs), int(batch), float(rate), float(val_share)
    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows = [r for r in rows if r[target] not in MISSING]
    order = np.random.default_rng(42).permutation(len(rows))
    n_val = round(len(rows) * val_share)
    val_idx, train_idx = order[:n_val], order[n_val:]
    features = [c for c in rows[0].keys() if c != target]
    blocks_train, blocks_val = [], []
    for name in features:
        column = [r[name] for r in rows]
        present = [column[i] for i in train_idx if column[i] not in MISSING]
        numbers = [as_number(v) for v in present]
        if all(v is not None for v in numbers):
            values = np.array([np.nan if v in MISSING else float(v) for v in column])
            mean, std = np.mean(numbers), np.std(numbers) or 1.0
            values = (np.where(np.isnan(values), mean, values) - mean) / std
            block = values[:, None]
        else:
            cats = sorted(set(present))
            top = max(cats, key=lambda c: (present.count(c), -cats.index(c)))
            block = np.array([[1.0 if (top if v in MISSING else v) == c else 0.0 for c in cats] for v in column])
        blocks_train.append(block[train_idx])
        blocks_val.append(block[val_idx])
    x_train, x_val = np.hstack(blocks_train), np.hstack(blocks_val)
    labels = np.array([r[target] for r in rows])
    y_train, y_val = labels[train_idx], labels[val_idx]

    model = MLPClassifier(
        hidden_layer_sizes=hidden,
        activation="relu",
        solver="adam",
        alpha=0.0,
        batch_size=batch,
        learning_rate_init=rate,
        max_iter=epochs,
        shuffle=True,
        random_state=0,
        tol=0.0,
        n_iter_no_change=epochs + 1,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        started = time.perf_counter()
        model.fit(x_train, y_train)
        seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "fit_seconds": seconds,
                "epochs": model.n_iter_,
                "seconds_per_epoch": seconds / model.n_iter_,
                "val_accuracy": float(model.score(x_val, y_val)) if n_val else None,
                "train_rows": int(len(train_idx)),
                "sklearn": sklearn.__version__,
            }
        )
    )


if __name__ == "__main__":
    main()
