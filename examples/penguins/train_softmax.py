"""Softmax regression of penguin species on the four body measurements, standard library only, so it
runs on any Slurm compute node with Python 3. Reads data/penguins.csv, holds out every fifth bird for
validation, and writes one line per epoch to $XLENS_METRICS_FILE (the metrics protocol of the README).
Usage: python3 train_softmax.py <learning_rate> <epochs>
"""
import csv
import json
import math
import os
import sys

FEATURES = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]


def load(path):
    rows = []
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            if all(row[c] != "" for c in FEATURES):
                rows.append(([float(row[c]) for c in FEATURES], row["species"]))
    return rows


def main():
    lr, epochs = float(sys.argv[1]), int(sys.argv[2])
    rows = load("data/penguins.csv")
    classes = sorted({y for _, y in rows})
    means = [sum(x[i] for x, _ in rows) / len(rows) for i in range(len(FEATURES))]
    sds = [math.sqrt(sum((x[i] - means[i]) ** 2 for x, _ in rows) / len(rows)) for i in range(len(FEATURES))]
    data = [([(v - m) / s for v, m, s in zip(x, means, sds)] + [1.0], classes.index(y)) for x, y in rows]
    train = [d for i, d in enumerate(data) if i % 5 != 0]
    val = [d for i, d in enumerate(data) if i % 5 == 0]
    w = [[0.0] * (len(FEATURES) + 1) for _ in classes]

    def probs(x):
        z = [sum(wi * xi for wi, xi in zip(wk, x)) for wk in w]
        top = max(z)
        e = [math.exp(v - top) for v in z]
        return [v / sum(e) for v in e]

    def evaluate(part):
        loss = sum(-math.log(max(probs(x)[y], 1e-12)) for x, y in part) / len(part)
        acc = sum(1 for x, y in part if max(range(len(classes)), key=lambda k: probs(x)[k]) == y) / len(part)
        return loss, acc

    out = open(os.environ.get("XLENS_METRICS_FILE", os.devnull), "a")
    for epoch in range(epochs):
        grad = [[0.0] * len(w[0]) for _ in classes]
        for x, y in train:
            p = probs(x)
            for k in range(len(classes)):
                g = p[k] - (1.0 if k == y else 0.0)
                for j, xj in enumerate(x):
                    grad[k][j] += g * xj / len(train)
        w = [[wkj - lr * gkj for wkj, gkj in zip(wk, gk)] for wk, gk in zip(w, grad)]
        loss, acc = evaluate(train)
        val_loss, val_acc = evaluate(val)
        values = {"loss": loss, "accuracy": acc, "val_loss": val_loss, "val_accuracy": val_acc}
        out.write(json.dumps({"step": epoch, "values": values}) + "\n")
        out.flush()
        print(f"epoch {epoch}: loss={loss:.4f} val_accuracy={val_acc:.3f}", flush=True)
    out.close()


if __name__ == "__main__":
    main()
