"""A checkpoint with the Vocos vocoder (``vocoder_kind`` "vocos") exports to a file the engine
loads and speaks from at the file's 24 kHz and hop 300, through the normal synthesis API, and
the vocoder it runs is the checkpoint's; with ``vocos_pitch_inputs`` too (the vocoder reads
the acoustic model's F0 and voicing). The checkpoint is built here by hand in the trainer's
layout (training/train.py ``Trainer.state``): a tiny random acoustic model and vocoder.
Skipped where torch is missing."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from bittts.engine import tensor_names  # noqa: E402
from bittts.engine.model import BitTTSModel, VocoderRun  # noqa: E402
from bittts.engine.model_format import ModelFile, ModelFormatError, ModelWriter  # noqa: E402
from bittts.engine.synthesis import Synthesizer  # noqa: E402
from bittts.engine.text.phones import SYMBOLS  # noqa: E402
from bittts.engine.vocos_vocoder import VocosVocoder as EngineVocos  # noqa: E402
from training.export import build_writer, load_checkpoint, round_to_fp16_  # noqa: E402
from training.model.config import ModelConfig  # noqa: E402
from training.model.networks import AcousticModel, vocoder_for  # noqa: E402
from training.model.vocos import VocosVocoder  # noqa: E402
from training.train import vocoder_inputs  # noqa: E402

SMALL_VOCOS = ModelConfig(
    sample_rate=24000,
    hop_size=300,
    n_phones=len(SYMBOLS),
    n_speakers=2,
    encoder_channels=16,
    decoder_channels=16,
    encoder_layers=2,
    decoder_layers=2,
    predictor_layers=1,
    vocoder_kind="vocos",
    vocos_channels=32,
    vocos_blocks=2,
    vocos_fft=1200,
)
PITCH_VOCOS = replace(SMALL_VOCOS, vocos_pitch_inputs=True)
SPEAKERS = [{"name": "amber", "licence": "test"}, {"name": "basil", "licence": "test"}]
TEXT = "Open the file menu now, and then close it again, please."


def save_checkpoint(cfg: ModelConfig, path):
    """A compact checkpoint of ``cfg`` as the trainer saves it (fp16 floats), of random networks."""
    torch.manual_seed(0)
    acoustic, vocoder = AcousticModel(cfg).eval(), vocoder_for(cfg).eval()
    assert isinstance(vocoder, VocosVocoder)
    with torch.no_grad():
        acoustic.duration_predictor.out.bias.fill_(1.6)  # ~4 frames a phone instead of an untrained 0
        vocoder.head.bias[: 1200 // 2 + 1].fill_(-3.0)  # quiet: exp(-3) magnitudes, clipping nowhere
    half = {k: v.half() if v.is_floating_point() else v for k, v in vocoder.state_dict().items()}
    torch.save(
        {
            "config": cfg.to_dict(),
            "phones": list(SYMBOLS),
            "speakers": SPEAKERS,
            "acoustic": {k: v.half() if v.is_floating_point() else v for k, v in acoustic.state_dict().items()},
            "vocoder": half,
            "provenance": "test: random weights",
        },
        path,
    )
    return path


def export(checkpoint, lexicon_blob, path):
    cfg, acoustic, vocoder, ckpt = load_checkpoint(checkpoint)
    writer = build_writer(cfg, acoustic, vocoder, ckpt["phones"], ckpt["speakers"], lexicon_blob, ckpt["provenance"])
    writer.write(path)
    return path


@pytest.fixture(scope="module")
def exports(lexicon_blob, tmp_path_factory):
    """ "plain" or "pitch" -> (the checkpoint, its export) of SMALL_VOCOS or PITCH_VOCOS, made once."""
    made: dict[str, tuple] = {}

    def get(name: str) -> tuple:
        if name not in made:
            folder = tmp_path_factory.mktemp(name)
            ckpt = save_checkpoint({"plain": SMALL_VOCOS, "pitch": PITCH_VOCOS}[name], folder / "vocos.pt")
            made[name] = (ckpt, export(ckpt, lexicon_blob, folder / "vocos.bttm"))
        return made[name]

    return get


@pytest.fixture(scope="module")
def checkpoint(exports):
    return exports("plain")[0]


@pytest.fixture(scope="module")
def model_path(exports):
    return exports("plain")[1]


def test_the_file_holds_the_vocos_table_and_metadata(model_path):
    with ModelFile(model_path) as m:
        meta = m.metadata
        assert meta["arch.vocoder_kind"] == "vocos"
        assert meta["general.architecture"] == "bittts-fastspeech-vocos"
        assert (meta["audio.sample_rate"], meta["audio.hop_size"], meta["arch.vocos_fft"]) == (24000, 300, 1200)
        assert meta["arch.vocos_pitch_inputs"] is False and m.tensors["vocoder.embed.weight"].shape == (32, 80, 7)
        assert "arch.noise_fft" not in meta and "arch.vocoder_layers" not in meta  # the DDSP's keys stay out
        assert list(m.tensors) == tensor_names.tensor_names(meta)
        assert "vocoder.head.weight" in m.tensors and "vocoder.inp.weight" not in m.tensors
        kinds = {name: info.dtype.name for name, info in m.tensors.items() if name.startswith("vocoder.")}
        ternary = {n for n, k in kinds.items() if k == "TERNARY"}
        assert ternary == {"vocoder.embed.weight"} | {
            f"vocoder.{layer}.{i}.weight" for layer in ("expand", "project") for i in range(2)
        }
        assert all(k == "F16" for n, k in kinds.items() if n not in ternary)


def test_the_engine_speaks_at_the_files_rate(model_path):
    synth = Synthesizer(model_path)
    assert isinstance(synth.model.vocoder, EngineVocos)
    assert (synth.sample_rate, synth.model.hop) == (24000, 300)
    chunks = list(synth.synthesize(TEXT))
    assert chunks and all(c.sample_rate == 24000 for c in chunks)
    audio = np.concatenate([c.samples for c in chunks])
    assert np.isfinite(audio).all() and 0.001 < np.abs(audio).max() <= 1.0
    words = [w for c in chunks for w in c.words]
    assert [w.text for w in words][:3] == ["Open", "the", "file"]
    for chunk in chunks:  # word timings in the file's hops: every word inside its chunk's audio
        for w in chunk.words:
            assert 0 <= w.start_sample < w.end_sample <= len(chunk.samples)
            assert (w.end_sample - w.start_sample) % 300 == 0
    quick = list(synth.synthesize(TEXT, quick_start=True))  # the first sentence vocoded in two parts
    assert len(quick) == len(chunks) + 1
    np.testing.assert_allclose(np.concatenate([c.samples for c in quick]), audio, atol=1e-6)


def test_the_engine_runs_the_checkpoints_vocoder(model_path, checkpoint):
    """The model's own mel through the file's vocoder and through the checkpoint's module."""
    model = BitTTSModel(ModelFile(model_path))
    ids = np.array([SYMBOLS.index(s) for s in ("<sil>", "HH", "AH0", "L", "OW1", "<sil>")])
    out = model.acoustic(ids, model.speaker_embedding[1])
    _, _, vocoder, _ = load_checkpoint(checkpoint)
    round_to_fp16_(vocoder)
    with torch.no_grad():
        want = vocoder(torch.from_numpy(out.mel.T[None].copy()))[0].numpy()
    got = model.vocode(out.mel, out.f0, out.voiced)
    assert got.shape == want.shape == (len(out.mel) * 300,)
    scale = np.abs(want).max()
    assert scale > 0 and np.abs(got - want).max() <= 5e-4 * scale  # tests/engine/test_vocos_vocoder.py's bound
    run = VocoderRun(model, out.mel, out.f0, out.voiced)
    parts = [run.part(stop) for stop in (3, 4, len(out.mel))]
    np.testing.assert_allclose(np.concatenate(parts), got, atol=2e-6 * scale)
    with pytest.raises(ValueError, match="no noise"):
        VocoderRun(model, out.mel, out.f0, out.voiced, noise_frames=np.zeros((len(out.mel), 8), np.float32))


def _rewritten(src, dst, meta):
    with ModelFile(src) as m:
        w = ModelWriter.from_model(m)
    w.update_metadata(meta)
    w.write(dst)
    return ModelFile(dst)


@pytest.mark.parametrize(
    "meta, message",
    [
        ({"arch.vocoder_kind": "hifigan"}, "arch.vocoder_kind"),
        ({"arch.vocos_fft": 500}, "less than twice arch.hop_size"),
        ({"arch.vocos_fft": 1201}, "arch.vocos_fft 1201 is out of range"),
        ({"arch.vocos_blocks": 3}, "vocoder.depthwise.2"),
        ({"arch.vocos_channels": 48}, "vocoder.embed.weight"),
        ({"arch.vocoder_kind": "ddsp"}, "arch.vocoder_channels"),  # the DDSP's keys are not there
    ],
)
def test_a_file_whose_vocos_metadata_lies_is_refused(model_path, tmp_path, meta, message):
    with pytest.raises(ModelFormatError, match=message):
        BitTTSModel(_rewritten(model_path, tmp_path / "bad.bttm", meta))


def test_an_unknown_vocoder_kind_is_refused_by_the_exporter():
    with pytest.raises(ValueError, match="vocoder_kind 'hifigan'"):
        vocoder_for(ModelConfig(vocoder_kind="hifigan"))


def test_a_ddsp_export_names_its_kind_and_still_loads(tmp_path):
    """The exporter now writes arch.vocoder_kind "ddsp" in DDSP files (and no vocos_* keys):
    the engine reads them as it reads the bundled model, which has no such key."""
    cfg = ModelConfig(
        n_phones=len(SYMBOLS), n_speakers=2, encoder_channels=16, decoder_channels=16, vocoder_channels=16
    )
    build_writer(cfg, AcousticModel(cfg), vocoder_for(cfg), list(SYMBOLS), SPEAKERS, None, "test").write(
        tmp_path / "d.bttm"
    )
    file = ModelFile(tmp_path / "d.bttm")
    assert file.metadata["arch.vocoder_kind"] == "ddsp"
    assert not any(k.startswith("arch.vocos_") for k in file.metadata)
    model = BitTTSModel(file)
    assert model.vocoder.kind == "ddsp" and (model.sample_rate, model.hop) == (22050, 256)


# --- with F0 and voicing beside the log-mel (vocos_pitch_inputs) ------------------------------------
def test_a_pitch_reading_export_says_so_and_its_embedding_reads_82_rows(exports):
    pitch_model_path = exports("pitch")[1]
    with ModelFile(pitch_model_path) as m:
        assert m.metadata["arch.vocos_pitch_inputs"] is True
        assert m.tensors["vocoder.embed.weight"].shape == (32, 82, 7)
        assert list(m.tensors) == tensor_names.tensor_names(m.metadata)
    synth = Synthesizer(pitch_model_path)
    assert isinstance(synth.model.vocoder, EngineVocos) and synth.model.vocoder.pitch_inputs
    chunks = list(synth.synthesize(TEXT))
    audio = np.concatenate([c.samples for c in chunks])
    assert np.isfinite(audio).all() and 0.001 < np.abs(audio).max() <= 1.0
    quick = list(synth.synthesize(TEXT, quick_start=True))  # the first sentence vocoded in two parts
    np.testing.assert_allclose(np.concatenate([c.samples for c in quick]), audio, atol=1e-6)


def test_the_engine_runs_the_pitch_reading_checkpoints_vocoder(exports):
    """The model's own frames through the file's vocoder and, as the fine-tuning hands them over
    (``vocoder_inputs``), through the checkpoint's module; the acoustic model's pitch shift reaches
    the vocoder through F0."""
    pitch_checkpoint, pitch_model_path = exports("pitch")
    model = BitTTSModel(ModelFile(pitch_model_path))
    ids = np.array([SYMBOLS.index(s) for s in ("<sil>", "HH", "AH0", "L", "OW1", "<sil>")])
    out = model.acoustic(ids, model.speaker_embedding[1])
    cfg, _, vocoder, _ = load_checkpoint(pitch_checkpoint)
    round_to_fp16_(vocoder)
    norm_log_f0 = (np.log(out.f0) - model.log_f0_mean) / model.log_f0_std
    frames = np.concatenate([out.mel, norm_log_f0[:, None], np.where(out.voiced, 1.0, -1.0)[:, None]], axis=1)
    features, _ = vocoder_inputs(torch.from_numpy(frames.T.astype(np.float32)), cfg)
    with torch.no_grad():
        want = vocoder(features[None])[0].numpy()
    got = model.vocode(out.mel, out.f0, out.voiced)
    scale = np.abs(want).max()
    assert scale > 0 and np.abs(got - want).max() <= 5e-4 * scale  # tests/engine/test_vocos_vocoder.py's bound
    run = VocoderRun(model, out.mel, out.f0, out.voiced)
    parts = [run.part(stop) for stop in (3, 4, len(out.mel))]
    np.testing.assert_allclose(np.concatenate(parts), got, atol=2e-6 * scale)
    higher = model.acoustic(ids, model.speaker_embedding[1], durations=out.durations, pitch_semitones=4.0)
    assert np.abs(np.log(higher.f0 / out.f0)).max() > 0.01  # untrained: F0 moves, not by 4 semitones
    same_mel_higher_f0 = model.vocode(out.mel, higher.f0, out.voiced)
    assert np.abs(same_mel_higher_f0 - got).max() > 1e-3 * scale


@pytest.mark.parametrize(
    "source, flag, width, needs",
    [("plain", True, 80, 82), ("pitch", False, 82, 80)],
)
def test_an_embedding_of_the_wrong_width_for_the_flag_is_refused(exports, tmp_path, source, flag, width, needs):
    bad = _rewritten(exports(source)[1], tmp_path / "bad.bttm", {"arch.vocos_pitch_inputs": flag})
    with pytest.raises(ModelFormatError) as refusal:
        BitTTSModel(bad)
    message = str(refusal.value)
    assert f"'vocoder.embed.weight' has shape (32, {width}, 7), its architecture needs (32, {needs}, 7)" in message
    assert "n_mels + 2 * vocos_pitch_inputs" in message and f"vocos_pitch_inputs {flag}" in message


def test_a_vocos_file_without_the_key_reads_the_log_mel_alone(model_path, tmp_path):
    """Vocos files written before arch.vocos_pitch_inputs load as they did; a non-bool is refused."""
    with ModelFile(model_path) as m:
        w = ModelWriter.from_model(m)
    del w.metadata["arch.vocos_pitch_inputs"]
    w.write(tmp_path / "old.bttm")
    old = ModelFile(tmp_path / "old.bttm")
    assert "arch.vocos_pitch_inputs" not in old.metadata
    model = BitTTSModel(old)
    assert model.vocoder.kind == "vocos" and not model.vocoder.pitch_inputs
    with pytest.raises(ModelFormatError, match="arch.vocos_pitch_inputs is 1, not true or false"):
        BitTTSModel(_rewritten(model_path, tmp_path / "int.bttm", {"arch.vocos_pitch_inputs": 1}))
