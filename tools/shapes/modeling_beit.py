"""BEiT encoder + UperNet decode head (+ optional FCN auxiliary head) for semantic segmentation.

Own implementation following the architecture of Transformers' BeitForSemanticSegmentation
(v4.37): the module tree mirrors it, so state_dict() keys are the Hugging Face names
(beit.embeddings.*, beit.encoder.layer.{i}.attention.attention.query.weight, lambda_1,
fpn1.0.weight, decode_head.psp_modules.{i}.1.conv.weight, auxiliary_head.*, ...).
`relative_position_index` is a non-persistent buffer, as in Hugging Face checkpoints.
"""
import math

import torch
from torch import nn
import torch.nn.functional as F


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


class BeitPatchEmbeddings(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.image_size = config.image_size
        self.patch_shape = (config.image_size // config.patch_size, config.image_size // config.patch_size)
        self.num_patches = self.patch_shape[0] * self.patch_shape[1]
        self.projection = nn.Conv2d(config.num_channels, config.hidden_size, config.patch_size, stride=config.patch_size)

    def forward(self, x):
        if x.shape[-2] != self.image_size or x.shape[-1] != self.image_size:
            raise ValueError(f"input {tuple(x.shape[-2:])} != model image size {self.image_size}")
        return self.projection(x).flatten(2).transpose(1, 2)


class BeitEmbeddings(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.cls_token = nn.Parameter(torch.zeros(1, 1, config.hidden_size))
        self.mask_token = nn.Parameter(torch.zeros(1, 1, config.hidden_size)) if config.use_mask_token else None
        self.patch_embeddings = BeitPatchEmbeddings(config)
        n = self.patch_embeddings.num_patches
        self.position_embeddings = (nn.Parameter(torch.zeros(1, n + 1, config.hidden_size))
                                    if config.use_absolute_position_embeddings else None)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)

    def forward(self, pixel_values):
        e = self.patch_embeddings(pixel_values)
        e = torch.cat([self.cls_token.expand(e.shape[0], -1, -1), e], dim=1)
        if self.position_embeddings is not None:
            e = e + self.position_embeddings
        return self.dropout(e)


def relative_position_index(window):
    """(Wh*Ww+1)^2 table index: patch-to-patch offsets, then 3 extra entries for cls<->patch and cls<->cls."""
    wh, ww = window
    ys, xs = torch.meshgrid(torch.arange(wh), torch.arange(ww), indexing="ij")
    coords = torch.stack([ys.flatten(), xs.flatten()])  # 2, N
    rel = (coords[:, :, None] - coords[:, None, :]).permute(1, 2, 0)  # N, N, 2
    idx_patch = (rel[..., 0] + wh - 1) * (2 * ww - 1) + (rel[..., 1] + ww - 1)
    num = (2 * wh - 1) * (2 * ww - 1) + 3
    n = wh * ww + 1
    idx = torch.zeros((n, n), dtype=torch.long)
    idx[1:, 1:] = idx_patch
    idx[0, :] = num - 3  # cls -> patches
    idx[:, 0] = num - 2  # patches -> cls
    idx[0, 0] = num - 1  # cls -> cls
    return idx


class BeitRelativePositionBias(nn.Module):
    def __init__(self, config, window):
        super().__init__()
        self.window = window
        self.num_relative_distance = (2 * window[0] - 1) * (2 * window[1] - 1) + 3
        self.relative_position_bias_table = nn.Parameter(torch.zeros(self.num_relative_distance, config.num_attention_heads))
        self.register_buffer("relative_position_index", relative_position_index(window), persistent=False)

    def forward(self):
        n = self.window[0] * self.window[1] + 1
        bias = self.relative_position_bias_table[self.relative_position_index.view(-1)].view(n, n, -1)
        return bias.permute(2, 0, 1).contiguous()  # heads, n, n


class BeitSelfAttention(nn.Module):
    def __init__(self, config, window=None):
        super().__init__()
        self.heads = config.num_attention_heads
        self.head_dim = config.hidden_size // config.num_attention_heads
        all_dim = self.heads * self.head_dim
        self.query = nn.Linear(config.hidden_size, all_dim)
        self.key = nn.Linear(config.hidden_size, all_dim, bias=False)
        self.value = nn.Linear(config.hidden_size, all_dim)
        self.dropout = nn.Dropout(config.attention_probs_dropout_prob)
        self.relative_position_bias = BeitRelativePositionBias(config, window) if window else None

    def _split(self, x):
        b, n, _ = x.shape
        return x.view(b, n, self.heads, self.head_dim).permute(0, 2, 1, 3)

    def forward(self, x, shared_bias=None):
        q = self._split(self.query(x))
        k = self._split(self.key(x))
        v = self._split(self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_dim)
        if self.relative_position_bias is not None:
            scores = scores + self.relative_position_bias().unsqueeze(0)
        if shared_bias is not None:
            scores = scores + shared_bias
        probs = self.dropout(F.softmax(scores, dim=-1))
        ctx = torch.matmul(probs, v).permute(0, 2, 1, 3).contiguous()
        return ctx.view(ctx.shape[0], ctx.shape[1], -1)


class BeitSelfOutput(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.hidden_size)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)

    def forward(self, x):
        return self.dropout(self.dense(x))


class BeitAttention(nn.Module):
    def __init__(self, config, window=None):
        super().__init__()
        self.attention = BeitSelfAttention(config, window)
        self.output = BeitSelfOutput(config)

    def forward(self, x, shared_bias=None):
        return self.output(self.attention(x, shared_bias))


class BeitIntermediate(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.intermediate_size)
        if config.hidden_act != "gelu":
            raise NotImplementedError(config.hidden_act)

    def forward(self, x):
        return F.gelu(self.dense(x))


class BeitOutput(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.dense = nn.Linear(config.intermediate_size, config.hidden_size)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)

    def forward(self, x):
        return self.dropout(self.dense(x))


class BeitLayer(nn.Module):
    """Pre-norm transformer block with per-channel layer scale (lambda_1, lambda_2)."""

    def __init__(self, config, window=None, drop_path=0.0):
        super().__init__()
        self.attention = BeitAttention(config, window)
        self.intermediate = BeitIntermediate(config)
        self.output = BeitOutput(config)
        self.layernorm_before = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.drop_path = DropPath(drop_path) if drop_path > 0.0 else nn.Identity()
        self.layernorm_after = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        if config.layer_scale_init_value > 0:
            self.lambda_1 = nn.Parameter(config.layer_scale_init_value * torch.ones(config.hidden_size))
            self.lambda_2 = nn.Parameter(config.layer_scale_init_value * torch.ones(config.hidden_size))
        else:
            self.lambda_1 = self.lambda_2 = None

    def forward(self, x, shared_bias=None):
        a = self.attention(self.layernorm_before(x), shared_bias)
        if self.lambda_1 is not None:
            a = self.lambda_1 * a
        x = self.drop_path(a) + x
        m = self.output(self.intermediate(self.layernorm_after(x)))
        if self.lambda_2 is not None:
            m = self.lambda_2 * m
        return self.drop_path(m) + x


class BeitEncoder(nn.Module):
    def __init__(self, config, window):
        super().__init__()
        self.relative_position_bias = (BeitRelativePositionBias(config, window)
                                       if config.use_shared_relative_position_bias else None)
        rates = [r.item() for r in torch.linspace(0, config.drop_path_rate, config.num_hidden_layers)]
        self.layer = nn.ModuleList([
            BeitLayer(config, window if config.use_relative_position_bias else None, rates[i])
            for i in range(config.num_hidden_layers)
        ])

    def forward(self, x):
        """Returns all hidden states: (embeddings, layer 1 output, ..., layer N output)."""
        states = [x]
        for layer in self.layer:
            shared = self.relative_position_bias() if self.relative_position_bias is not None else None
            x = layer(x, shared)
            states.append(x)
        return states


class BeitModel(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.embeddings = BeitEmbeddings(config)
        self.encoder = BeitEncoder(config, self.embeddings.patch_embeddings.patch_shape)
        self.layernorm = nn.Identity() if config.use_mean_pooling else nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        # BeitForSemanticSegmentation builds BeitModel without the pooler.

    def forward(self, pixel_values):
        return self.encoder(self.embeddings(pixel_values))


class ConvModule(nn.Module):
    """conv (no bias) -> BatchNorm -> ReLU."""

    def __init__(self, cin, cout, kernel, padding=0, dilation=1):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, kernel, padding=padding, bias=False, dilation=dilation)
        self.bn = nn.BatchNorm2d(cout)
        self.activation = nn.ReLU()

    def forward(self, x):
        return self.activation(self.bn(self.conv(x)))


def adaptive_bins(n, o):
    """PyTorch's adaptive pooling bins: [floor(i*n/o), ceil((i+1)*n/o))."""
    return [((i * n) // o, -((-(i + 1) * n) // o)) for i in range(o)]


class AdaptiveAvgPool(nn.Module):
    """adaptive_avg_pool2d written with static bins, so it exports to ONNX with a dynamic batch axis:
    AvgPool where the bins are uniform, slice + mean + concat where they are not. The input's
    spatial size must be fixed (it is: BEiT works at the configured image size)."""

    def __init__(self, out_size):
        super().__init__()
        self.out_size = out_size

    def forward(self, x):
        h, w = int(x.shape[-2]), int(x.shape[-1])
        o = self.out_size
        if h % o == 0 and w % o == 0:
            return F.avg_pool2d(x, (h // o, w // o), (h // o, w // o))
        rows = []
        for (y0, y1) in adaptive_bins(h, o):
            cols = [x[:, :, y0:y1, x0:x1].mean(dim=(2, 3), keepdim=True) for (x0, x1) in adaptive_bins(w, o)]
            rows.append(torch.cat(cols, dim=3))
        return torch.cat(rows, dim=2)


class PyramidPoolingBlock(nn.Module):
    def __init__(self, scale, cin, channels):
        super().__init__()
        self.add_module("0", AdaptiveAvgPool(scale))
        self.add_module("1", ConvModule(cin, channels, 1))

    def forward(self, x):
        return self._modules["1"](self._modules["0"](x))


class PyramidPoolingModule(nn.Module):
    def __init__(self, scales, cin, channels):
        super().__init__()
        self.blocks = []
        for i, s in enumerate(scales):
            b = PyramidPoolingBlock(s, cin, channels)
            self.blocks.append(b)
            self.add_module(str(i), b)

    def forward(self, x):
        return [F.interpolate(b(x), size=x.shape[2:], mode="bilinear", align_corners=False) for b in self.blocks]


class BeitUperHead(nn.Module):
    def __init__(self, config):
        super().__init__()
        c = config.hidden_size
        self.in_channels = [c] * 4
        self.channels = c
        self.classifier = nn.Conv2d(c, config.num_labels, 1)
        self.psp_modules = PyramidPoolingModule(config.pool_scales, c, c)
        self.bottleneck = ConvModule(c + len(config.pool_scales) * c, c, 3, padding=1)
        self.lateral_convs = nn.ModuleList([ConvModule(c, c, 1) for _ in range(3)])
        self.fpn_convs = nn.ModuleList([ConvModule(c, c, 3, padding=1) for _ in range(3)])
        self.fpn_bottleneck = ConvModule(4 * c, c, 3, padding=1)

    def forward(self, feats):
        laterals = [conv(feats[i]) for i, conv in enumerate(self.lateral_convs)]
        top = feats[-1]
        laterals.append(self.bottleneck(torch.cat([top] + self.psp_modules(top), dim=1)))
        for i in range(len(laterals) - 1, 0, -1):  # top-down
            laterals[i - 1] = laterals[i - 1] + F.interpolate(laterals[i], size=laterals[i - 1].shape[2:],
                                                              mode="bilinear", align_corners=False)
        outs = [self.fpn_convs[i](laterals[i]) for i in range(len(laterals) - 1)] + [laterals[-1]]
        size = outs[0].shape[2:]
        outs = [outs[0]] + [F.interpolate(o, size=size, mode="bilinear", align_corners=False) for o in outs[1:]]
        return self.classifier(self.fpn_bottleneck(torch.cat(outs, dim=1)))


class BeitFCNHead(nn.Module):
    def __init__(self, config, in_index=2, kernel=3, dilation=1):
        super().__init__()
        self.in_index = in_index
        self.concat_input = config.auxiliary_concat_input
        cin, ch = config.hidden_size, config.auxiliary_channels
        pad = (kernel // 2) * dilation
        convs = [ConvModule(cin, ch, kernel, padding=pad, dilation=dilation)]
        convs += [ConvModule(ch, ch, kernel, padding=pad, dilation=dilation) for _ in range(config.auxiliary_num_convs - 1)]
        self.convs = nn.Sequential(*convs) if config.auxiliary_num_convs > 0 else nn.Identity()
        if self.concat_input:
            self.conv_cat = ConvModule(cin + ch, ch, kernel, padding=kernel // 2)
        self.classifier = nn.Conv2d(ch, config.num_labels, 1)

    def forward(self, feats):
        x = feats[self.in_index]
        y = self.convs(x)
        if self.concat_input:
            y = self.conv_cat(torch.cat([x, y], dim=1))
        return self.classifier(y)


class BeitForSemanticSegmentation(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.config = config
        c = config.hidden_size
        self.beit = BeitModel(config)
        self.fpn1 = nn.Sequential(nn.ConvTranspose2d(c, c, 2, stride=2), nn.BatchNorm2d(c), nn.GELU(),
                                  nn.ConvTranspose2d(c, c, 2, stride=2))
        self.fpn2 = nn.Sequential(nn.ConvTranspose2d(c, c, 2, stride=2))
        self.fpn3 = nn.Identity()
        self.fpn4 = nn.MaxPool2d(2, 2)
        self.decode_head = BeitUperHead(config)
        self.auxiliary_head = BeitFCNHead(config) if config.use_auxiliary_head else None
        self.init_weights()

    def init_weights(self):
        std = self.config.initializer_range
        for m in self.modules():
            if isinstance(m, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
                nn.init.normal_(m.weight, 0.0, std)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            elif isinstance(m, nn.LayerNorm):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)

    def features(self, pixel_values):
        states = self.beit(pixel_values)
        # hidden_states[0] are the embeddings, so out_index k picks hidden_states[k - 1].
        chosen = [s for i, s in enumerate(states) if i + 1 in self.config.out_indices]
        g = self.config.image_size // self.config.patch_size
        b = pixel_values.shape[0]
        maps = [s[:, 1:, :].permute(0, 2, 1).reshape(b, -1, g, g) for s in chosen]
        ops = [self.fpn1, self.fpn2, self.fpn3, self.fpn4]
        return [ops[i](m) for i, m in enumerate(maps)]

    def forward(self, pixel_values, with_aux=False):
        feats = self.features(pixel_values)
        logits = self.decode_head(feats)
        if with_aux:
            aux = self.auxiliary_head(feats) if self.auxiliary_head is not None else None
            return logits, aux
        return logits
