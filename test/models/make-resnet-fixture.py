#!/usr/bin/python3
"""Reference values for test/models/resnet-torch.test.ts from torchvision's ResNet-18.

Weights and inputs are not stored: both sides compute them from the same integer hash (see
`formula_uniform` here and test/models/formulaWeights.ts), so the fixture stays a few kB.
Every parameter and buffer of torchvision.models.resnet18 (fc excluded) gets hash values; BatchNorm running
statistics are nonzero. Stored: the state_dict keys and shapes, the parameter count, the pooled 512-d
features of a 2 × 3 × 64 × 48 input in eval mode and in train mode, and the running statistics of a
few BatchNorms after that one train-mode forward (momentum 0.1, unbiased running variance).

Run: /usr/bin/python3 test/models/make-resnet-fixture.py
"""
import json
import math
import os

import numpy as np
import torch
import torchvision

MASK = 0xFFFFFFFF


def fmix32(h):
    h = h & MASK
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & MASK
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & MASK
    h ^= h >> 16
    return h


def formula_uniform(tensor_index, count):
    """u[i] in [0, 1) for i < count: fmix32(i·0x9E3779B1 + t·0x632BE5AB + 12345) / 2^32 (float64)."""
    i = np.arange(count, dtype=np.uint64)
    h = (i * np.uint64(0x9E3779B1) + np.uint64((tensor_index * 0x632BE5AB + 12345) & MASK)) & np.uint64(MASK)
    return fmix32(h).astype(np.float64) / 4294967296.0


def formula_value(key, shape, tensor_index):
    """The value of state_dict[key] (torch layout, row-major), float32."""
    n = int(np.prod(shape))
    u = formula_uniform(tensor_index, n)
    if key.endswith('running_mean'):
        v = (2 * u - 1) * 0.2
    elif key.endswith('running_var'):
        v = 0.5 + u
    elif len(shape) == 1 and key.endswith('weight'):  # BatchNorm gamma
        v = 0.5 + u
    elif len(shape) == 1 and key.endswith('bias'):  # BatchNorm beta
        v = (2 * u - 1) * 0.2
    else:  # conv kernel [out, in, kh, kw]: uniform with variance 1/fan_in (keeps eval activations O(1))
        fan_in = shape[1] * shape[2] * shape[3]
        v = (2 * u - 1) * math.sqrt(3 / fan_in)
    return v.astype(np.float32).reshape(shape)


def short(values):
    """Floats rounded to 8 significant digits (float32 precision) to keep the JSON small."""
    return [float(f'{v:.8g}') for v in np.asarray(values, np.float64).ravel()]


def main():
    torch.set_num_threads(2)
    model = torchvision.models.resnet18(weights=None)
    model.fc = torch.nn.Identity()
    keys = [(k, list(v.shape)) for k, v in model.state_dict().items() if not k.endswith('num_batches_tracked')]
    state = {k: torch.from_numpy(formula_value(k, s, t)) for t, (k, s) in enumerate(keys)}
    model.load_state_dict(state, strict=False)
    params = sum(p.numel() for p in model.parameters())

    batch, height, width = 2, 64, 48
    nhwc = formula_uniform(1000, batch * height * width * 3).astype(np.float32).reshape(batch, height, width, 3)
    mean = np.array([0.485, 0.456, 0.406], np.float32)
    std = np.array([0.229, 0.224, 0.225], np.float32)
    x = torch.from_numpy(((nhwc - mean) / std).transpose(0, 3, 1, 2).copy())

    model.eval()
    with torch.no_grad():
        eval_features = model(x).numpy()
    model.train()
    with torch.no_grad():
        train_features = model(x).numpy()
    watched = ['bn1', 'layer2.0.downsample.1', 'layer4.1.bn2']
    sd = model.state_dict()
    running = {
        name: {
            'runningMean': short(sd[f'{name}.running_mean'].numpy()),
            'runningVar': short(sd[f'{name}.running_var'].numpy()),
        }
        for name in watched
    }
    out = {
        'description': 'torchvision resnet18 (fc removed) with hash-formula weights; see make-resnet-fixture.py',
        'torch': torch.__version__,
        'torchvision': torchvision.__version__,
        'keys': keys,
        'parameterCount': params,
        'input': {'batch': batch, 'height': height, 'width': width, 'channels': 3, 'tensorIndex': 1000},
        'evalFeatures': short(eval_features),
        'trainFeatures': short(train_features),
        'runningAfterTrain': running,
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fixtures', 'resnet18-torch.json')
    with open(path, 'w') as f:
        json.dump(out, f)
    print('wrote', path, 'params', params, 'eval |f| max', float(np.abs(eval_features).max()),
          'train |f| max', float(np.abs(train_features).max()))


if __name__ == '__main__':
    main()
