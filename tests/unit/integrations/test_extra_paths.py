"""ComfyUI's extra_model_paths.yaml: read as ComfyUI resolves it, merged without touching the
rest of the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from hfsuite.integrations.comfyui.extra_paths import merge_section, read_extra_paths

SHARED = (
    Path(__file__).resolve().parents[4] / "shared" / "testdata" / "comfyui" / "extra_model_paths"
)

OFFICIAL = """\
#Rename this to extra_model_paths.yaml and ComfyUI will load it


#config for a1111 ui
#all you have to do is change the base_path to where yours is installed
a111:
    base_path: path/to/stable-diffusion-webui/

    checkpoints: models/Stable-diffusion
    configs: models/Stable-diffusion
    vae: models/VAE
    loras: |
         models/Lora
         models/LyCORIS
    upscale_models: |
                  models/ESRGAN
                  models/RealESRGAN
                  models/SwinIR
    embeddings: embeddings
    hypernetworks: models/hypernetworks
    controlnet: models/ControlNet

#config for comfyui
#your base path should be either an existing comfy install or a central folder

#comfyui:
#     base_path: path/to/comfyui/
#     is_default: true
#     checkpoints: models/checkpoints/
"""


def test_the_official_example_resolves_relative_base_from_the_yaml_folder() -> None:
    parsed = read_extra_paths(OFFICIAL, "/srv/ComfyUI")
    folders = parsed.folders()
    webui = Path("/srv/ComfyUI/path/to/stable-diffusion-webui")
    assert parsed.sections == ("a111",)
    assert folders["checkpoints"] == [webui / "models/Stable-diffusion"]
    assert folders["loras"] == [webui / "models/Lora", webui / "models/LyCORIS"]
    assert folders["upscale_models"] == [
        webui / "models/ESRGAN",
        webui / "models/RealESRGAN",
        webui / "models/SwinIR",
    ]
    assert folders["embeddings"] == [webui / "embeddings"]
    assert parsed.notes == ()


def test_legacy_keys_absolute_paths_is_default_and_trailing_comments() -> None:
    text = """\
shared:
  base_path: /data/models   # a comment on the same line
  is_default: true
  unet: unet/
  diffusion_models: unet/
  clip: /abs/clip
  checkpoints: checkpoints/
other:
  checkpoints: /other/ckpt
  ipadapter: ipadapter
"""
    parsed = read_extra_paths(text, "/yaml/dir")
    folders = parsed.folders()
    # unet and diffusion_models name the same folder: it is listed once
    assert folders["diffusion_models"] == [Path("/data/models/unet")]
    assert folders["text_encoders"] == [Path("/abs/clip")]
    # a later plain folder is appended behind the is_default one
    assert folders["checkpoints"] == [Path("/data/models/checkpoints"), Path("/other/ckpt")]
    # no base_path: relative to the YAML file's folder
    assert folders["ipadapter"] == [Path("/yaml/dir/ipadapter")]
    assert {e.is_default for e in parsed.entries if e.section == "shared"} == {True}


def test_is_default_moves_a_later_section_in_front() -> None:
    text = "a:\n  loras: /a\nb:\n  is_default: true\n  loras: |\n    /b1\n    /b2\n"
    # ComfyUI inserts each is_default folder at the front, one after the other
    assert read_extra_paths(text, "/").folders()["loras"] == [Path("/b2"), Path("/b1"), Path("/a")]


def test_home_and_variables_in_base_path_only() -> None:
    expand = {"~/models": "/home/u/models", "$MODELS": "/mnt/m"}.get

    def expander(text: str) -> str:
        return expand(text) or text

    text = "a:\n  base_path: ~/models\n  vae: vae\nb:\n  base_path: $MODELS\n  vae: $X/vae\n"
    folders = read_extra_paths(text, "/y", expand=expander).folders()
    assert folders["vae"] == [Path("/home/u/models/vae"), Path("/mnt/m/$X/vae")]


def test_dot_dot_is_normalised_and_noted() -> None:
    parsed = read_extra_paths("a:\n  base_path: /m/x\n  loras: ../../etc/loras\n", "/")
    assert parsed.folders()["loras"] == [Path("/etc/loras")]
    assert any("'..'" in n for n in parsed.notes)


@pytest.mark.parametrize(
    ("text", "note"),
    [
        ("a: [1, 2\n", "not valid YAML"),
        ("- a\n- b\n", "not a mapping"),
        ("a: just text\n", "not a mapping"),
        ("a:\n  loras:\n    - /x\n", "not a path"),
        ("a:\n  base_path: [1]\n  loras: x\n", "base_path is not a path"),
        ("a:\n  1: /x\n  loras: 5\n", "not a path"),
        ("\tbad: tab\n", "not valid YAML"),
    ],
)
def test_broken_files_become_notes(text: str, note: str) -> None:
    parsed = read_extra_paths(text, "/y")
    assert any(note in n for n in parsed.notes), parsed.notes


def test_empty_file_and_empty_section() -> None:
    assert read_extra_paths("", "/y").entries == ()
    assert read_extra_paths("# only a comment\n", "/y").entries == ()
    assert read_extra_paths("a:\nb:\n  vae: /v\n", "/y").folders() == {"vae": [Path("/v")]}


def test_duplicate_sections_last_wins_as_in_pyyaml() -> None:
    folders = read_extra_paths("a:\n  vae: /one\na:\n  vae: /two\n", "/").folders()
    assert folders == {"vae": [Path("/two")]}


@pytest.mark.skipif(not SHARED.is_dir(), reason="the shared test data folder is not present")
def test_every_real_file_reads_without_notes() -> None:
    files = sorted(SHARED.iterdir())
    assert files
    for path in files:
        parsed = read_extra_paths(path.read_text(encoding="utf-8"), "/comfy")
        assert parsed.entries, path.name
        assert not [n for n in parsed.notes if "'..'" not in n], (path.name, parsed.notes)


@pytest.mark.skipif(not SHARED.is_dir(), reason="the shared test data folder is not present")
def test_real_files_resolve_as_comfyui_does() -> None:
    autodl = read_extra_paths((SHARED / "sinyuk7_autodl.extra_model_paths.yaml").read_text(), "/c")
    folders = autodl.folders()
    assert folders["diffusion_models"] == [Path("/root/autodl-tmp/shared_models/unet")]
    assert folders["upscale_models"] == [Path("/root/autodl-tmp/shared_models/upscalers")]
    runpod = read_extra_paths(
        (SHARED / "hearmeman24_runpod.extra_model_paths.yaml").read_text(), "/c"
    )
    assert runpod.folders()["ultralytics"] == [Path("/models/ultralytics")]
    emanuel = read_extra_paths((SHARED / "emanuelnog.extra_model_paths.yaml").read_text(), "/c")
    assert emanuel.folders()["custom_nodes"] == [Path("/root/comfy_dir/custom_nodes")]
    assert emanuel.folders()["text_encoders"] == [Path("/root/comfy_dir/models/clip")]


# --- merge ------------------------------------------------------------------------------------


def _outside(text: str, merged: str, section_line: str) -> tuple[list[str], list[str]]:
    """The lines of both texts before the section's key line."""
    before = text.splitlines(keepends=True)
    cut = next((i for i, line in enumerate(before) if line.startswith(section_line)), len(before))
    return before[:cut], merged.splitlines(keepends=True)[:cut]


def test_merge_appends_a_new_section_and_keeps_every_byte_before() -> None:
    merged = merge_section(
        OFFICIAL,
        "hfsuite",
        "/data/models",
        {"checkpoints": ["checkpoints"], "loras": ["loras", "lycoris"]},
    )
    assert merged.startswith(OFFICIAL)
    added = merged[len(OFFICIAL) :]
    assert added.startswith("\nhfsuite:\n")
    folders = read_extra_paths(merged, "/srv").folders()
    assert folders["loras"][-2:] == [Path("/data/models/loras"), Path("/data/models/lycoris")]
    assert folders["checkpoints"][-1] == Path("/data/models/checkpoints")


def test_merge_replaces_a_section_in_place_and_keeps_the_rest_byte_for_byte() -> None:
    text = (
        "# head comment\n"
        "first:\n"
        "  base_path: /first   # keep me\n"
        "  vae: vae\n"
        "\n"
        "# about hfsuite\n"
        "hfsuite:\n"
        "  base_path: /old\n"
        "  # a comment inside the section\n"
        "  loras: loras\n"
        "  mine: keep/this\n"
        "\n"
        "# about last\n"
        "last:\n"
        "    checkpoints: |\n"
        "         odd/indent\n"
    )
    merged = merge_section(
        text, "hfsuite", "/new", {"loras": ["a", "b"], "vae": ["vae"]}, is_default=True
    )
    head, tail = text.split("hfsuite:\n", 1)[0], text.split("\n# about last\n", 1)[1]
    assert merged.startswith(head + "hfsuite:\n")
    assert merged.endswith("\n# about last\n" + tail)
    section = merged[len(head) : merged.index("\n# about last\n")]
    assert "# a comment inside the section" in section
    assert "mine: keep/this" in section
    parsed = read_extra_paths(merged, "/")
    mine = [e for e in parsed.entries if e.section == "hfsuite"]
    assert {(e.key, str(e.path)) for e in mine} == {
        ("loras", "/new/a"),
        ("loras", "/new/b"),
        ("vae", "/new/vae"),
        ("mine", "/new/keep/this"),
    }
    assert all(e.is_default for e in mine)
    # merging the same again changes nothing
    assert merge_section(merged, "hfsuite", "/new", {"loras": ["a", "b"], "vae": ["vae"]}) == merged


def test_merge_keeps_crlf_and_missing_final_newline_outside_the_section() -> None:
    text = "a:\r\n  vae: /v\r\nb:\n  vae: /w"
    merged = merge_section(text, "a", None, {"vae": ["/x"]})
    assert merged.endswith("b:\n  vae: /w")
    assert read_extra_paths(merged, "/").folders()["vae"] == [Path("/x"), Path("/w")]


def test_merge_into_an_empty_file_and_removing_a_key() -> None:
    merged = merge_section("", "hfsuite", "/m", {"vae": ["vae"]})
    assert read_extra_paths(merged, "/").folders() == {"vae": [Path("/m/vae")]}
    removed = merge_section(merged, "hfsuite", "/m", {"vae": [], "loras": ["l"]})
    assert read_extra_paths(removed, "/").folders() == {"loras": [Path("/m/l")]}


def test_merge_quotes_what_yaml_would_misread() -> None:
    merged = merge_section("", "s", "/Models #1: x", {"vae": ["a: b", "x # y"], "loras": ["yes"]})
    entries = read_extra_paths(merged, "/").entries
    assert [(e.key, e.written, str(e.path)) for e in entries] == [
        ("vae", "a: b", "/Models #1: x/a: b"),
        ("vae", "x # y", "/Models #1: x/x # y"),
        ("loras", "yes", "/Models #1: x/yes"),
    ]


@pytest.mark.parametrize(
    ("text", "name", "folders"),
    [
        ("a: [1,\n", "s", {"vae": ["v"]}),
        ("- list\n", "s", {"vae": ["v"]}),
        ("", "", {"vae": ["v"]}),
        ("", "s", {"vae": ["two\nlines"]}),
        ("", "base_path", {"vae": ["v"]}),
    ],
)
def test_merge_refuses_what_it_cannot_write_safely(
    text: str, name: str, folders: dict[str, list[str]]
) -> None:
    with pytest.raises(ValueError):
        merge_section(text, name, "/b", folders)


@pytest.mark.skipif(not SHARED.is_dir(), reason="the shared test data folder is not present")
def test_merge_into_every_real_file_keeps_the_other_sections() -> None:
    for path in sorted(SHARED.iterdir()):
        text = path.read_text(encoding="utf-8")
        before = read_extra_paths(text, "/c")
        merged = merge_section(text, "hfsuite", "/hf/models", {"loras": ["loras"]})
        assert merged.startswith(text if text.endswith("\n") else text + "\n"), path.name
        after = read_extra_paths(merged, "/c")
        assert after.entries[: len(before.entries)] == before.entries
        assert after.entries[-1].path == Path("/hf/models/loras")
