"""Small stand-ins for Transformers' BitConfig / BeitConfig (v4.37 defaults), with a
save_pretrained-like JSON writer. Only what the modules in this folder need."""
import copy
import json

TRANSFORMERS_VERSION = "4.37.0.dev0"


def _stage_names(n):
    return ["stem"] + [f"stage{i}" for i in range(1, n + 1)]


def _align_out(out_features, out_indices, stage_names):
    # Backbone convention: if neither is given, the last stage; otherwise fill in the other one.
    if out_features is None and out_indices is None:
        return [stage_names[-1]], [len(stage_names) - 1]
    if out_features is None:
        return [stage_names[i] for i in out_indices], list(out_indices)
    if out_indices is None:
        return list(out_features), [stage_names.index(f) for f in out_features]
    return list(out_features), list(out_indices)


class _Config:
    model_type = None
    defaults = {}

    def __init__(self, **kwargs):
        values = copy.deepcopy(self.defaults)
        id2label = kwargs.pop("id2label", None)
        kwargs.pop("label2id", None)
        num_labels = kwargs.pop("num_labels", None)
        self.architectures = kwargs.pop("architectures", None)
        kwargs.pop("transformers_version", None)
        kwargs.pop("model_type", None)
        for k in ("stage_names",):
            kwargs.pop(k, None)
        unknown = set(kwargs) - set(values)
        if unknown:
            raise ValueError(f"unknown config keys {sorted(unknown)}")
        values.update(kwargs)
        for k, v in values.items():
            setattr(self, k, v)
        if id2label is not None:
            self.id2label = {int(k): v for k, v in id2label.items()}
        else:
            self.id2label = {i: f"LABEL_{i}" for i in range(num_labels if num_labels is not None else 2)}
        self._post_init()

    def _post_init(self):
        pass

    @property
    def num_labels(self):
        return len(self.id2label)

    @classmethod
    def from_json_file(cls, path):
        with open(path) as f:
            return cls(**json.load(f))

    def to_dict(self):
        d = {k: copy.deepcopy(getattr(self, k)) for k in self.defaults}
        d["stage_names"] = self.stage_names
        d["model_type"] = self.model_type
        d["architectures"] = self.architectures
        d["id2label"] = {str(k): v for k, v in self.id2label.items()}
        d["label2id"] = {v: k for k, v in self.id2label.items()}
        d["transformers_version"] = TRANSFORMERS_VERSION
        if d["architectures"] is None:
            del d["architectures"]
        return d

    def to_json_string(self):
        return json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n"

    def save(self, path):
        with open(path, "w") as f:
            f.write(self.to_json_string())


class BitConfig(_Config):
    model_type = "bit"
    defaults = dict(
        num_channels=3,
        embedding_size=64,
        hidden_sizes=[256, 512, 1024, 2048],
        depths=[3, 4, 6, 3],
        layer_type="preactivation",
        hidden_act="relu",
        global_padding=None,
        num_groups=32,
        drop_path_rate=0.0,
        embedding_dynamic_padding=False,
        output_stride=32,
        width_factor=1,
        out_features=None,
        out_indices=None,
    )

    def _post_init(self):
        if self.layer_type not in ("preactivation", "bottleneck"):
            raise ValueError(f"layer_type {self.layer_type!r}")
        if self.global_padding is not None:
            if self.global_padding.upper() not in ("SAME", "VALID"):
                raise ValueError(f"global_padding {self.global_padding!r}")
            self.global_padding = self.global_padding.upper()
        self.stage_names = _stage_names(len(self.depths))
        self.out_features, self.out_indices = _align_out(self.out_features, self.out_indices, self.stage_names)


class BeitConfig(_Config):
    model_type = "beit"
    defaults = dict(
        vocab_size=8192,
        hidden_size=768,
        num_hidden_layers=12,
        num_attention_heads=12,
        intermediate_size=3072,
        hidden_act="gelu",
        hidden_dropout_prob=0.0,
        attention_probs_dropout_prob=0.0,
        initializer_range=0.02,
        layer_norm_eps=1e-12,
        image_size=224,
        patch_size=16,
        num_channels=3,
        use_mask_token=False,
        use_absolute_position_embeddings=False,
        use_relative_position_bias=False,
        use_shared_relative_position_bias=False,
        layer_scale_init_value=0.1,
        drop_path_rate=0.1,
        use_mean_pooling=True,
        pool_scales=[1, 2, 3, 6],
        use_auxiliary_head=True,
        auxiliary_loss_weight=0.4,
        auxiliary_channels=256,
        auxiliary_num_convs=1,
        auxiliary_concat_input=False,
        semantic_loss_ignore_index=255,
        out_features=None,
        out_indices=None,
        add_fpn=False,
        reshape_hidden_states=True,
    )

    def _post_init(self):
        self.stage_names = _stage_names(self.num_hidden_layers)
        self.out_features, self.out_indices = _align_out(self.out_features, self.out_indices, self.stage_names)
        if any(i >= len(self.stage_names) for i in self.out_indices):
            raise ValueError(f"out_indices {self.out_indices} outside stage_names {self.stage_names}")


def _own_keys(cls, d):
    """A nested config as saved by Transformers carries every PretrainedConfig attribute: keep the model's own."""
    keep = set(cls.defaults) | {"id2label", "label2id", "architectures", "model_type", "stage_names", "transformers_version"}
    return {k: v for k, v in d.items() if k in keep}


class DPTConfig(_Config):
    """DPTConfig (v4.37): `is_hybrid` with a BiT backbone_config (DPT-Hybrid), or a BEiT backbone_config (MiDaS 3.1),
    whose ViT fields the reference then sets to None. to_dict writes what the reference's DPTConfig.to_dict does
    (the fixtures' key set: `transformers_version` and `_commit_hash` null at the top, the nested config's own)."""

    model_type = "dpt"
    defaults = dict(
        hidden_size=768,
        num_hidden_layers=12,
        num_attention_heads=12,
        intermediate_size=3072,
        hidden_act="gelu",
        hidden_dropout_prob=0.0,
        attention_probs_dropout_prob=0.0,
        initializer_range=0.02,
        layer_norm_eps=1e-12,
        image_size=384,
        patch_size=16,
        num_channels=3,
        is_hybrid=False,
        qkv_bias=True,
        backbone_out_indices=[2, 5, 8, 11],
        readout_type="project",
        reassemble_factors=[4, 2, 1, 0.5],
        neck_hidden_sizes=[96, 192, 384, 768],
        fusion_hidden_size=256,
        head_in_index=-1,
        use_batch_norm_in_fusion_residual=False,
        use_bias_in_fusion_residual=None,
        add_projection=False,
        use_auxiliary_head=True,
        auxiliary_loss_weight=0.4,
        semantic_loss_ignore_index=255,
        semantic_classifier_dropout=0.1,
        backbone_featmap_shape=[1, 1024, 24, 24],
        neck_ignore_stages=[0, 1],
        backbone_config=None,
    )
    _VIT_FIELDS = ("num_hidden_layers", "num_attention_heads", "intermediate_size", "hidden_dropout_prob",
                   "attention_probs_dropout_prob", "layer_norm_eps", "image_size", "patch_size", "num_channels",
                   "qkv_bias", "backbone_out_indices")

    def __init__(self, **kwargs):
        kwargs.pop("_commit_hash", None)
        super().__init__(**kwargs)

    def _post_init(self):
        backbone = self.backbone_config
        if self.is_hybrid:
            if backbone is None:
                backbone = dict(global_padding="same", layer_type="bottleneck", depths=[3, 4, 9],
                                out_features=["stage1", "stage2", "stage3"], embedding_dynamic_padding=True)
            self.backbone_config = backbone if isinstance(backbone, _Config) else BitConfig(**_own_keys(BitConfig, backbone))
            if self.readout_type != "project":
                raise ValueError("Readout type must be 'project' when using `DPT-hybrid` mode.")
        elif backbone is not None:
            if isinstance(backbone, dict):
                if backbone.get("model_type") != "beit":
                    raise ValueError(f"backbone model_type {backbone.get('model_type')!r} (only beit here)")
                backbone = BeitConfig(**_own_keys(BeitConfig, backbone))
            self.backbone_config = backbone
            self.backbone_featmap_shape = None
            self.neck_ignore_stages = []
            for k in self._VIT_FIELDS:
                setattr(self, k, None)
        else:
            self.backbone_featmap_shape = None
            self.neck_ignore_stages = []
        if self.readout_type not in ("ignore", "add", "project"):
            raise ValueError(f"readout_type {self.readout_type!r}")

    def to_dict(self):
        d = {k: copy.deepcopy(getattr(self, k)) for k in self.defaults}
        d["backbone_config"] = self.backbone_config.to_dict() if self.backbone_config is not None else None
        d["model_type"] = self.model_type
        d["architectures"] = self.architectures
        d["transformers_version"] = None
        d["_commit_hash"] = None
        return d
