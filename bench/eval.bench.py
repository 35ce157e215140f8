"""Baseline of bench/eval.bench.ts: scikit-learn computing what `xlens eval` computes for a binary
predictions file (Debian python3-sklearn + python3-pandas under /usr/bin/python3).

Usage: python3 bench/eval.bench.py predictions.csv
Reads the CSV with pandas (columns y, pred, proba), then: classification_report, accuracy,
balanced accuracy, Matthews correlation, Cohen's kappa, confusion matrix (counts and normalised),
log loss, Brier score, ROC AUC, average precision, ROC and precision-recall curves, a calibration
curve (10 uniform bins) and F1 against the threshold with the best-F1 threshold.
Prints one JSON line: seconds and cpuSeconds (read + metrics, interpreter start-up and imports
excluded), readSeconds,
maxRssMB and the main values (to check agreement).
"""
import json
import resource
import sys
import time

import numpy as np
import pandas as pd
from sklearn.calibration import calibration_curve
from sklearn.metrics import (accuracy_score, average_precision_score, balanced_accuracy_score,
                             brier_score_loss, classification_report, cohen_kappa_score,
                             confusion_matrix, log_loss, matthews_corrcoef, precision_recall_curve,
                             roc_auc_score, roc_curve)

start = time.perf_counter()
cpu_start = time.process_time()
df = pd.read_csv(sys.argv[1])
read = time.perf_counter() - start
y, pred, p = df["y"].to_numpy(), df["pred"].to_numpy(), df["proba"].to_numpy()
report = classification_report(y, pred, output_dict=True)
values = {
    "accuracy": accuracy_score(y, pred),
    "balanced_accuracy": balanced_accuracy_score(y, pred),
    "mcc": matthews_corrcoef(y, pred),
    "kappa": cohen_kappa_score(y, pred),
    "f1_macro": report["macro avg"]["f1-score"],
    "log_loss": log_loss(y, p),
    "brier": brier_score_loss(y, p),
    "roc_auc": roc_auc_score(y, p),
    "average_precision": average_precision_score(y, p),
}
confusion_matrix(y, pred)
confusion_matrix(y, pred, normalize="true")
fpr, tpr, _ = roc_curve(y, p)
precision, recall, thresholds = precision_recall_curve(y, p)
calibration_curve(y, p, n_bins=10)
f1 = np.divide(2 * precision * recall, precision + recall, out=np.zeros_like(precision),
               where=(precision + recall) != 0)[:-1]
values["best_f1_threshold"] = float(thresholds[int(np.argmax(f1))])
seconds = time.perf_counter() - start
cpu_seconds = time.process_time() - cpu_start
print(json.dumps({"seconds": seconds, "cpuSeconds": cpu_seconds, "readSeconds": read, "rows": len(df),
                  "maxRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "rocPoints": len(fpr), "values": {k: float(v) for k, v in values.items()}}))
