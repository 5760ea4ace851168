"""Every common way to name a repository, file, folder or URL, and what bad input says."""

from __future__ import annotations

import pytest

from hfsuite.core.errors import UsageError
from hfsuite.core.types import RepoRef, RepoType, SourceKind
from hfsuite.sources.batch import parse_batch
from hfsuite.sources.names import NameKind, ParsedName, parse_name, parse_repo_arg

MIRROR = "http://127.0.0.1:8123"
HF = "https://huggingface.co"
MS = "https://modelscope.cn"
M, D, S = RepoType.MODEL, RepoType.DATASET, RepoType.SPACE
HFS, MSS = SourceKind.HUGGINGFACE, SourceKind.MODELSCOPE


def _n(kind, repo_id, rtype=M, rev=None, path=None, endpoint=None, source=HFS):  # type: ignore[no-untyped-def]
    return ParsedName(kind, RepoRef(repo_id, rtype, rev, source), path, None, endpoint)


CASES = [
    ("org/name", _n(NameKind.REPO, "org/name")),
    ("gpt2", _n(NameKind.REPO, "gpt2")),
    ("  org/name  ", _n(NameKind.REPO, "org/name")),
    ("datasets/org/data", _n(NameKind.REPO, "org/data", D)),
    ("spaces/org/demo@v1.0", _n(NameKind.REPO, "org/demo", S, "v1.0")),
    ("org/name@refs/pr/3", _n(NameKind.REPO, "org/name", M, "refs/pr/3")),
    ("hf://org/name", _n(NameKind.REPO, "org/name")),
    ("hf://org/name@dev/a/b.bin", _n(NameKind.FILE, "org/name", M, "dev", "a/b.bin")),
    ("hf://org/name@refs/pr/1/x.bin", _n(NameKind.FILE, "org/name", M, "refs/pr/1", "x.bin")),
    ("hf://org/name@refs%2Fpr%2F1/x.bin", _n(NameKind.FILE, "org/name", M, "refs/pr/1", "x.bin")),
    ("hf://datasets/org/d/train/", _n(NameKind.FOLDER, "org/d", D, None, "train")),
    ("hf://spaces/org/s/app.py", _n(NameKind.FILE, "org/s", S, None, "app.py")),
    (f"{HF}/org/name", _n(NameKind.REPO, "org/name", endpoint=HF)),
    ("huggingface.co/org/name", _n(NameKind.REPO, "org/name", endpoint=HF)),
    (f"{HF}/org/name/tree/v2", _n(NameKind.REPO, "org/name", M, "v2", endpoint=HF)),
    (
        f"{HF}/org/name/blob/main/unet/m.safetensors",
        _n(NameKind.FILE, "org/name", M, "main", "unet/m.safetensors", HF),
    ),
    (
        "https://hf.co/org/name/resolve/main/m.bin?download=true",
        _n(NameKind.FILE, "org/name", M, "main", "m.bin", HF),
    ),
    (
        f"{HF}/org/name/resolve/refs%2Fpr%2F1/m.bin",
        _n(NameKind.FILE, "org/name", M, "refs/pr/1", "m.bin", HF),
    ),
    (
        f"{HF}/org/name/blob/refs/pr/12/sub/m.bin",
        _n(NameKind.FILE, "org/name", M, "refs/pr/12", "sub/m.bin", HF),
    ),
    (
        f"{HF}/datasets/org/d/tree/main/data/train",
        _n(NameKind.FOLDER, "org/d", D, "main", "data/train", HF),
    ),
    (f"{HF}/spaces/org/s/blob/main/app.py", _n(NameKind.FILE, "org/s", S, "main", "app.py", HF)),
    (
        f"{HF}/gpt2/resolve/main/config.json",
        _n(NameKind.FILE, "gpt2", M, "main", "config.json", HF),
    ),
    (f"{HF}/org/name/commit/" + "a" * 40, _n(NameKind.REPO, "org/name", M, "a" * 40, None, HF)),
    (f"{HF}/org/name/discussions/4", _n(NameKind.REPO, "org/name", endpoint=HF)),
    (f"{HF}/org/name/blob/main/a%20b.txt", _n(NameKind.FILE, "org/name", M, "main", "a b.txt", HF)),
    (
        f"{MIRROR}/org/name/resolve/main/x.bin",
        _n(NameKind.FILE, "org/name", M, "main", "x.bin", MIRROR),
    ),
    (f"{MIRROR}/datasets/org/d", _n(NameKind.REPO, "org/d", D, endpoint=MIRROR)),
    (f"{MS}/models/Qwen/Qwen2-7B", _n(NameKind.REPO, "Qwen/Qwen2-7B", endpoint=MS, source=MSS)),
    (
        f"{MS}/models/Qwen/Qwen2-7B/files",
        _n(NameKind.REPO, "Qwen/Qwen2-7B", endpoint=MS, source=MSS),
    ),
    (
        "https://www.modelscope.cn/models/o/n/resolve/master/sub/m.bin",
        _n(NameKind.FILE, "o/n", M, "master", "sub/m.bin", MS, MSS),
    ),
    (
        f"{MS}/models/o/n/file/view/master/README.md",
        _n(NameKind.FILE, "o/n", M, "master", "README.md", MS, MSS),
    ),
    (f"{MS}/datasets/o/d", _n(NameKind.REPO, "o/d", D, endpoint=MS, source=MSS)),
    (
        f"{MS}/api/v1/models/o/n/repo?Revision=v1&FilePath=a%2Fb.bin",
        _n(NameKind.FILE, "o/n", M, "v1", "a/b.bin", MS, MSS),
    ),
    ("modelscope:o/n", _n(NameKind.REPO, "o/n", source=MSS)),
    ("modelscope://o/n@v1.0", _n(NameKind.REPO, "o/n", M, "v1.0", source=MSS)),
    ("modelscope:datasets/o/d/train/", _n(NameKind.FOLDER, "o/d", D, None, "train", source=MSS)),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_parse_name(text: str, expected: ParsedName) -> None:
    assert parse_name(text, endpoints=[MIRROR]) == expected


@pytest.mark.parametrize(
    "url",
    [
        "https://civitai.com/api/download/models/12345?type=Model",
        "http://example.com/file.safetensors",
        "https://github.com/org/repo/releases/download/v1/m.pth",
        f"{MIRROR}/org/name/resolve/main/x.bin",  # a mirror is a direct URL when not configured
    ],
)
def test_plain_urls(url: str) -> None:
    parsed = parse_name(url)
    assert parsed == ParsedName(NameKind.URL, url=url)
    assert parsed.source is SourceKind.URL


def test_mirror_with_path_prefix() -> None:
    base = "http://127.0.0.1:9/hf"
    parsed = parse_name(f"{base}/org/name/blob/main/a.bin", endpoints=[base, "http://127.0.0.1:9"])
    assert parsed.endpoint == base
    assert parsed.ref == RepoRef("org/name", M, "main")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "it is empty"),
        ("   ", "it is empty"),
        ("a b", "it contains spaces"),
        ("ftp://host/file", "only http and https URLs"),
        ("https:///x", "the URL has no host"),
        ("http://[::1", "the URL is malformed"),
        (f"{HF}/docs/hub", "/docs is a page of the Hub"),
        (f"{HF}/models", "/models is a page of the Hub"),
        (f"{HF}/org/name/blob/main", "must be followed by a file path"),
        (f"{HF}/org/name/tree", "must be followed by a revision"),
        ("hf://org", "hf:// paths need org/name"),
        ("org/name@", "nothing follows '@'"),
        ("hf://org/name@/x", "nothing follows '@'"),
        ("modelscope:spaces/o/n", "ModelScope names are models/ or datasets/"),
        ("modelscope:solo", "hf:// paths need org/name"),
        (f"{MS}/studios/o/n", "ModelScope URLs look like"),
        ("hf://org/na..me", "is not a repository id"),
        ("hf://org/name/../x", "not a valid path"),
        ("hf://org/name@bad..rev/x", "not a valid revision"),
        (f"{HF}/org/name/blob/main/a%00b", "control characters"),
    ],
)
def test_junk_is_explained(text: str, reason: str) -> None:
    with pytest.raises(UsageError) as info:
        parse_name(text)
    assert reason in info.value.message


def test_parse_repo_arg_keeps_old_contract_and_accepts_repo_urls() -> None:
    assert parse_repo_arg("org/name", RepoType.DATASET, "v1") == RepoRef("org/name", D, "v1")
    assert parse_repo_arg("datasets/org/d", RepoType.MODEL) == RepoRef("org/d", D)
    assert parse_repo_arg(f"{HF}/org/name/tree/dev") == RepoRef("org/name", M, "dev")
    assert parse_repo_arg("hf://spaces/o/s@v2") == RepoRef("o/s", S, "v2")
    assert parse_repo_arg(f"{MIRROR}/org/n", endpoints=[MIRROR]) == RepoRef("org/n")
    with pytest.raises(UsageError, match="not a whole repository"):
        parse_repo_arg(f"{HF}/org/name/blob/main/x.bin")
    with pytest.raises(UsageError, match="not a Hugging Face repository"):
        parse_repo_arg("modelscope:o/n")
    with pytest.raises(UsageError, match="not a repository id"):
        parse_repo_arg("a/b/c")


def test_batch_reports_bad_lines_by_number_and_keeps_the_rest() -> None:
    text = "\n".join(
        [
            "# models for the workflow",
            "org/name",
            "",
            "   hf://datasets/o/d@v1/train/   # the training split",
            "not a name",
            f"{HF}/org/x/blob/main/m.bin",
            "ftp://nope/x",
            "https://example.com/lora.safetensors#frag",
            "\ufeffmodelscope:o/n",
        ]
    )
    result = parse_batch(text)
    assert [(i.line_no, i.name.kind) for i in result.items] == [
        (2, NameKind.REPO),
        (4, NameKind.FOLDER),
        (6, NameKind.FILE),
        (8, NameKind.URL),
        (9, NameKind.REPO),
    ]
    assert result.items[1].text == "hf://datasets/o/d@v1/train/"
    assert [(e.line_no, e.text) for e in result.errors] == [(5, "not a name"), (7, "ftp://nope/x")]
    assert str(result.errors[0]).startswith("line 5: Cannot read 'not a name'")
    assert "only http and https" in result.errors[1].message


def test_batch_accepts_an_iterable_of_lines() -> None:
    result = parse_batch(iter(["a/b", "c/d@main"]))
    assert [str(i.name) for i in result.items] == ["a/b", "c/d@main"]
    assert result.errors == []
