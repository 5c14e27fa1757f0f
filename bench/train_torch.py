"""PyTorch side of bench/train.ts: images/s of a 3-way training step and of inference, same
architecture, batch and size, 2 threads. Reads a JSON list of cases on stdin, prints JSON results."""
import json
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, __file__.rsplit('/', 1)[0])
from torch_resnet import Net  # noqa: E402

torch.set_num_threads(2)
cases = json.load(sys.stdin)
results = []
for case in cases:
    torch.manual_seed(0)
    net = Net(case['config'], case['headWidths'], 3)
    opt = torch.optim.SGD(net.parameters(), lr=0.03, momentum=0.9, weight_decay=3e-5)
    b, s = case['batch'], case['size']
    x = torch.rand(b, 3, s, s)
    y = torch.randint(0, 3, (b,))

    def step():
        opt.zero_grad()
        loss = F.cross_entropy(net(x), y)
        loss.backward()
        opt.step()

    def timed(fn, budget):
        fn()  # warm-up
        n, start = 0, time.perf_counter()
        while n < case['minRuns'] or time.perf_counter() - start < budget:
            fn()
            n += 1
            if n >= case['maxRuns']:
                break
        return b * n / (time.perf_counter() - start)

    net.train()
    train = timed(step, case['budget'])
    net.eval()
    with torch.no_grad():
        infer = timed(lambda: net.features(x), case['budget'])
    results.append({'train': train, 'infer': infer})
print(json.dumps(results))
