"""The aligned layout of long library listings: columns as FoldingTable draws them, the path
folded, nothing cut; and the short forms the table shows."""

from __future__ import annotations

from hfsuite.cli.library_views import aligned_lines, params_text


def test_columns_are_aligned_and_right_justified() -> None:
    lines = aligned_lines(
        ("file", "kind", "size"),
        [("/m/a.safetensors", "loras", "1 KiB"), ("/m/b.gguf", "llm", "12.5 GiB")],
        {2},
        80,
    )
    assert lines == [
        "file              kind       size",
        "/m/a.safetensors  loras     1 KiB",
        "/m/b.gguf         llm    12.5 GiB",
    ]


def test_a_long_path_folds_onto_more_lines_within_the_width() -> None:
    path = "/very/long/folder/name/with/a/model/file.safetensors"
    lines = aligned_lines(("file", "kind"), [(path, "checkpoints")], set(), 40)
    assert lines is not None
    assert all(len(line) <= 40 for line in lines)
    assert "".join(line[:27].rstrip() for line in lines[1:]) == path
    assert lines[1].endswith("checkpoints")


def test_too_narrow_falls_back() -> None:
    assert aligned_lines(("file", "kind"), [("/a/b/c/d/e/f/g/h", "x" * 30)], set(), 36) is None


def test_parameter_counts_are_short() -> None:
    assert [params_text(n) for n in (None, 0, 950, 12_300, 7_241_732_096, 405_000_000_000)] == [
        "",
        "",
        "950",
        "12.3K",
        "7.2B",
        "405B",
    ]
