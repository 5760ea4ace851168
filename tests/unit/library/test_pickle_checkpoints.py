"""PyTorch checkpoints (zip and raw pickle) made without torch, read without unpickling."""

from __future__ import annotations

import io
import os
import pickle
import sys
import types
import zipfile
from collections import OrderedDict
from math import prod
from pathlib import Path

import pytest
from model_builders import (
    VAE,
    Glob,
    Red,
    ordered,
    pickle_bytes,
    sd_unet,
    state_dict,
    tensor,
    write_torch_zip,
)

from hfsuite.library.formats.pickle_zip import MAX_RATIO, read_pickle, read_pytorch_zip
from hfsuite.library.header import ModelFormat
from hfsuite.library.identify import identify


def test_sd15_ckpt_under_state_dict(tmp_path: Path) -> None:
    shapes = sd_unet("model.diffusion_model.", 768) | {
        f"first_stage_model.{k}": v for k, v in VAE.items()
    }
    value = {"state_dict": state_dict(shapes), "global_step": 470000, "epoch": 6}
    found = identify(write_torch_zip(tmp_path / "v1-5.ckpt", value))
    assert (found.format, found.kind, found.architecture) == (
        ModelFormat.PYTORCH_ZIP,
        "checkpoints",
        "sd1.x",
    )
    assert found.errors == () and found.warnings == ()
    assert set(found.header.tensors) == set(shapes)
    assert found.header.tensors["model.diffusion_model.input_blocks.0.0.weight"].shape == (
        8,
        4,
        3,
        3,
    )
    assert found.dtype == "F16"
    assert found.header.metadata["global_step"] == 470000
    assert "torch._utils._rebuild_tensor_v2" in found.header.metadata["pickle.globals"]  # type: ignore[operator]


def test_esrgan_pth_with_float_storage_in_a_differently_named_folder(tmp_path: Path) -> None:
    shapes = {"model.0.weight": (8, 3, 3, 3), "model.1.sub.0.RDB1.conv1.0.weight": (8, 8, 3, 3)}
    found = identify(write_torch_zip(tmp_path / "4x.pth", state_dict(shapes, "FloatStorage"), "4x"))
    assert (found.kind, found.architecture, found.dtype) == ("upscale_models", "esrgan", "F32")
    assert found.parameter_count == 8 * 3 * 9 + 8 * 8 * 9


def test_textual_inversion_pt(tmp_path: Path) -> None:
    value = {
        "string_to_token": {"*": 265},
        "string_to_param": ordered({"*": tensor((2, 768), "FloatStorage")}),
        "name": "my-style",
        "step": 3000,
    }
    found = identify(write_torch_zip(tmp_path / "my-style.pt", value))
    assert (found.kind, found.architecture) == ("embeddings", "sd1.x")
    assert found.header.metadata["name"] == "my-style"


def test_parameter_wrapped_tensors_are_found(tmp_path: Path) -> None:
    param = Red(Glob("torch._utils", "_rebuild_parameter"), (tensor((4, 4)), True, ordered({})))
    header = read_pytorch_zip(write_torch_zip(tmp_path / "p.bin", ordered({"w": param})))
    assert header.tensors["w"].shape == (4, 4)


class _Evil:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, ("touch pwned",))


def test_code_running_imports_are_flagged_never_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    # A real pickle (protocol 4: STACK_GLOBAL) of os.system, as a malicious checkpoint has it.
    with zipfile.ZipFile(tmp_path / "evil.ckpt", "w") as archive:
        archive.writestr("archive/data.pkl", pickle.dumps({"w": _Evil()}, protocol=4))
    found = identify(tmp_path / "evil.ckpt")
    assert not (tmp_path / "pwned").exists()
    assert any(os.system.__module__ + ".system" in w for w in found.warnings), found.warnings
    raw = tmp_path / "evil.pt"
    raw.write_bytes(pickle_bytes({"x": Red(Glob("builtins", "eval"), ("1+1",))}))
    found = identify(raw)
    assert found.format is ModelFormat.PICKLE
    assert found.warnings == ("Imports builtins.eval: can run code when the file is loaded.",)


def test_legacy_raw_pickle_sequence(tmp_path: Path) -> None:
    # Old torch.save: magic number, protocol version, system info, then the object.
    path = tmp_path / "old.pt"
    path.write_bytes(
        pickle.dumps(0x1950A86A20F9469CFC6C, protocol=2)
        + pickle.dumps(1001, protocol=2)
        + pickle.dumps({"little_endian": True}, protocol=2)
        + pickle_bytes(state_dict({"emb_params": (1, 1024)}))
    )
    found = identify(path)
    assert (found.format, found.kind, found.architecture) == (
        ModelFormat.PICKLE,
        "embeddings",
        "sd2.x",
    )


def test_real_pickled_plain_data_is_walked(tmp_path: Path) -> None:
    path = tmp_path / "plain.pkl"
    path.write_bytes(pickle.dumps(OrderedDict(a=1, b="x"), protocol=5))
    header = read_pickle(path)
    assert header.errors == () and header.tensor_count == 0
    assert header.metadata["pickle.globals"] == ["collections.OrderedDict"]


def test_zip_bomb_is_refused_without_inflating(tmp_path: Path) -> None:
    path = tmp_path / "bomb.ckpt"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("archive/data.pkl", b"\x80\x02" + b"N" * (50 * 1024 * 1024) + b".")
    header = read_pytorch_zip(path)
    assert header.errors and "zip bomb" in header.errors[0]
    assert MAX_RATIO < 1000


def test_lying_central_directory_sizes(tmp_path: Path) -> None:
    path = write_torch_zip(tmp_path / "ok.ckpt", state_dict({"w": (2,)}))
    data = bytearray(path.read_bytes())
    eocd = data.rindex(b"PK\x05\x06")
    data[eocd + 12 : eocd + 16] = (2**32 - 1).to_bytes(4, "little")  # central directory size
    path.write_bytes(bytes(data))
    header = read_pytorch_zip(path)
    assert header.format is ModelFormat.PYTORCH_ZIP and header.errors


def test_zip_without_data_pkl_and_truncated_zip(tmp_path: Path) -> None:
    plain = tmp_path / "plain.zip"
    with zipfile.ZipFile(plain, "w") as archive:
        archive.writestr("readme.txt", "hi")
    assert "no data.pkl" in identify(plain).errors[0]
    cut = tmp_path / "cut.ckpt"
    cut.write_bytes(
        write_torch_zip(tmp_path / "w.ckpt", state_dict({"w": (2,)})).read_bytes()[:100]
    )
    found = identify(cut)
    assert found.kind == "unknown" and found.errors


def test_truncated_pickle_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "cut.pt"
    path.write_bytes(pickle_bytes(state_dict({"w": (2, 2)}))[:40])
    header = read_pickle(path)
    assert header.errors and "truncated" in header.errors[0]


class _FakeTensor:
    """Stands in for a torch tensor: reduces the way torch.Tensor does."""

    def __init__(self, shape: tuple[int, ...]) -> None:
        self.shape = shape


def _real_pickler_checkpoint(monkeypatch: pytest.MonkeyPatch, protocol: int) -> bytes:
    """A state dict through the real Pickler (memo, STACK_GLOBAL, frames) with torch names.

    A stand-in ``torch`` module makes the names resolvable while pickling only.
    """
    torch = types.ModuleType("torch")
    utils = types.ModuleType("torch._utils")

    def _rebuild_tensor_v2(*args: object) -> None: ...

    class HalfStorage:
        pass

    _rebuild_tensor_v2.__module__, _rebuild_tensor_v2.__qualname__ = (
        "torch._utils",
        "_rebuild_tensor_v2",
    )
    HalfStorage.__module__, HalfStorage.__qualname__ = "torch", "HalfStorage"
    utils._rebuild_tensor_v2 = _rebuild_tensor_v2  # type: ignore[attr-defined]
    torch.HalfStorage = HalfStorage  # type: ignore[attr-defined]
    torch._utils = utils  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "torch", torch)
    monkeypatch.setitem(sys.modules, "torch._utils", utils)

    class Pickler(pickle.Pickler):
        def reducer_override(self, obj: object) -> object:
            if isinstance(obj, _FakeTensor):
                storage = ("storage", HalfStorage, str(id(obj)), "cpu", prod(obj.shape))
                return (_rebuild_tensor_v2, (storage, 0, obj.shape, (1,), False, OrderedDict()))
            return NotImplemented

        def persistent_id(self, obj: object) -> object:
            return obj if isinstance(obj, tuple) and obj[:1] == ("storage",) else None

    out = io.BytesIO()
    shapes = sd_unet("model.diffusion_model.", 2048, sdxl=True)
    Pickler(out, protocol=protocol).dump(
        {"state_dict": OrderedDict((k, _FakeTensor(s)) for k, s in shapes.items())}
    )
    return out.getvalue()


@pytest.mark.parametrize("protocol", [2, 4, 5])
def test_checkpoint_through_the_real_pickler(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, protocol: int
) -> None:
    path = tmp_path / "sdxl_unet.pt"
    path.write_bytes(_real_pickler_checkpoint(monkeypatch, protocol))
    found = identify(path)
    assert found.errors == () and found.warnings == ()
    assert (found.kind, found.architecture, found.dtype) == ("diffusion_models", "sdxl", "F16")
    assert found.header.tensors["model.diffusion_model.label_emb.0.0.weight"].shape == (16, 28)
