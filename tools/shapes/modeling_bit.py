"""BiT (ResNetV2 with GroupNorm + weight standardisation) for image classification.

Own implementation following the architecture of Transformers' BitForImageClassification
(v4.37): same module tree, so state_dict() keys are the Hugging Face parameter names
(bit.embedder.convolution.weight, bit.encoder.stages.{s}.layers.{l}.conv1.weight, ...,
classifier.1.weight).
"""
import math

import torch
from torch import nn
import torch.nn.functional as F

_ACT = {"relu": nn.ReLU, "gelu": nn.GELU}


def same_pad_amount(size, kernel, stride, dilation):
    """TF 'SAME' total padding for one axis (Python ints)."""
    return max((math.ceil(size / stride) - 1) * stride + (kernel - 1) * dilation + 1 - size, 0)


class DynamicPad2d(nn.Module):
    """TF-'SAME' padding computed from the input size at run time (extra pixel at the end)."""

    def __init__(self, kernel, stride, dilation, value=0.0):
        super().__init__()
        self.kernel, self.stride, self.dilation, self.value = kernel, stride, dilation, value

    def forward(self, x):
        ph = same_pad_amount(x.shape[-2], self.kernel, self.stride, self.dilation)
        pw = same_pad_amount(x.shape[-1], self.kernel, self.stride, self.dilation)
        if ph > 0 or pw > 0:
            x = F.pad(x, [pw // 2, pw - pw // 2, ph // 2, ph - ph // 2], value=self.value)
        return x


def _conv_padding(padding, kernel, stride, dilation):
    """Returns (static padding, needs dynamic SAME padding)."""
    symmetric = ((stride - 1) + dilation * (kernel - 1)) // 2
    if padding is None:
        return symmetric, False
    p = padding.lower()
    if p == "same":
        if stride == 1 and (dilation * (kernel - 1)) % 2 == 0:
            return symmetric, False
        return 0, True
    if p == "valid":
        return 0, False
    return symmetric, False


class StdConv2d(nn.Conv2d):
    """Conv2d whose kernel is standardised per output channel (zero mean, unit biased variance)."""

    def __init__(self, cin, cout, kernel, stride=1, padding="SAME", dilation=1, groups=1, eps=1e-6):
        pad, dynamic = _conv_padding(padding, kernel, stride, dilation)
        super().__init__(cin, cout, kernel, stride=stride, padding=pad, dilation=dilation, groups=groups, bias=False)
        self.pad = DynamicPad2d(kernel, stride, dilation) if dynamic else None
        self.eps = eps

    def forward(self, x):
        if self.pad is not None:
            x = self.pad(x)
        # Batch-norm in training mode over a (1, out, fan_in) view = per-channel standardisation.
        w = F.batch_norm(self.weight.reshape(1, self.out_channels, -1), None, None,
                         training=True, momentum=0.0, eps=self.eps).reshape_as(self.weight)
        return F.conv2d(x, w, None, self.stride, self.padding, self.dilation, self.groups)


class GroupNormAct(nn.GroupNorm):
    def __init__(self, config, channels, act=True, eps=1e-5):
        super().__init__(config.num_groups, channels, eps=eps, affine=True)
        self.activation = _ACT[config.hidden_act]() if act else nn.Identity()

    def forward(self, x):
        return self.activation(F.group_norm(x, self.num_groups, self.weight, self.bias, self.eps))


class MaxPoolSame(nn.Module):
    def __init__(self, kernel, stride, dynamic):
        super().__init__()
        self.kernel, self.stride = kernel, stride
        self.pad = DynamicPad2d(kernel, stride, 1, 0.0) if dynamic else nn.Identity()

    def forward(self, x):
        return F.max_pool2d(self.pad(x), self.kernel, self.stride)


class BitEmbeddings(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.convolution = StdConv2d(config.num_channels, config.embedding_size, 7, stride=2, eps=1e-8,
                                     padding=config.global_padding)
        self.pooler = MaxPoolSame(3, 2, dynamic=config.embedding_dynamic_padding)
        same = config.global_padding is not None and config.global_padding.upper() == "SAME"
        self.pad = nn.Identity() if same else nn.ConstantPad2d((1, 1, 1, 1), 0.0)
        self.norm = nn.Identity() if config.layer_type == "preactivation" else GroupNormAct(config, config.embedding_size)

    def forward(self, x):
        return self.pooler(self.norm(self.pad(self.convolution(x))))


def make_div(v, divisor=8):
    n = max(divisor, int(v + divisor / 2) // divisor * divisor)
    if n < 0.9 * v:
        n += divisor
    return n


class DropPath(nn.Module):
    def __init__(self, p):
        super().__init__()
        self.p = p

    def forward(self, x):
        if not self.training or self.p == 0.0:
            return x
        keep = 1.0 - self.p
        mask = (keep + torch.rand((x.shape[0],) + (1,) * (x.dim() - 1), dtype=x.dtype, device=x.device)).floor_()
        return x.div(keep) * mask


class BitDownsampleConv(nn.Module):
    def __init__(self, config, cin, cout, stride, preact):
        super().__init__()
        self.conv = StdConv2d(cin, cout, 1, stride=stride, eps=1e-8, padding=config.global_padding)
        self.norm = nn.Identity() if preact else GroupNormAct(config, cout, act=False)

    def forward(self, x):
        return self.norm(self.conv(x))


class BitPreActivationBottleneckLayer(nn.Module):
    """norm -> conv1x1 -> norm -> conv3x3 (stride) -> norm -> conv1x1, shortcut from the pre-activation."""

    def __init__(self, config, cin, cout, stride, first_layer, drop_path):
        super().__init__()
        mid = make_div(cout * 0.25)
        pad = config.global_padding
        self.downsample = BitDownsampleConv(config, cin, cout, stride, preact=True) if first_layer else None
        self.norm1 = GroupNormAct(config, cin)
        self.conv1 = StdConv2d(cin, mid, 1, eps=1e-8, padding=pad)
        self.norm2 = GroupNormAct(config, mid)
        self.conv2 = StdConv2d(mid, mid, 3, stride=stride, eps=1e-8, padding=pad)
        self.norm3 = GroupNormAct(config, mid)
        self.conv3 = StdConv2d(mid, cout, 1, eps=1e-8, padding=pad)
        self.drop_path = DropPath(drop_path) if drop_path > 0 else nn.Identity()

    def forward(self, x):
        pre = self.norm1(x)
        shortcut = self.downsample(pre) if self.downsample is not None else x
        h = self.conv1(pre)
        h = self.conv2(self.norm2(h))
        h = self.conv3(self.norm3(h))
        return self.drop_path(h) + shortcut


class BitBottleneckLayer(nn.Module):
    """conv1x1 -> norm+act -> conv3x3 (stride) -> norm+act -> conv1x1 -> norm, add shortcut, act."""

    def __init__(self, config, cin, cout, stride, first_layer, drop_path, dilation=1):
        super().__init__()
        mid = make_div(cout * 0.25)
        pad = config.global_padding
        self.downsample = BitDownsampleConv(config, cin, cout, stride, preact=False) if first_layer else None
        self.conv1 = StdConv2d(cin, mid, 1, eps=1e-8, padding=pad)
        self.norm1 = GroupNormAct(config, mid)
        self.conv2 = StdConv2d(mid, mid, 3, stride=stride, dilation=dilation, eps=1e-8, padding=pad)
        self.norm2 = GroupNormAct(config, mid)
        self.conv3 = StdConv2d(mid, cout, 1, eps=1e-8, padding=pad)
        self.norm3 = GroupNormAct(config, cout, act=False)
        self.drop_path = DropPath(drop_path) if drop_path > 0 else nn.Identity()
        self.activation = _ACT[config.hidden_act]()

    def forward(self, x):
        shortcut = self.downsample(x) if self.downsample is not None else x
        h = self.norm1(self.conv1(x))
        h = self.norm2(self.conv2(h))
        h = self.norm3(self.conv3(h))
        return self.activation(self.drop_path(h) + shortcut)


class BitStage(nn.Module):
    def __init__(self, config, cin, cout, stride, depth, drop_rates):
        super().__init__()
        self.layers = nn.Sequential()
        for i in range(depth):
            first = i == 0
            if config.layer_type == "bottleneck":
                layer = BitBottleneckLayer(config, cin, cout, stride if first else 1, first, drop_rates[i])
            else:
                layer = BitPreActivationBottleneckLayer(config, cin, cout, stride if first else 1, first, drop_rates[i])
            self.layers.add_module(str(i), layer)
            cin = cout

    def forward(self, x):
        return self.layers(x)


class BitEncoder(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.stages = nn.ModuleList()
        rates = torch.linspace(0, config.drop_path_rate, sum(config.depths)).split(config.depths)
        cin = config.embedding_size
        current_stride = 4
        for s, (depth, hidden) in enumerate(zip(config.depths, config.hidden_sizes)):
            cout = make_div(hidden * config.width_factor)
            stride = 1 if s == 0 else 2
            if current_stride >= config.output_stride:
                raise NotImplementedError("dilated stages (output_stride < 32) are not needed here")
            self.stages.append(BitStage(config, cin, cout, stride, depth, rates[s].tolist()))
            cin = cout
            current_stride *= stride

    def forward(self, x):
        for stage in self.stages:
            x = stage(x)
        return x


class BitModel(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.embedder = BitEmbeddings(config)
        self.encoder = BitEncoder(config)
        self.norm = GroupNormAct(config, config.hidden_sizes[-1]) if config.layer_type == "preactivation" else nn.Identity()
        self.pooler = nn.AdaptiveAvgPool2d((1, 1))

    def forward(self, pixel_values):
        h = self.norm(self.encoder(self.embedder(pixel_values)))
        return h, self.pooler(h)


class BitForImageClassification(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.config = config
        self.bit = BitModel(config)
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(config.hidden_sizes[-1], config.num_labels))
        self.init_weights()

    def init_weights(self):
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, nn.GroupNorm):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)

    def forward(self, pixel_values):
        _, pooled = self.bit(pixel_values)
        return self.classifier(pooled)
