"""The registry of sources: one factory per source kind, each building its source from the
settings and the request (token, endpoint, expected hash), and nothing for an unknown kind."""

from __future__ import annotations

from pathlib import Path

import pytest
from manager_unit_helpers import make_suite

from hfsuite.app.download.sources import SOURCE_FACTORIES, SourceSpec, make_source
from hfsuite.core.errors import UsageError
from hfsuite.core.source import Source
from hfsuite.core.types import RepoRef, SourceKind
from hfsuite.sources.direct import DirectUrlSource
from hfsuite.sources.huggingface import HuggingFaceSource
from hfsuite.sources.modelscope import ModelScopeSource

EXPECTED = {
    SourceKind.HUGGINGFACE: HuggingFaceSource,
    SourceKind.MODELSCOPE: ModelScopeSource,
    SourceKind.URL: DirectUrlSource,
}


def test_the_registry_covers_every_source_kind() -> None:
    assert set(SOURCE_FACTORIES) == set(SourceKind)


@pytest.mark.parametrize("kind", list(SourceKind))
def test_each_factory_builds_a_source_of_its_kind(tmp_path: Path, kind: SourceKind) -> None:
    suite = make_suite(tmp_path)
    ref = RepoRef("https://files.test/x.bin" if kind is SourceKind.URL else "acme/x", source=kind)
    source = make_source(suite, SourceSpec(ref, token="hf_explicitTOKEN0001"))
    assert isinstance(source, Source) and isinstance(source, EXPECTED[kind])
    assert source.kind is kind


def test_hub_source_gets_the_explicit_token_and_endpoint(tmp_path: Path) -> None:
    suite = make_suite(tmp_path)
    spec = SourceSpec(RepoRef("acme/x"), token="hf_explicitTOKEN0001", endpoint="http://m.test")
    source = make_source(suite, spec)
    assert isinstance(source, HuggingFaceSource)
    assert (source.token, source.endpoint) == ("hf_explicitTOKEN0001", "http://m.test")
    assert "hf_explicitTOKEN0001" not in suite.redactor("token hf_explicitTOKEN0001 used")


def test_modelscope_token_comes_from_the_environment_and_is_masked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MODELSCOPE_API_TOKEN", "ms-secret-value")
    suite = make_suite(tmp_path, MODELSCOPE_ENDPOINT="http://ms.test")
    source = make_source(suite, SourceSpec(RepoRef("qwen/x", source=SourceKind.MODELSCOPE)))
    assert isinstance(source, ModelScopeSource)
    assert (source.token, source.endpoint) == ("ms-secret-value", "http://ms.test")
    assert "ms-secret-value" not in suite.redactor("sent ms-secret-value")
    explicit = SourceSpec(RepoRef("qwen/x", source=SourceKind.MODELSCOPE), token="ms-explicit")
    assert make_source(suite, explicit).auth.headers_for("http://ms.test/api") == {
        "Authorization": "Bearer ms-explicit",
        "Cookie": "m_session_id=ms-explicit",
    }


def test_a_url_source_holds_the_expected_hash(tmp_path: Path) -> None:
    suite = make_suite(tmp_path)
    ref = RepoRef("https://files.test/x.bin", source=SourceKind.URL)
    source = make_source(suite, SourceSpec(ref, expected_sha256="ab" * 32))
    assert isinstance(source, DirectUrlSource) and source.sha256 == "ab" * 32


def test_a_kind_without_a_factory_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delitem(SOURCE_FACTORIES, SourceKind.URL)
    ref = RepoRef("https://files.test/x.bin", source=SourceKind.URL)
    with pytest.raises(UsageError, match="No source is available for url downloads"):
        make_source(make_suite(tmp_path), SourceSpec(ref))
