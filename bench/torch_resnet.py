"""PyTorch twin of the library's data-described ResNet (src/models/resnetConfig.ts), for benchmarks.

Builds the same architecture from the JSON config our `resnet(config).toConfig()` writes: stem conv
(k, stride) + BN + ReLU (+ max-pool), BasicBlocks per stage, 'same' (torchvision padding) or 'valid'
(no padding; shortcut centre-cropped) padding; then a projection head (Linear-BN-ReLU …, Linear) and
a linear classifier.
"""
import torch
import torch.nn as nn


def conv(cin, cout, k, stride, same):
    return nn.Conv2d(cin, cout, k, stride=stride, padding=(k // 2 if same else 0), bias=False)


class Block(nn.Module):
    def __init__(self, cin, cout, stride, same):
        super().__init__()
        self.same = same
        self.conv1, self.bn1 = conv(cin, cout, 3, stride, same), nn.BatchNorm2d(cout)
        self.conv2, self.bn2 = conv(cout, cout, 3, 1, same), nn.BatchNorm2d(cout)
        self.down = None
        if stride != 1 or cin != cout:
            self.down = nn.Sequential(conv(cin, cout, 1, stride, True), nn.BatchNorm2d(cout))
        self.stride = stride

    def forward(self, x):
        out = torch.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        short = x if self.down is None else self.down(x)
        if not self.same:  # centre-crop the shortcut to the valid output
            dh = (short.shape[2] - out.shape[2]) // 2
            dw = (short.shape[3] - out.shape[3]) // 2
            short = short[:, :, dh:dh + out.shape[2], dw:dw + out.shape[3]]
        return torch.relu(out + short)


class Net(nn.Module):
    def __init__(self, config, head_widths, classes):
        super().__init__()
        same = config.get('padding', 'same') == 'same'
        stem = config['stem']
        cin = config.get('inputChannels', 3)
        layers = [conv(cin, stem['channels'], stem['kernel'], stem['stride'], same), nn.BatchNorm2d(stem['channels']), nn.ReLU()]
        pool = stem.get('maxPool')
        if pool:
            k, s = (3, 2) if pool is True else (pool['kernel'], pool['stride'])
            layers.append(nn.MaxPool2d(k, s, padding=(k // 2 if same else 0)))
        c = stem['channels']
        for n, w, s in zip(config['blocks'], config['widths'], config['strides']):
            for i in range(n):
                layers.append(Block(c, w, s if i == 0 else 1, same))
                c = w
        self.encoder = nn.Sequential(*layers)
        head = []
        for i, w in enumerate(head_widths):
            head.append(nn.Linear(c, w))
            if i < len(head_widths) - 1:
                head += [nn.BatchNorm1d(w), nn.ReLU()]
            c = w
        self.head = nn.Sequential(*head)
        self.classifier = nn.Linear(c, classes)

    def features(self, x):
        return self.encoder(x).mean(dim=(2, 3))

    def forward(self, x):
        return self.classifier(self.head(self.features(x)))
