"""Baseline of bench/drift.bench.ts: the same drift tests with pandas + SciPy, following Evidently's
default rules (reference <= 1000 rows: KS / chi-squared / Z; else normed Wasserstein / Jensen-Shannon;
PSI on Sturges bins or value bins as Evidently's get_binned_data), plus per-column summaries.

Usage:
  python3 bench/drift.bench.py --split data.csv --columns a,b      first half of rows vs second half
  python3 bench/drift.bench.py --reference ref.csv --current cur.csv --columns a,b
Prints one JSON line: seconds (read + tests), maxRssMB, per-column verdicts.
"""
import argparse
import json
import resource
import time

import numpy as np
import pandas as pd
from scipy import stats
from scipy.spatial.distance import jensenshannon


def binned(ref, cur, numerical, fill_zeroes):
    if numerical and ref.nunique() > 20:
        bins = np.histogram_bin_edges(pd.concat([ref, cur]).values, bins="sturges")
        rp = np.histogram(ref, bins)[0] / len(ref)
        cp = np.histogram(cur, bins)[0] / len(cur)
    else:
        keys = list(set(ref.unique()) | set(cur.unique()))
        rc = ref.value_counts()
        cc = cur.value_counts()
        rp = np.array([rc.get(k, 0) / len(ref) for k in keys])
        cp = np.array([cc.get(k, 0) / len(cur) for k in keys])
    if fill_zeroes:
        for arr in (rp, cp):
            m = min(arr[arr != 0])
            np.place(arr, arr == 0, m / 10**6 if m <= 0.0001 else 0.0001)
    return rp, cp


def column_drift(ref, cur, numerical):
    ref = ref.dropna()
    cur = cur.dropna()
    n_values = pd.concat([ref, cur]).nunique()
    if len(ref) <= 1000:
        if numerical:
            method = "ks" if n_values > 5 else ("chisquare" if n_values > 2 else "z")
        else:
            method = "chisquare" if n_values > 2 else "z"
    else:
        method = "wasserstein" if numerical and n_values > 5 else "jensenshannon"
    p_value = None
    if method == "ks":
        res = stats.ks_2samp(ref, cur)
        statistic, p_value = float(res.statistic), float(res.pvalue)
    elif method == "chisquare":
        keys = list(set(ref.unique()) | set(cur.unique()))
        rc = ref.value_counts()
        cc = cur.value_counts()
        f_exp = [rc.get(k, 0) * len(cur) / len(ref) for k in keys]
        f_obs = [cc.get(k, 0) for k in keys]
        statistic, p_value = stats.chisquare(f_obs, f_exp)
        statistic, p_value = float(statistic), float(p_value)
    elif method == "z":
        first = sorted(set(ref.unique()) | set(cur.unique()))[0]
        r1 = (ref != first).astype(float)
        c1 = (cur != first).astype(float)
        p1, p2 = r1.mean(), c1.mean()
        pooled = (r1.sum() + c1.sum()) / (len(r1) + len(c1))
        var = pooled * (1 - pooled) * (1 / len(r1) + 1 / len(c1))
        statistic = float((p1 - p2) / np.sqrt(var)) if var > 0 else 0.0
        p_value = float(2 * stats.norm.sf(abs(statistic))) if var > 0 else 1.0
    elif method == "wasserstein":
        statistic = float(stats.wasserstein_distance(ref, cur) / max(np.std(ref), 0.001))
    else:
        rp, cp = binned(ref, cur, numerical, False)
        statistic = float(jensenshannon(rp, cp, base=2))
    rp, cp = binned(ref, cur, numerical, True)
    psi = float(np.sum((rp - cp) * np.log(rp / cp)))
    if numerical:
        ref.describe()
        cur.describe()
    drifted = (p_value < 0.05) if p_value is not None else (statistic >= 0.1)
    return {"method": method, "statistic": statistic, "pValue": p_value, "drifted": bool(drifted), "psi": psi}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--split")
    parser.add_argument("--reference")
    parser.add_argument("--current")
    parser.add_argument("--columns", required=True)
    args = parser.parse_args()
    columns = args.columns.split(",")
    started = time.perf_counter()
    cpu = time.process_time()
    if args.split:
        df = pd.read_csv(args.split, usecols=columns)
        middle = len(df) // 2
        ref, cur = df.iloc[:middle], df.iloc[middle:]
    else:
        ref = pd.read_csv(args.reference, usecols=columns)
        cur = pd.read_csv(args.current, usecols=columns)
    loaded = time.perf_counter()
    verdicts = {}
    for column in columns:
        numerical = pd.api.types.is_numeric_dtype(ref[column])
        verdicts[column] = column_drift(ref[column], cur[column], numerical)
    done = time.perf_counter()
    print(json.dumps({
        "loadSeconds": loaded - started,
        "computeSeconds": done - loaded,
        "seconds": done - started,
        "cpuSeconds": time.process_time() - cpu,
        "maxRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rows": len(ref) + len(cur),
        "verdicts": verdicts,
    }))


if __name__ == "__main__":
    main()
