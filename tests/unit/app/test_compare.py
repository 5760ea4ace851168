"""app/compare.py without a Hub: local folders and model files, the rules that decide added,
removed and changed, flattened config differences, what counts as a path, and the messages in
docs/errors.md word for word."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from hfsuite.app.compare import (
    Change,
    FileFacts,
    _file_changes,
    compare,
    diff_values,
    flatten,
    is_local_path,
)
from hfsuite.app.suite import Suite
from hfsuite.config import SettingsStore
from hfsuite.core.errors import UsageError

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "library"))
from model_builders import VAE, write_gguf, write_safetensors

DOC = (Path(__file__).parents[3] / "docs" / "errors.md").read_text(encoding="utf-8")


@pytest.fixture
def suite(tmp_path: Path) -> Iterator[Suite]:
    store = SettingsStore(tmp_path / "cfg" / "settings.toml")
    env = {
        "HFSUITE_DB_URL": os.environ.get("HFSUITE_DB_URL", f"sqlite:///{tmp_path / 'db.sqlite'}"),
        "HFSUITE_HF_HOME": str(tmp_path / "hf"),
    }
    s = Suite(store.load(env=env), store)
    yield s
    s.close()


def _folder(root: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


def test_two_local_folders(suite: Suite, tmp_path: Path) -> None:
    a = _folder(
        tmp_path / "a",
        {
            "config.json": json.dumps({"hidden_size": 8, "rope": {"theta": 1}}).encode(),
            "same.bin": b"x" * 10,
            "edited.txt": b"aaaa",
            "gone.bin": b"1",
            ".git/HEAD": b"ref",
        },
    )
    b = _folder(
        tmp_path / "b",
        {
            "config.json": json.dumps({"hidden_size": 16, "layers": [1, 2]}).encode(),
            "same.bin": b"x" * 10,
            "edited.txt": b"bbbb",  # same size, other bytes
            "sub/new.bin": b"22",
        },
    )
    result = compare(suite, str(a), str(b))
    assert {f.path: f.change for f in result.files} == {
        "config.json": Change.CHANGED,
        "edited.txt": Change.CHANGED,
        "gone.bin": Change.REMOVED,
        "same.bin": Change.SAME,
        "sub/new.bin": Change.ADDED,
    }
    assert [(c.key, c.change, c.a, c.b) for c in result.config] == [
        ("hidden_size", Change.CHANGED, "8", "16"),
        ("layers", Change.ADDED, None, "[1, 2]"),
        ("rope.theta", Change.REMOVED, "1", None),
    ]
    assert result.a.config_name == "config.json" and not result.identical
    assert result.size_delta == result.b.total_size - result.a.total_size
    same = compare(suite, str(a), str(a))
    assert same.identical and not same.differences


def test_two_model_files_compare_their_headers(suite: Suite, tmp_path: Path) -> None:
    a = write_safetensors(tmp_path / "a.safetensors", VAE, {"title": "one"})
    b = write_gguf(tmp_path / "b.gguf")  # type: ignore[call-arg]
    result = compare(suite, str(a), str(b))
    assert [(f.path, f.change) for f in result.files] == [
        ("a.safetensors → b.gguf", Change.CHANGED)
    ]
    values = {c.key: (c.a, c.b) for c in result.config}
    assert values["format"] == ("safetensors", "gguf")
    assert values["tensors"] == ("5", "2")
    assert values["tensors.F16"] == ("5 tensors", None)
    assert values["metadata.title"] == ("one", None)
    assert values["tensor names only in B"][1] == ("2: blk.0.attn_norm.weight, blk.0.attn_q.weight")


def test_change_rules() -> None:
    rows = _file_changes(
        (
            FileFacts("lfs", 10, "b1", "s1"),
            FileFacts("git", 3, "g1"),
            FileFacts("big", 5),
            FileFacts("resized", 5, "x"),
        ),
        (
            FileFacts("lfs", 10, "b2", "S1"),  # same SHA-256 (any case): same
            FileFacts("git", 3, "g2"),  # same size, other blob: changed
            FileFacts("big", 5),  # nothing but the size to go by: same
            FileFacts("resized", 6, "x"),
        ),
    )
    assert {r.path: r.change for r in rows} == {
        "lfs": Change.SAME,
        "git": Change.CHANGED,
        "big": Change.SAME,
        "resized": Change.CHANGED,
    }


def test_flatten_and_diff() -> None:
    flat = flatten({"a": {"b": 1, "c": {}}, "d": "x" * 500, "e": None})
    assert flat["a.b"] == "1" and flat["a.c"] == "{}" and flat["e"] == "null"
    assert len(flat["d"]) == 200 and flat["d"].endswith("…")
    assert diff_values({"k": "1"}, {"k": "1"}) == ()


@pytest.mark.parametrize(
    ("text", "local"),
    [
        ("./x", True),
        ("/abs/x", True),
        ("~/x", True),
        ("C:\\models\\x.gguf", True),
        ("org/name", False),
        ("org/name@v1.0", False),
        ("https://huggingface.co/org/name", False),
    ],
)
def test_what_counts_as_a_path(text: str, local: bool) -> None:
    assert is_local_path(text) is local


def test_messages_are_documented(suite: Suite, tmp_path: Path) -> None:
    missing = "./no-such-model.safetensors"
    with pytest.raises(UsageError) as info:
        compare(suite, missing, "org/name")
    assert f"| `{info.value.message.replace(missing, '<path>')}` | 2 |" in DOC
    one = write_safetensors(tmp_path / "a.safetensors", VAE)
    folder = _folder(tmp_path / "f", {"x.bin": b"1"})
    with pytest.raises(UsageError) as info:
        compare(suite, str(one), str(folder))
    assert f"| `{info.value.message.replace(str(one), '<path>')}` | 2 |" in DOC
