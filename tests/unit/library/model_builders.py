"""Real model files for the library tests, built without torch.

safetensors and GGUF files come from their own packages; PyTorch checkpoints are pickles
written opcode by opcode the way ``torch.save`` lays them out; ONNX models are protobuf bytes.
"""

from __future__ import annotations

import io
import json
import struct
import zipfile
from dataclasses import dataclass
from math import prod
from pathlib import Path

import gguf
import numpy as np
from safetensors.numpy import save_file

# --- safetensors ----------------------------------------------------------------------------


def write_safetensors(
    path: Path, shapes: dict[str, tuple[int, ...]], metadata: dict[str, str] | None = None,
    dtype: type = np.float16,
) -> Path:  # fmt: skip
    """A safetensors file with a zero tensor of each shape."""
    save_file({k: np.zeros(s, dtype=dtype) for k, s in shapes.items()}, str(path), metadata)
    return path


def sd_unet(prefix: str, context: int, sdxl: bool = False) -> dict[str, tuple[int, ...]]:
    """A few tensors of an SD UNet, with the cross-attention width that tells SD1/SD2/SDXL."""
    block = f"{prefix}input_blocks.1.1.transformer_blocks.0."
    shapes: dict[str, tuple[int, ...]] = {
        f"{prefix}input_blocks.0.0.weight": (8, 4, 3, 3),
        f"{block}attn2.to_k.weight": (8, context),
        f"{block}attn2.to_v.weight": (8, context),
        f"{prefix}output_blocks.0.0.in_layers.0.weight": (8,),
        f"{prefix}time_embed.0.weight": (16, 8),
    }
    if sdxl:
        shapes[f"{prefix}label_emb.0.0.weight"] = (16, 28)
    return shapes


VAE = {
    "encoder.down.0.block.0.conv1.weight": (4, 3, 3, 3),
    "encoder.conv_in.weight": (4, 3, 3, 3),
    "decoder.up.0.block.0.conv1.weight": (4, 4, 3, 3),
    "decoder.conv_in.weight": (8, 4, 3, 3),
    "quant_conv.weight": (8, 8, 1, 1),
}

FLUX = {
    "img_in.weight": (8, 64),
    "txt_in.weight": (8, 16),
    "time_in.in_layer.weight": (8, 4),
    "double_blocks.0.img_attn.qkv.weight": (24, 8),
    "double_blocks.0.txt_attn.qkv.weight": (24, 8),
    "single_blocks.0.linear1.weight": (32, 8),
}

# --- GGUF -----------------------------------------------------------------------------------


def write_gguf(
    path: Path,
    arch: str = "llama",
    context: int = 4096,
    file_type: gguf.LlamaFileType = gguf.LlamaFileType.MOSTLY_Q8_0,
) -> Path:
    """A small GGUF: one Q8_0-quantised matrix, one F32 norm, a tokenizer list."""
    writer = gguf.GGUFWriter(str(path), arch)
    writer.add_name("tiny-test")
    writer.add_context_length(context)
    writer.add_block_count(1)
    writer.add_file_type(file_type)
    writer.add_token_list([f"tok{i}" for i in range(100)])
    weights = np.linspace(-1, 1, 64 * 64, dtype=np.float32).reshape(64, 64)
    quantised = gguf.quants.quantize(weights, gguf.GGMLQuantizationType.Q8_0)
    writer.add_tensor("blk.0.attn_q.weight", quantised, raw_dtype=gguf.GGMLQuantizationType.Q8_0)
    writer.add_tensor("blk.0.attn_norm.weight", np.ones(64, dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


# --- PyTorch pickles, opcode by opcode (protocol 2, as torch.save writes) -------------------


@dataclass(frozen=True)
class Glob:
    """``GLOBAL module name``."""

    module: str
    name: str


@dataclass(frozen=True)
class Red:
    """``func args REDUCE``, then ``SETITEMS`` of ``items`` when given."""

    func: object
    args: tuple[object, ...]
    items: tuple[tuple[str, object], ...] = ()


@dataclass(frozen=True)
class Pid:
    """``value BINPERSID``."""

    value: object


def ordered(items: dict[str, object]) -> Red:
    """An ``OrderedDict`` as torch's state dicts are pickled."""
    return Red(Glob("collections", "OrderedDict"), (), tuple(items.items()))


def tensor(shape: tuple[int, ...], storage: str = "HalfStorage", key: str = "0") -> Red:
    """``torch._utils._rebuild_tensor_v2`` over a persistent storage id."""
    strides = tuple(prod(shape[i + 1 :]) for i in range(len(shape)))
    pid = Pid(("storage", Glob("torch", storage), key, "cpu", prod(shape)))
    return Red(
        Glob("torch._utils", "_rebuild_tensor_v2"),
        (pid, 0, shape, strides, False, ordered({})),
    )


def pickle_bytes(value: object) -> bytes:
    """``value`` as a protocol-2 pickle, without any real object behind it."""
    out = io.BytesIO()
    out.write(b"\x80\x02")
    _emit(out, value)
    out.write(b".")
    return out.getvalue()


def _emit(out: io.BytesIO, value: object) -> None:
    if isinstance(value, bool):
        out.write(b"\x88" if value else b"\x89")
    elif isinstance(value, int):
        out.write(b"J" + struct.pack("<i", value))
    elif isinstance(value, str):
        data = value.encode()
        out.write(b"X" + struct.pack("<I", len(data)) + data)
    elif value is None:
        out.write(b"N")
    elif isinstance(value, tuple):
        out.write(b"(")
        for item in value:
            _emit(out, item)
        out.write(b"t")
    elif isinstance(value, dict):
        out.write(b"}(")
        for k, v in value.items():
            _emit(out, k)
            _emit(out, v)
        out.write(b"u")
    elif isinstance(value, Glob):
        out.write(f"c{value.module}\n{value.name}\n".encode())
    elif isinstance(value, Pid):
        _emit(out, value.value)
        out.write(b"Q")
    elif isinstance(value, Red):
        _emit(out, value.func)
        _emit(out, value.args)
        out.write(b"R")
        if value.items:
            out.write(b"(")
            for k, v in value.items:
                _emit(out, k)
                _emit(out, v)
            out.write(b"u")
    else:
        raise TypeError(value)


def write_torch_zip(path: Path, value: object, folder: str = "archive") -> Path:
    """A checkpoint laid out as torch.save writes it: stored members under one folder."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr(f"{folder}/data.pkl", pickle_bytes(value))
        archive.writestr(f"{folder}/data/0", b"\0" * 64)
        archive.writestr(f"{folder}/version", b"3\n")
    return path


def state_dict(shapes: dict[str, tuple[int, ...]], storage: str = "HalfStorage") -> Red:
    """A state dict with one tensor per shape."""
    return ordered({k: tensor(s, storage, str(i)) for i, (k, s) in enumerate(shapes.items())})


# --- ONNX protobuf --------------------------------------------------------------------------


def varint(value: int) -> bytes:
    """A protobuf base-128 varint."""
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def pb_field(number: int, value: int | bytes | str) -> bytes:
    """One protobuf field: a varint for an int, length-delimited otherwise."""
    if isinstance(value, int):
        return varint(number << 3) + varint(value)
    data = value.encode() if isinstance(value, str) else value
    return varint(number << 3 | 2) + varint(len(data)) + data


def onnx_model(initializers: dict[str, tuple[int, ...]], producer: str = "pytorch") -> bytes:
    """A ModelProto: ir_version, producer, opset, a metadata property, a graph of initializers."""
    tensors = b""
    for i, (name, shape) in enumerate(initializers.items()):
        dims = b"".join(varint(d) for d in shape)
        # Alternate packed and unpacked dims: both are valid encodings of the repeated field.
        dim_fields = pb_field(1, dims) if i % 2 else b"".join(pb_field(1, d) for d in shape)
        body = (
            dim_fields + pb_field(2, 1) + pb_field(8, name) + pb_field(9, b"\0" * 4 * prod(shape))
        )
        tensors += pb_field(5, body)
    graph = pb_field(1, pb_field(4, "MatMul")) + pb_field(2, "main") + tensors
    return (
        pb_field(1, 8)
        + pb_field(2, producer)
        + pb_field(3, "2.5")
        + pb_field(8, pb_field(1, "") + pb_field(2, 17))
        + pb_field(7, graph)
        + pb_field(14, pb_field(1, "author") + pb_field(2, "tests"))
    )


_DTYPE_BYTES = {"F8_E4M3": 1, "F8_E5M2": 1, "U8": 1, "I8": 1, "F16": 2, "BF16": 2, "F32": 4}


def write_raw_safetensors(
    path: Path,
    tensors: dict[str, tuple[str, tuple[int, ...]]],
    metadata: dict[str, str] | None = None,
) -> Path:
    """A valid safetensors file with any dtype name (fp8 has no numpy type): zero bytes of the
    right size for each tensor, laid out as the format says."""
    header: dict[str, object] = {}
    offset = 0
    for name, (dtype, shape) in tensors.items():
        size = prod(shape) * _DTYPE_BYTES[dtype]
        header[name] = {
            "dtype": dtype,
            "shape": list(shape),
            "data_offsets": [offset, offset + size],
        }
        offset += size
    if metadata:
        header["__metadata__"] = metadata
    raw = json.dumps(header).encode()
    raw += b" " * (-len(raw) % 8)
    path.write_bytes(struct.pack("<Q", len(raw)) + raw + b"\0" * offset)
    return path


def write_gguf_split(path: Path, arch: str = "llama", tensors: int = 5, per_split: int = 2) -> Path:
    """A GGUF set split by the gguf package's own writer (as ``gguf-split`` lays it out):
    ``<stem>-00001-of-0000N.gguf``…, the first split with the model's key/values, every split
    with ``split.no``/``split.count`` and its share of the tensors. Returns the first split."""
    writer = gguf.GGUFWriter(str(path), arch, split_max_tensors=per_split)
    writer.add_name("tiny-split")
    writer.add_context_length(2048)
    writer.add_file_type(gguf.LlamaFileType.MOSTLY_Q8_0)
    for i in range(tensors):
        writer.add_tensor(f"blk.{i}.attn_norm.weight", np.ones(32, dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    count = -(-tensors // per_split)
    return path.with_name(f"{path.stem}-00001-of-{count:05d}{path.suffix}")


Dim = int | str | None
IoSpec = tuple[str, int, list[Dim]]  # name, ONNX element type (1 = float), dimensions


def _value_info(name: str, elem_type: int, dims: list[Dim]) -> bytes:
    """A ``ValueInfoProto`` of a tensor: name, element type, a symbolic dimension by name."""
    shape = b""
    for dim in dims:
        body = b"" if dim is None else pb_field(2 if isinstance(dim, str) else 1, dim)
        shape += pb_field(1, body)
    tensor_type = pb_field(1, elem_type) + pb_field(2, shape)
    return pb_field(1, name) + pb_field(2, pb_field(1, tensor_type))


def onnx_graph_model(
    inputs: list[IoSpec],
    outputs: list[IoSpec],
    ops: dict[str, int] | None = None,
    initializers: dict[str, tuple[int, ...]] | None = None,
) -> bytes:
    """A ModelProto whose graph has nodes (by operator), inputs, outputs and initializers, in
    the field order exporters write (nodes, name, initializers, inputs, outputs)."""
    graph = b""
    for i, (op, count) in enumerate((ops or {"Identity": 1}).items()):
        for j in range(count):
            node = pb_field(1, "x") + pb_field(2, f"y{i}_{j}") + pb_field(4, op)
            graph += pb_field(1, node)
    graph += pb_field(2, "main")
    for name, shape in (initializers or {}).items():
        dims = b"".join(pb_field(1, d) for d in shape)
        body = dims + pb_field(2, 1) + pb_field(8, name) + pb_field(9, b"\0" * 4 * prod(shape))
        graph += pb_field(5, body)
    graph += b"".join(pb_field(11, _value_info(*io)) for io in inputs)
    graph += b"".join(pb_field(12, _value_info(*io)) for io in outputs)
    return (
        pb_field(1, 8)
        + pb_field(2, "pytorch")
        + pb_field(8, pb_field(1, "") + pb_field(2, 17))
        + pb_field(7, graph)
    )
