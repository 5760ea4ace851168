"""The extra_model_paths.yaml reader never raises, whatever the file holds; the merge either
writes a file that reads back with the section, or refuses with ValueError."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hfsuite.integrations.comfyui.extra_paths import merge_section, read_extra_paths

YAML_BITS = st.sampled_from(
    [
        "a111:\n",
        "  base_path: ",
        "  is_default: ",
        "  loras: |\n",
        "    models/Lora\n",
        "  vae: ",
        "../..",
        "~/x",
        "$HOME",
        "- ",
        "[",
        "]",
        "{",
        "}",
        ": ",
        "&a ",
        "*a ",
        "!!python/object ",
        "\t",
        "\n",
        "#",
        "'",
        '"',
        "yes",
        "2001-13-45",
        "\x00",
        "<<: *a\n",
        "? ",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(YAML_BITS | st.text(max_size=8), max_size=30).map("".join))
def test_reader_never_raises_on_yaml_like_text(text: str) -> None:
    parsed = read_extra_paths(text, "/y")
    for entry in parsed.entries:
        assert entry.path.is_absolute()
        assert entry.key not in ("base_path", "is_default")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_reader_never_raises_on_any_text(text: str) -> None:
    read_extra_paths(text, "/y")


PATHS = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=20
).filter(lambda p: p.strip() == p and p)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(YAML_BITS, max_size=12).map("".join),
    st.dictionaries(
        st.sampled_from(["loras", "vae", "checkpoints", "ipadapter"]),
        st.lists(PATHS, min_size=1, max_size=3),
        max_size=3,
    ),
)
def test_merge_reads_back_or_refuses(text: str, folders: dict[str, list[str]]) -> None:
    try:
        merged = merge_section(text, "hfsuite", "/base", folders)
    except ValueError:
        return
    parsed = read_extra_paths(merged, "/y")
    ours = [(e.key, e.written) for e in parsed.entries if e.section == "hfsuite"]
    expected = [(key, p) for key, paths in folders.items() for p in paths]
    assert sorted(set(expected)) == sorted(set(ours) & set(expected)), merged
