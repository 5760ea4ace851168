"""Reading download URLs, the search words of a file name, and how search results are ranked."""

from __future__ import annotations

import pytest

from hfsuite.integrations.comfyui.resolve import (
    RepoListing,
    candidate_from_url,
    family_of,
    parse_hf_url,
    rank_search,
    search_queries,
)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://huggingface.co/Comfy-Org/Wan_2.2_ComfyUI_Repackaged/resolve/main/split_files/vae/wan_2.1_vae.safetensors",
            (
                "Comfy-Org/Wan_2.2_ComfyUI_Repackaged",
                "main",
                "split_files/vae/wan_2.1_vae.safetensors",
            ),
        ),
        (
            "https://hf.co/org/repo/resolve/abc123/x.safetensors?download=true",
            ("org/repo", "abc123", "x.safetensors"),
        ),
        ("https://huggingface.co/org/repo/blob/v1/a/b.gguf", ("org/repo", "v1", "a/b.gguf")),
        (
            "https://huggingface.co/org/repo/resolve/refs%2Fpr%2F3/x.pt",
            ("org/repo", "refs/pr/3", "x.pt"),
        ),
    ],
)
def test_hub_urls_name_a_repository_file(url: str, expected: tuple[str, str, str]) -> None:
    found = parse_hf_url(url)
    assert found is not None
    assert (found.repo_id, found.revision, found.path) == expected


@pytest.mark.parametrize(
    "url",
    [
        "https://civitai.com/api/download/models/12345",
        "https://huggingface.co/org/repo",
        "https://huggingface.co/org/repo/tree/main/x",
        "https://huggingface.co/org/repo/resolve/main/../../x.safetensors",
        "ftp://huggingface.co/org/repo/resolve/main/x",
        "not a url",
    ],
)
def test_other_urls_are_not_hub_files(url: str) -> None:
    assert parse_hf_url(url) is None


def test_the_configured_endpoint_is_a_hub_too() -> None:
    url = "http://127.0.0.1:8123/acme/lora/resolve/main/loras/x.safetensors"
    assert parse_hf_url(url) is None
    found = parse_hf_url(url, ["127.0.0.1:8123"])
    assert found is not None and found.repo_id == "acme/lora"
    assert (
        parse_hf_url("https://huggingface.co/datasets/o/d/resolve/main/f.bin").repo_type
        == "dataset"
    )  # type: ignore[union-attr]


def test_candidates_from_urls() -> None:
    hub = candidate_from_url(
        "https://huggingface.co/o/r/resolve/main/x.safetensors", "workflow", "high",
        sha256="A" * 64,
    )  # fmt: skip
    assert hub is not None
    assert (hub.kind, hub.repo_id, hub.file, hub.sha256) == (
        "hub",
        "o/r",
        "x.safetensors",
        "a" * 64,
    )
    plain = candidate_from_url("https://example.org/m/x.safetensors", "index", "high", sha256="no")
    assert plain is not None and (plain.kind, plain.sha256) == ("url", None)
    assert candidate_from_url("file:///etc/passwd", "workflow", "high") is None
    assert candidate_from_url("javascript:alert(1)", "workflow", "high") is None


def test_search_words_of_a_file_name() -> None:
    assert family_of("wan2.2_t2v_high_noise_14B_fp8_scaled.safetensors") == "wan"
    assert family_of("Flux/flux1-dev.safetensors") == "flux"
    assert family_of("4x-UltraSharp.pth") is None
    queries = search_queries("wan2.2_t2v_high_noise_14B_fp8_scaled.safetensors")
    assert queries[0] == "wan2.2_t2v_high_noise_14B_fp8_scaled"
    assert "wan" in queries and len(queries) <= 3
    assert search_queries("x.pt") == []


def _listing(repo_id: str, downloads: int, *paths: str, sha: str | None = None) -> RepoListing:
    return RepoListing(repo_id, downloads, tuple((p, 100, sha) for p in paths))


def test_official_repackaged_repositories_win_over_downloads() -> None:
    name = "umt5_xxl_fp8_e4m3fn_scaled.safetensors"
    ranked = rank_search(
        name,
        [
            _listing("someone/umt5-copy", 90_000, name),
            _listing(
                "Comfy-Org/Wan_2.1_ComfyUI_repackaged", 50, f"split_files/text_encoders/{name}"
            ),
            _listing("other/repo", 10, "umt5_xxl_fp16.safetensors"),
        ],
    )
    assert [c.repo_id for c in ranked] == [
        "Comfy-Org/Wan_2.1_ComfyUI_repackaged",
        "someone/umt5-copy",
    ]
    assert ranked[0].confidence == "medium"
    assert ranked[0].file == f"split_files/text_encoders/{name}"


def test_the_family_organisation_and_repackaged_names_come_before_others() -> None:
    name = "flux1-dev.safetensors"
    ranked = rank_search(
        name,
        [
            _listing("random/flux-mirror", 1000, name),
            _listing("black-forest-labs/FLUX.1-dev", 10, name),
        ],
    )
    assert ranked[0].repo_id == "black-forest-labs/FLUX.1-dev"
    ranked = rank_search(
        "x_model.safetensors",
        [
            _listing("a/plain", 5, "x_model.safetensors"),
            _listing("b/x_repackaged", 1, "x_model.safetensors"),
        ],
    )
    assert ranked[0].repo_id == "b/x_repackaged"


def test_only_exact_file_names_count() -> None:
    assert (
        rank_search("a.safetensors", [_listing("o/r", 1, "a.safetensors.bak", "xa.safetensors")])
        == []
    )
    one = rank_search("a.safetensors", [_listing("o/r", 1, "deep/er/a.safetensors")])
    assert len(one) == 1 and one[0].confidence == "medium"


def test_close_candidates_are_low_and_all_listed() -> None:
    ranked = rank_search(
        "lora.safetensors",
        [_listing("a/one", 100, "lora.safetensors"), _listing("b/two", 90, "lora.safetensors")],
    )
    assert [c.confidence for c in ranked] == ["low", "low"]
    assert ranked[0].repo_id == "a/one"
    far = rank_search(
        "lora.safetensors",
        [_listing("a/one", 1000, "lora.safetensors"), _listing("b/two", 90, "lora.safetensors")],
    )
    assert far[0].confidence == "medium"
    same = rank_search(
        "lora.safetensors",
        [
            _listing("a/one", 100, "lora.safetensors", sha="1" * 64),
            _listing("b/two", 90, "lora.safetensors", sha="1" * 64),
        ],
    )
    assert same[0].confidence == "medium"


def test_every_declared_model_of_the_workflow_templates_can_be_placed_and_resolved(
    tmp_path,
) -> None:  # type: ignore[no-untyped-def]
    """The official templates (package comfyui-workflow-templates-json): each declared model
    with a URL gets a candidate and a destination inside its folder."""
    from pathlib import Path

    from hfsuite.core.errors import WorkflowError
    from hfsuite.integrations.comfyui.reader import read_refs
    from hfsuite.integrations.comfyui.search_paths import place

    package = pytest.importorskip("comfyui_workflow_templates_json")
    folder = Path(package.__file__).parent / "templates"
    checked = hub = 0
    for path in sorted(folder.glob("*.json")):
        try:
            refs = read_refs(path).refs
        except WorkflowError:
            continue
        for ref in refs:
            if not ref.url or ref.refused or not ref.folder:
                continue
            candidate = candidate_from_url(ref.url, "workflow", "high")
            assert candidate is not None, (path.name, ref.url)
            hub += candidate.kind == "hub"
            where = place(tmp_path / ref.folder, ref.value)
            assert where.path is not None, (path.name, ref.value, where.refused)
            checked += 1
    assert checked > 500 and hub > 0.9 * checked
