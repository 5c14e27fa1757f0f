#!/usr/bin/python3
"""Reference values for the numeric core (src/math, src/density), written as JSON under test/fixtures/.

Run with the system Python (numpy, scipy, scikit-learn, torch): `/usr/bin/python3 scripts/make-fixtures.py`
(or `npm run fixtures`). Deterministic: fixed seeds, so rerunning rewrites identical files (up to
library versions, recorded in each file's "generator" field).

References:
- Ledoit-Wolf, ShrunkCovariance, EmpiricalCovariance and their `.mahalanobis`: scikit-learn.
- roc_auc_score, roc_curve(drop_intermediate=False), precision_recall_curve: scikit-learn.
- AUPRO: a port of the official MVTec AD evaluation code (`compute_pro` + `trapezoid`), with
  scipy.ndimage.label(structure=np.ones((3, 3))) for 8-connected regions. Unlike the official code the
  FPRs are kept in float64 (it casts them to float32).
- gaussian_filter (mode='reflect', truncate=4.0): scipy.ndimage; bilinear resize: torch
  F.interpolate(mode='bilinear', align_corners=False) in float64.
"""
import json
import os
from bisect import bisect

import numpy as np
import scipy
import scipy.ndimage
import sklearn
import torch
import torch.nn.functional as F
from sklearn.covariance import EmpiricalCovariance, LedoitWolf, ShrunkCovariance
from sklearn.metrics import precision_recall_curve, roc_auc_score, roc_curve
from sklearn.preprocessing import normalize

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures')
GENERATOR = (
    f'scripts/make-fixtures.py (numpy {np.__version__}, scipy {scipy.__version__}, '
    f'scikit-learn {sklearn.__version__}, torch {torch.__version__})'
)


def f32(a):
    """Values exactly representable in float32 (so a Float32Array holds them unchanged)."""
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def tolist(a):
    return np.asarray(a, dtype=np.float64).tolist()


def write(name, payload):
    payload = {'generator': GENERATOR, **payload}
    path = os.path.join(OUT, name)
    with open(path, 'w') as f:
        json.dump(payload, f, separators=(',', ':'))
        f.write('\n')
    print(f'{name}: {os.path.getsize(path)} bytes')


def correlated(rng, n, d, offset=3.0):
    mixing = rng.standard_normal((d, d)) / np.sqrt(d)
    scales = np.linspace(0.5, 2.0, d)
    return f32(rng.standard_normal((n, d)) @ mixing * scales + offset * rng.standard_normal(d))


# ---------------------------------------------------------------- covariance / density
def covariance_fixtures():
    rng = np.random.default_rng(20210401)
    cases = []
    for label, n, d in [('n > d', 60, 12), ('n < d', 10, 25), ('n = d + 1', 9, 8), ('one feature', 7, 1)]:
        x = correlated(rng, n, d)
        held_out = correlated(rng, 6, d)
        lw = LedoitWolf().fit(x)
        cases.append({
            'name': label, 'rows': n, 'cols': d, 'data': tolist(x.ravel()),
            'mean': tolist(lw.location_), 'covariance': tolist(lw.covariance_.ravel()),
            'shrinkage': float(lw.shrinkage_),
            'heldOut': tolist(held_out.ravel()), 'mahalanobis': tolist(lw.mahalanobis(held_out)),
        })
    write('ledoit-wolf.json', {'cases': cases})

    rng = np.random.default_rng(7)
    n, d = 40, 8
    x = correlated(rng, n, d)
    held_out = correlated(rng, 10, d)
    shrunk = []
    for s in [0.0, 0.1, 0.37, 1.0]:
        est = EmpiricalCovariance().fit(x) if s == 0.0 else ShrunkCovariance(shrinkage=s).fit(x)
        shrunk.append({
            'shrinkage': s, 'covariance': tolist(est.covariance_.ravel()), 'mean': tolist(est.location_),
            'mahalanobis': tolist(est.mahalanobis(held_out)),
        })
    xn, hn = normalize(x), normalize(held_out)
    lw_norm = LedoitWolf().fit(xn)
    write('shrunk-covariance.json', {
        'rows': n, 'cols': d, 'data': tolist(x.ravel()), 'heldOut': tolist(held_out.ravel()),
        'cases': shrunk,
        'l2Normalized': {
            'shrinkage': float(lw_norm.shrinkage_), 'mean': tolist(lw_norm.location_),
            'covariance': tolist(lw_norm.covariance_.ravel()), 'mahalanobis': tolist(lw_norm.mahalanobis(hn)),
        },
    })


# ---------------------------------------------------------------- ROC, F1
def roc_fixtures():
    rng = np.random.default_rng(11)
    cases = []
    for name, n, decimals, prevalence in [('many ties', 300, 1, 0.3), ('few ties', 200, 3, 0.5), ('rare positives', 150, 2, 0.08)]:
        labels = (rng.random(n) < prevalence).astype(np.int64)
        labels[0], labels[1] = 0, 1  # both classes present
        scores = f32(np.round(rng.standard_normal(n) + 1.2 * labels, decimals))
        fpr, tpr, thr = roc_curve(labels, scores, drop_intermediate=False)
        thr = thr.copy()
        thr[0] = np.inf  # scikit-learn >= 1.3 convention (1.2 writes max + 1)
        precision, recall, pr_thr = precision_recall_curve(labels, scores)
        with np.errstate(invalid='ignore', divide='ignore'):
            f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0.0)
        f1 = f1[:-1]  # the last PR point has no threshold
        best = f1.max()
        # Highest threshold among (numerically) equal maxima, as f1Max documents.
        ties = np.flatnonzero(f1 >= best - 1e-12)
        i = ties[np.argmax(pr_thr[ties])]
        cases.append({
            'name': name, 'scores': tolist(scores), 'labels': labels.tolist(),
            'auc': float(roc_auc_score(labels, scores)),
            'fpr': tolist(fpr), 'tpr': tolist(tpr), 'thresholds': ['Infinity'] + tolist(thr[1:]),
            'f1Max': {'threshold': float(pr_thr[i]), 'f1': float(f1[i]), 'precision': float(precision[i]),
                      'recall': float(recall[i])},
        })
    write('roc.json', {'cases': cases})


# ---------------------------------------------------------------- AUPRO (official MVTec AD code, ported)
def compute_pro(anomaly_maps, ground_truth_maps):
    structure = np.ones((3, 3), dtype=int)
    num_ok_pixels = 0
    num_gt_regions = 0
    shape = (len(anomaly_maps), anomaly_maps[0].shape[0], anomaly_maps[0].shape[1])
    fp_changes = np.zeros(shape, dtype=np.uint32)
    pro_changes = np.zeros(shape, dtype=np.float64)
    for gt_ind, gt_map in enumerate(ground_truth_maps):
        labeled, n_components = scipy.ndimage.label(gt_map, structure)
        num_gt_regions += n_components
        ok_mask = labeled == 0
        num_ok_pixels += np.sum(ok_mask)
        fp_change = np.zeros_like(gt_map, dtype=fp_changes.dtype)
        fp_change[ok_mask] = 1
        pro_change = np.zeros_like(gt_map, dtype=np.float64)
        for k in range(n_components):
            region_mask = labeled == (k + 1)
            pro_change[region_mask] = 1.0 / np.sum(region_mask)
        fp_changes[gt_ind] = fp_change
        pro_changes[gt_ind] = pro_change
    scores = np.array(anomaly_maps).ravel()
    order = np.argsort(scores, kind='stable')[::-1]
    scores = scores[order]
    fprs = np.cumsum(fp_changes.ravel()[order]).astype(np.float64) / num_ok_pixels  # official: float32
    pros = np.cumsum(pro_changes.ravel()[order]) / num_gt_regions
    keep = np.append(np.diff(scores) != 0, np.True_)
    fprs = np.clip(fprs[keep], None, 1.0)
    pros = np.clip(pros[keep], None, 1.0)
    return np.concatenate(([0.0], fprs, [1.0])), np.concatenate(([0.0], pros, [1.0]))


def trapezoid(x, y, x_max=None):
    x, y = np.asarray(x), np.asarray(y)
    correction = 0.0
    if x_max is not None:
        if x_max not in x:
            ins = bisect(x, x_max)
            assert 0 < ins < len(x)
            y_interp = y[ins - 1] + ((y[ins] - y[ins - 1]) * (x_max - x[ins - 1]) / (x[ins] - x[ins - 1]))
            correction = 0.5 * (y_interp + y[ins - 1]) * (x_max - x[ins - 1])
        mask = x <= x_max
        x, y = x[mask], y[mask]
    return np.sum(0.5 * (y[1:] + y[:-1]) * (x[1:] - x[:-1])) + correction


def au_pro(maps, masks, limit):
    fprs, pros = compute_pro(maps, masks)
    return float(trapezoid(fprs, pros, x_max=limit) / limit)


def aupro_fixtures():
    h, w = 20, 28  # non-square on purpose
    rng = np.random.default_rng(5)
    masks = np.zeros((4, h, w), dtype=np.uint8)
    masks[0, 3:7, 4:10] = 255                      # rectangle
    masks[0, 12, 20] = masks[0, 13, 21] = masks[0, 14, 22] = 255  # diagonal-only chain: one region (8-conn.)
    masks[0, 19, 0] = 255                          # single pixel in a corner
    masks[1, 8:15, 15:28] = 255                    # touches the right border
    masks[1, 0, 0:3] = 255
    # image 2: defect-free
    masks[3, 5:9, 2:5] = 255
    masks[3, 9, 5] = 255                           # joins the block above through a corner only
    masks[3, 15:18, 10:13] = 255
    masks[3, 16, 11] = 0                           # a hole: the ring is still one region
    labels_8 = [int(scipy.ndimage.label(m > 0, np.ones((3, 3)))[1]) for m in masks]
    labels_4 = [int(scipy.ndimage.label(m > 0)[1]) for m in masks]
    assert labels_8 != labels_4, 'fixture must contain diagonal-only connections'

    defect = masks > 0
    continuous = f32(rng.random((4, h, w)) + defect * (0.6 * rng.random((4, h, w)) + 0.1))
    quantised = f32(np.round(continuous * 4) / 4)   # heavy ties between defect and defect-free pixels
    cases = []
    for name, maps in [('continuous', continuous), ('quantised', quantised)]:
        cases.append({
            'name': name, 'maps': [tolist(m.ravel()) for m in maps],
            'expected': {str(limit): au_pro(list(maps), list(masks), limit) for limit in [0.3, 0.05, 1.0]},
        })
    perfect = f32(defect * 1.0 + 0.01 * rng.random((4, h, w)))
    cases.append({'name': 'perfect separation', 'maps': [tolist(m.ravel()) for m in perfect],
                  'expected': {'0.3': au_pro(list(perfect), list(masks), 0.3)}})
    write('aupro.json', {
        'height': h, 'width': w, 'masks': [m.ravel().tolist() for m in masks],
        'regionsPerMask': labels_8, 'cases': cases,
    })


# ---------------------------------------------------------------- score-map post-processing
def map_fixtures():
    rng = np.random.default_rng(3)
    h, w = 13, 17
    image = f32(rng.random((h, w)) * 4 - 1)
    blurs = []
    for sigma in [0.0, 0.5, 1.0, 2.0, 4.3]:  # 4.3: radius 17 > height 13, reflection wraps twice
        blurs.append({'sigma': sigma, 'output': tolist(
            scipy.ndimage.gaussian_filter(image, sigma, mode='reflect', truncate=4.0).ravel())})
    kernels = []
    for sigma in [0.5, 1.0, 2.5]:
        radius = int(4.0 * sigma + 0.5)
        x = np.arange(-radius, radius + 1)
        phi = np.exp(-0.5 / sigma**2 * x**2)
        kernels.append({'sigma': sigma, 'kernel': tolist(phi / phi.sum())})
    resizes = []
    for (ih, iw, oh, ow) in [(5, 7, 12, 9), (6, 10, 3, 4), (8, 11, 20, 30), (9, 4, 9, 4), (4, 6, 7, 5)]:
        src = f32(rng.random((ih, iw)))
        t = torch.from_numpy(src).reshape(1, 1, ih, iw)
        out = F.interpolate(t, size=(oh, ow), mode='bilinear', align_corners=False)
        resizes.append({'height': ih, 'width': iw, 'outHeight': oh, 'outWidth': ow,
                        'input': tolist(src.ravel()), 'output': tolist(out.numpy().ravel())})
    write('score-maps.json', {'height': h, 'width': w, 'image': tolist(image.ravel()),
                              'gaussianFilter': blurs, 'kernels': kernels, 'resize': resizes})


if __name__ == '__main__':
    os.makedirs(OUT, exist_ok=True)
    covariance_fixtures()
    roc_fixtures()
    aupro_fixtures()
    map_fixtures()
