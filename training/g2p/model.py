"""The G2P network in PyTorch (quantization-aware): what engine/text/neural_g2p.py runs.

    letters [batch, letters] -> embedding -> encoder ConvBlocks (one frame a letter)
    -> every frame repeated ``upsample`` times + slot embedding -> decoder ConvBlocks
    -> LayerNorm -> 1x1 output conv -> logits [batch, outputs, upsample * letters] for CTC

The residual blocks are training/model/quant.py's ``ConvBlock`` (pre-norm, ternary conv with
int8 activations, ReLU); the embeddings, norms and the output layer stay higher precision
(fp16 in the file).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import torch
import torch.nn as nn

from bittts.engine.text.neural_g2p import G2P_LETTERS, G2P_OUTPUTS
from training.model.quant import ConvBlock, MaskedLayerNorm

CHECKPOINT = Path("training/checkpoints/g2p.pt")  # compact fp16 weights: what the exporter packs


@dataclass
class G2PConfig:
    channels: int = 224  # width of every block
    kernel_size: int = 3  # of every ternary conv
    # One block each, at letter rate: sees +-30 letters (stress depends on the whole word). The
    # letter-rate blocks are a third of the cost of blocks at the output rate: 8 + 2 blocks
    # learned as fast per step as 6 + 4 and cost 17% less (docs/frontend.md, "Neural G2P").
    encoder_dilations: tuple[int, ...] = (1, 2, 4, 8, 1, 2, 4, 8)
    upsample: int = 3  # output frames per letter (CTC needs >= phones + repeats; 3 fits every word)
    decoder_dilations: tuple[int, ...] = (1, 2)  # one block each, at the output rate
    # After each block's activation, in training only. A 20-minute run without it fitted the
    # training words ever better (CTC 0.07) while the validation error stopped improving.
    dropout: float = 0.1
    n_letters: int = len(G2P_LETTERS)
    n_outputs: int = len(G2P_OUTPUTS)  # <blank> + 69 stressed ARPAbet phones

    def to_dict(self) -> dict:
        d = asdict(self)
        d["encoder_dilations"] = list(self.encoder_dilations)
        d["decoder_dilations"] = list(self.decoder_dilations)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> G2PConfig:
        d = dict(d)
        d["encoder_dilations"] = tuple(d["encoder_dilations"])
        d["decoder_dilations"] = tuple(d["decoder_dilations"])
        return cls(**d)


class G2PNet(nn.Module):
    def __init__(self, cfg: G2PConfig):
        super().__init__()
        self.cfg = cfg
        c = cfg.channels
        self.embedding = nn.Embedding(cfg.n_letters, c)
        nn.init.normal_(self.embedding.weight, std=0.3)
        self.encoder = nn.ModuleList(
            ConvBlock(c, cfg.kernel_size, d, dropout=cfg.dropout) for d in cfg.encoder_dilations
        )
        self.slot_embedding = nn.Parameter(0.3 * torch.randn(cfg.upsample, c))
        self.decoder = nn.ModuleList(
            ConvBlock(c, cfg.kernel_size, d, dropout=cfg.dropout) for d in cfg.decoder_dilations
        )
        self.norm = MaskedLayerNorm(c)
        self.out = nn.Conv1d(c, cfg.n_outputs, 1)

    def forward(self, letters: torch.Tensor, lengths: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """letters [batch, letters] (0-padded), lengths [batch] -> (logits [batch, outputs,
        upsample * letters], output lengths [batch])."""
        u = self.cfg.upsample
        mask = (torch.arange(letters.shape[1], device=letters.device)[None] < lengths[:, None]).float()[:, None]
        x = self.embedding(letters).transpose(1, 2) * mask
        for block in self.encoder:
            x = block(x, mask)
        batch, channels, frames = x.shape
        x = x.repeat_interleave(u, dim=2) + self.slot_embedding.t().repeat(1, frames)[None]
        mask = mask.repeat_interleave(u, dim=2)
        x = x * mask
        for block in self.decoder:
            x = block(x, mask)
        return self.out(self.norm(x, mask)), lengths * u


def load_g2p_checkpoint(path: str | Path = CHECKPOINT) -> tuple[G2PNet, dict]:
    """(the network in eval mode, the checkpoint dict) of a checkpoint written by train.py."""
    ckpt = torch.load(path, map_location="cpu", weights_only=False)
    model = G2PNet(G2PConfig.from_dict(ckpt["config"]))
    model.load_state_dict({k: v.float() for k, v in ckpt["model"].items()})
    return model.eval(), ckpt
