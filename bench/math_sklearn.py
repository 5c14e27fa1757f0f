#!/usr/bin/python3
"""scikit-learn side of bench/math.ts: times the same tasks on the same data, writes results.

Usage: /usr/bin/python3 bench/math_sklearn.py DIR   (DIR holds meta.json and the .bin files written by
bench/math.ts; results go to DIR/sklearn.json, DIR/sklearn-covariance.f64, DIR/sklearn-mahalanobis.f64).
Thread counts (OMP/OpenBLAS) are left at their defaults.
"""
import json
import os
import sys
import time

import numpy as np
import sklearn
from sklearn.covariance import LedoitWolf
from sklearn.metrics import roc_auc_score


def best_of(repeats, fn):
    best, out = float('inf'), None
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def main(folder):
    meta = json.load(open(os.path.join(folder, 'meta.json')))
    n, m, d, k = meta['trainRows'], meta['testRows'], meta['cols'], meta['aucScores']
    x32 = np.fromfile(os.path.join(folder, 'train.f32.bin'), dtype=np.float32).reshape(n, d)
    y32 = np.fromfile(os.path.join(folder, 'test.f32.bin'), dtype=np.float32).reshape(m, d)
    scores = np.fromfile(os.path.join(folder, 'scores.f32.bin'), dtype=np.float32)
    labels = np.fromfile(os.path.join(folder, 'labels.u8.bin'), dtype=np.uint8)
    x64 = x32.astype(np.float64)

    # LedoitWolf().fit computes location, shrinkage, covariance and the precision (pinvh): its GDE fit.
    fit32, _ = best_of(meta['fitRepeats'], lambda: LedoitWolf().fit(x32))
    fit64, lw = best_of(meta['fitRepeats'], lambda: LedoitWolf().fit(x64))
    score_s, dist = best_of(meta['scoreRepeats'], lambda: lw.mahalanobis(y32))
    auc_s, auc = best_of(meta['aucRepeats'], lambda: roc_auc_score(labels, scores))

    lw.covariance_.astype(np.float64).tofile(os.path.join(folder, 'sklearn-covariance.f64'))
    np.asarray(dist, dtype=np.float64).tofile(os.path.join(folder, 'sklearn-mahalanobis.f64'))
    json.dump({
        'version': sklearn.__version__, 'numpy': np.__version__,
        'fitFloat32': fit32, 'fitFloat64': fit64, 'score': score_s, 'auc': auc_s,
        'shrinkage': float(lw.shrinkage_), 'aucValue': float(auc),
    }, open(os.path.join(folder, 'sklearn.json'), 'w'))


if __name__ == '__main__':
    main(sys.argv[1])
