"""DPT for depth estimation: DPT-Hybrid (BiT stages + DPT's ViT encoder) or a BEiT backbone, then DPT's neck
(reassemble, fusion) and depth head.

Own implementation following the architecture of Transformers' DPTForDepthEstimation (v4.37): the module
tree mirrors it, so state_dict() keys are the Hugging Face names (dpt.embeddings.backbone.bit.*,
dpt.encoder.layer.{i}.attention.attention.query.weight, dpt.layernorm.*, backbone.encoder.layer.{i}.lambda_1,
neck.reassemble_stage.readout_projects.{i}.0.weight, neck.fusion_stage.layers.{i}.residual_layer1.*,
head.head.{0,2,4}.*). Only what inference reads is built: no pooler (DPTForDepthEstimation has none), no
plain-ViT DPT, no batch norm in the fusion residual units, no BEiT feature pyramid (add_fpn).
"""
import math

import torch
from torch import nn
import torch.nn.functional as F

from modeling_beit import BeitEmbeddings, BeitEncoder
from modeling_bit import BitEmbeddings, BitEncoder

_ACT = {"gelu": nn.GELU, "relu": nn.ReLU}


class BitBackboneModel(nn.Module):
    """BitModel as BitBackbone holds it (`bit.embedder`, `bit.encoder`; no parameters in `norm` for
    bottleneck layers, none in the pooler), returning the hidden states: the stem's output, then each stage's."""

    def __init__(self, config):
        super().__init__()
        if config.layer_type != "bottleneck":
            raise NotImplementedError("DPT-Hybrid's BiT here: layer_type bottleneck (as in Intel/dpt-hybrid-midas)")
        self.embedder = BitEmbeddings(config)
        self.encoder = BitEncoder(config)

    def forward(self, pixel_values):
        states = [self.embedder(pixel_values)]
        for stage in self.encoder.stages:
            states.append(stage(states[-1]))
        return states


class BitBackbone(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.config = config
        self.bit = BitBackboneModel(config)

    def forward(self, pixel_values):
        states = self.bit(pixel_values)
        return [s for name, s in zip(self.config.stage_names, states) if name in self.config.out_features]


class DPTViTHybridEmbeddings(nn.Module):
    """The BiT backbone's last map, projected 1x1 to hidden_size, as tokens after [CLS], plus position
    embeddings; the first two BiT maps go to the neck as they are."""

    def __init__(self, config):
        super().__init__()
        self.image_size, self.patch_size = config.image_size, config.patch_size
        self.backbone = BitBackbone(config.backbone_config)
        if len(config.backbone_config.out_features) != 3:
            raise ValueError("Expected backbone to have 3 output features")
        feature_dim = config.backbone_featmap_shape[1]
        self.projection = nn.Conv2d(feature_dim, config.hidden_size, kernel_size=1)
        num_patches = (config.image_size // config.patch_size) ** 2
        self.cls_token = nn.Parameter(torch.zeros(1, 1, config.hidden_size))
        self.position_embeddings = nn.Parameter(torch.zeros(1, num_patches + 1, config.hidden_size))

    def _resize_pos_embed(self, grid_h, grid_w):
        tok, grid = self.position_embeddings[:, :1], self.position_embeddings[0, 1:]
        old = int(math.sqrt(len(grid)))
        grid = grid.reshape(1, old, old, -1).permute(0, 3, 1, 2)
        grid = F.interpolate(grid, size=(grid_h, grid_w), mode="bilinear")
        return torch.cat([tok, grid.permute(0, 2, 3, 1).reshape(1, grid_h * grid_w, -1)], dim=1)

    def forward(self, pixel_values):
        b, _, h, w = pixel_values.shape
        if h != self.image_size or w != self.image_size:
            raise ValueError(f"Input image size ({h}*{w}) doesn't match model ({self.image_size}*{self.image_size}).")
        positions = self._resize_pos_embed(h // self.patch_size, w // self.patch_size)
        maps = self.backbone(pixel_values)
        tokens = self.projection(maps[-1]).flatten(2).transpose(1, 2)
        tokens = torch.cat([self.cls_token.expand(b, -1, -1), tokens], dim=1) + positions
        return tokens, [maps[0], maps[1]]


class DPTViTSelfAttention(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.heads = config.num_attention_heads
        self.head_dim = config.hidden_size // config.num_attention_heads
        self.query = nn.Linear(config.hidden_size, config.hidden_size, bias=config.qkv_bias)
        self.key = nn.Linear(config.hidden_size, config.hidden_size, bias=config.qkv_bias)
        self.value = nn.Linear(config.hidden_size, config.hidden_size, bias=config.qkv_bias)

    def _split(self, x):
        b, n, _ = x.shape
        return x.view(b, n, self.heads, self.head_dim).permute(0, 2, 1, 3)

    def forward(self, x):
        q, k, v = self._split(self.query(x)), self._split(self.key(x)), self._split(self.value(x))
        probs = F.softmax(torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_dim), dim=-1)
        ctx = torch.matmul(probs, v).permute(0, 2, 1, 3).contiguous()
        return ctx.view(ctx.shape[0], ctx.shape[1], -1)


class DPTViTSelfOutput(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.hidden_size)

    def forward(self, x):
        return self.dense(x)


class DPTViTAttention(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.attention = DPTViTSelfAttention(config)
        self.output = DPTViTSelfOutput(config)

    def forward(self, x):
        return self.output(self.attention(x))


class DPTViTIntermediate(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.intermediate_size)
        self.act = _ACT[config.hidden_act]()

    def forward(self, x):
        return self.act(self.dense(x))


class DPTViTOutput(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.dense = nn.Linear(config.intermediate_size, config.hidden_size)

    def forward(self, x, residual):
        return self.dense(x) + residual


class DPTViTLayer(nn.Module):
    """Pre-norm ViT block."""

    def __init__(self, config):
        super().__init__()
        self.attention = DPTViTAttention(config)
        self.intermediate = DPTViTIntermediate(config)
        self.output = DPTViTOutput(config)
        self.layernorm_before = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.layernorm_after = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)

    def forward(self, x):
        x = self.attention(self.layernorm_before(x)) + x
        return self.output(self.intermediate(self.layernorm_after(x)), x)


class DPTViTEncoder(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.layer = nn.ModuleList([DPTViTLayer(config) for _ in range(config.num_hidden_layers)])

    def forward(self, x):
        states = [x]
        for layer in self.layer:
            states.append(layer(states[-1]))
        return states


class DPTModel(nn.Module):
    """DPT-Hybrid's encoder without the pooler (DPTForDepthEstimation builds it with add_pooling_layer=False)."""

    def __init__(self, config):
        super().__init__()
        if not config.is_hybrid:
            raise NotImplementedError("plain-ViT DPT is not needed here")
        self.embeddings = DPTViTHybridEmbeddings(config)
        self.encoder = DPTViTEncoder(config)
        # In the checkpoint, but the depth model reads the hidden states before it.
        self.layernorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)

    def forward(self, pixel_values):
        tokens, intermediate = self.embeddings(pixel_values)
        return self.encoder(tokens), intermediate


class BeitBackbone(nn.Module):
    """BeitBackbone with reshape_hidden_states false and no FPN: the out_features stages' hidden states
    (stage i = layer i's output), [CLS] token kept."""

    def __init__(self, config):
        super().__init__()
        if config.reshape_hidden_states or config.add_fpn:
            raise NotImplementedError("DPT's BEiT backbone: reshape_hidden_states and add_fpn false")
        self.config = config
        self.embeddings = BeitEmbeddings(config)
        self.encoder = BeitEncoder(config, self.embeddings.patch_embeddings.patch_shape)

    def forward(self, pixel_values):
        states = self.encoder(self.embeddings(pixel_values))
        return [s for name, s in zip(self.config.stage_names, states) if name in self.config.out_features]


def _backbone_hidden_size(config):
    return config.backbone_config.hidden_size if config.backbone_config is not None and not config.is_hybrid \
        else config.hidden_size


class DPTReassembleLayer(nn.Module):
    def __init__(self, config, channels, factor):
        super().__init__()
        self.projection = nn.Conv2d(_backbone_hidden_size(config), channels, kernel_size=1)
        if factor > 1:
            self.resize = nn.ConvTranspose2d(channels, channels, kernel_size=factor, stride=factor, padding=0)
        elif factor == 1:
            self.resize = nn.Identity()
        else:
            self.resize = nn.Conv2d(channels, channels, kernel_size=3, stride=int(1 / factor), padding=1)

    def forward(self, x):
        return self.resize(self.projection(x))


class DPTReassembleStage(nn.Module):
    """Token sequences to maps: readout ([CLS]) handling, 1x1 projection, resampling by reassemble_factors.
    DPT-Hybrid's first two inputs are BiT maps (Identity layers, no parameters)."""

    def __init__(self, config):
        super().__init__()
        self.config = config
        hidden = _backbone_hidden_size(config)
        n = len(config.neck_hidden_sizes)
        self.layers = nn.ModuleList()
        for i, factor in zip(range(n), config.reassemble_factors):
            hybrid_map = config.is_hybrid and i <= 1
            self.layers.append(nn.Identity() if hybrid_map else DPTReassembleLayer(config, config.neck_hidden_sizes[i], factor))
        if config.readout_type == "project":
            self.readout_projects = nn.ModuleList([
                nn.Sequential(nn.Identity()) if config.is_hybrid and i <= 1
                else nn.Sequential(nn.Linear(2 * hidden, hidden), _ACT[config.hidden_act]())
                for i in range(n)
            ])
        self.neck_ignore_stages = config.neck_ignore_stages

    def forward(self, hidden_states, patch_height=None, patch_width=None):
        out = []
        for i, x in enumerate(hidden_states):
            if i not in self.neck_ignore_stages:
                cls, x = x[:, 0], x[:, 1:]
                b, n, c = x.shape
                if patch_height is not None and patch_width is not None:
                    x = x.reshape(b, patch_height, patch_width, c)
                else:
                    side = int(math.sqrt(n))
                    x = x.reshape(b, side, side, c)
                x = x.permute(0, 3, 1, 2).contiguous()
                shape = x.shape
                if self.config.readout_type == "project":
                    x = x.flatten(2).permute(0, 2, 1)
                    readout = cls.unsqueeze(1).expand_as(x)
                    x = self.readout_projects[i](torch.cat((x, readout), -1)).permute(0, 2, 1).reshape(shape)
                elif self.config.readout_type == "add":
                    x = (x.flatten(2) + cls.unsqueeze(-1)).reshape(shape)
                x = self.layers[i](x)
            out.append(x)
        return out


class DPTPreActResidualLayer(nn.Module):
    def __init__(self, config):
        super().__init__()
        if config.use_batch_norm_in_fusion_residual:
            raise NotImplementedError("use_batch_norm_in_fusion_residual")
        bias = config.use_bias_in_fusion_residual
        bias = True if bias is None else bias
        f = config.fusion_hidden_size
        self.activation1 = nn.ReLU()
        self.convolution1 = nn.Conv2d(f, f, kernel_size=3, stride=1, padding=1, bias=bias)
        self.activation2 = nn.ReLU()
        self.convolution2 = nn.Conv2d(f, f, kernel_size=3, stride=1, padding=1, bias=bias)

    def forward(self, x):
        return self.convolution2(self.activation2(self.convolution1(self.activation1(x)))) + x


class DPTFeatureFusionLayer(nn.Module):
    def __init__(self, config):
        super().__init__()
        f = config.fusion_hidden_size
        self.projection = nn.Conv2d(f, f, kernel_size=1, bias=True)
        self.residual_layer1 = DPTPreActResidualLayer(config)  # unused by the first (coarsest) layer
        self.residual_layer2 = DPTPreActResidualLayer(config)

    def forward(self, x, residual=None):
        if residual is not None:
            if x.shape != residual.shape:
                raise ValueError(f"fusion of {tuple(residual.shape)} into {tuple(x.shape)}: reassemble_factors must "
                                 "make each neck map twice the size of the next")
            x = x + self.residual_layer1(residual)
        x = F.interpolate(self.residual_layer2(x), scale_factor=2, mode="bilinear", align_corners=True)
        return self.projection(x)


class DPTFeatureFusionStage(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.layers = nn.ModuleList([DPTFeatureFusionLayer(config) for _ in config.neck_hidden_sizes])

    def forward(self, hidden_states):
        fused, x = [], None
        for state, layer in zip(hidden_states[::-1], self.layers):
            x = layer(state) if x is None else layer(x, state)
            fused.append(x)
        return fused


class DPTNeck(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.config = config
        self.reassemble_stage = DPTReassembleStage(config)
        self.convs = nn.ModuleList([nn.Conv2d(c, config.fusion_hidden_size, kernel_size=3, padding=1, bias=False)
                                    for c in config.neck_hidden_sizes])
        self.fusion_stage = DPTFeatureFusionStage(config)

    def forward(self, hidden_states, patch_height=None, patch_width=None):
        if len(hidden_states) != len(self.config.neck_hidden_sizes):
            raise ValueError("The number of hidden states should be equal to the number of neck hidden sizes.")
        maps = self.reassemble_stage(hidden_states, patch_height, patch_width)
        return self.fusion_stage([conv(m) for conv, m in zip(self.convs, maps)])


class DPTDepthEstimationHead(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.config = config
        self.projection = nn.Conv2d(256, 256, kernel_size=3, stride=1, padding=1) if config.add_projection else None
        f = config.fusion_hidden_size
        self.head = nn.Sequential(
            nn.Conv2d(f, f // 2, kernel_size=3, stride=1, padding=1),
            nn.Upsample(scale_factor=2, mode="bilinear", align_corners=True),
            nn.Conv2d(f // 2, 32, kernel_size=3, stride=1, padding=1),
            nn.ReLU(),
            nn.Conv2d(32, 1, kernel_size=1, stride=1, padding=0),
            nn.ReLU(),
        )

    def forward(self, hidden_states):
        x = hidden_states[self.config.head_in_index]
        if self.projection is not None:
            x = F.relu(self.projection(x))
        return self.head(x).squeeze(dim=1)


class DPTForDepthEstimation(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.config = config
        if not config.is_hybrid and config.backbone_config is not None:
            self.backbone = BeitBackbone(config.backbone_config)
        else:
            self.dpt = DPTModel(config)
        self.neck = DPTNeck(config)
        self.head = DPTDepthEstimationHead(config)

    def forward(self, pixel_values):
        patch_height = patch_width = None
        if hasattr(self, "backbone"):
            hidden_states = self.backbone(pixel_values)
            patch = self.config.backbone_config.patch_size
            patch_height, patch_width = pixel_values.shape[2] // patch, pixel_values.shape[3] // patch
        else:
            states, intermediate = self.dpt(pixel_values)
            hidden_states = list(intermediate) + [s for idx, s in enumerate(states[1:])
                                                   if idx in self.config.backbone_out_indices[2:]]
        return self.head(self.neck(hidden_states, patch_height, patch_width))
