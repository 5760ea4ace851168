"""Which class serves each kind of source: the registry every download and update check uses.

A source class implements :class:`hfsuite.core.source.Source` (in ``hfsuite.sources``); the
factory registered here for its :class:`~hfsuite.core.types.SourceKind` builds it from the
settings, the token in effect and the network options. Adding a source is one class and one
line in :data:`SOURCE_FACTORIES`::

    ref = RepoRef("org/name")
    source = make_source(suite, SourceSpec(ref))     # or a DownloadRequest
    snapshot = source.snapshot(ref)

See docs/architecture.md for how sources fit with the engine.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from hfsuite.app.accounts import current_token
from hfsuite.app.network import http_options
from hfsuite.core.errors import UsageError
from hfsuite.core.i18n import tr
from hfsuite.core.source import Source
from hfsuite.core.types import RepoRef, SourceKind
from hfsuite.engine.http import HttpClient
from hfsuite.sources.direct import DirectUrlSource
from hfsuite.sources.huggingface import HuggingFaceSource

if TYPE_CHECKING:
    from hfsuite.app.suite import Suite

__all__ = [
    "SOURCE_FACTORIES",
    "SourceFactory",
    "SourceRequest",
    "SourceSpec",
    "make_source",
]


class SourceRequest(Protocol):
    """What a factory may read of a request (a download request is one)."""

    @property
    def ref(self) -> RepoRef:
        """The repository (or, for ``SourceKind.URL``, the file URL)."""
        ...

    @property
    def token(self) -> str | None:
        """An explicit token (None: the one in effect for that source)."""
        ...

    @property
    def endpoint(self) -> str | None:
        """An explicit endpoint (None: the setting)."""
        ...

    @property
    def expected_sha256(self) -> str | None:
        """For a plain URL: the SHA-256 the file must have."""
        ...


@dataclass(frozen=True)
class SourceSpec:
    """A :class:`SourceRequest` for callers that have no download request (update checks).

    Attributes:
        ref: The repository.
        token: Explicit token.
        endpoint: Explicit endpoint.
        expected_sha256: For a plain URL: the SHA-256 the file must have.
    """

    ref: RepoRef
    token: str | None = None
    endpoint: str | None = None
    expected_sha256: str | None = None


SourceFactory = Callable[["Suite", SourceRequest], Source]
"""Builds the source of a request from the suite's settings (network, tokens, endpoints)."""


def _fetcher(suite: Suite) -> HttpClient:
    suite.prepare_network()
    return HttpClient(http_options(suite.settings))


def _huggingface(suite: Suite, request: SourceRequest) -> Source:
    """Hugging Face token order: ``--token``, ``hfsuite auth login``'s, HF_TOKEN, hf's token
    file; a fine-grained token the Hub refuses on a public repo falls back to anonymous access,
    with a notice.

    A download's metadata (repo info, auth-check, HEAD of files a listing leaves bare) goes
    through the engine's HTTP client with the same network settings; huggingface_hub's client
    is configured only if something else is asked of the Hub (``prepare``).
    """
    found = current_token(suite, request.token)
    return HuggingFaceSource(
        request.endpoint or suite.settings.endpoint,
        found.value if found else None,
        fetcher=HttpClient(http_options(suite.settings)),
        prepare=suite.prepare_network,
    )


def _modelscope(suite: Suite, request: SourceRequest) -> Source:
    """ModelScope's token comes from ``--token``, else ``MODELSCOPE_API_TOKEN``."""
    token = request.token or os.environ.get("MODELSCOPE_API_TOKEN") or None
    suite.redactor.add_secret(token)
    endpoint = request.endpoint or suite.settings.modelscope_endpoint
    from hfsuite.sources.modelscope import ModelScopeSource  # a Hub download never needs it

    return ModelScopeSource(endpoint, _fetcher(suite), token)


def _url(suite: Suite, request: SourceRequest) -> Source:
    """A plain file URL, or a plugin source's reference (``civitai:12345``, docs/plugins.md)."""
    if not request.ref.repo_id.lower().startswith(("http://", "https://")):
        from hfsuite.app.plugins.sources import SourceContext, make_plugin_source

        context = SourceContext(
            request.ref.repo_id,
            token=request.token,
            expected_sha256=request.expected_sha256,
            offline=suite.settings.offline,
            fetcher=_fetcher(suite),
        )
        return make_plugin_source(suite.plugins, context)
    return DirectUrlSource(_fetcher(suite), sha256=request.expected_sha256)


SOURCE_FACTORIES: dict[SourceKind, SourceFactory] = {
    SourceKind.HUGGINGFACE: _huggingface,
    SourceKind.MODELSCOPE: _modelscope,
    SourceKind.URL: _url,
}
"""The factory of each source kind (one line per source)."""


def make_source(suite: Suite, request: SourceRequest) -> Source:
    """The source a request names (its ref's ``source``), with endpoint and token resolved.

    Args:
        suite: Settings, redactor and network preparation.
        request: The repository, and an explicit token, endpoint or expected hash.

    Raises:
        UsageError: no source is registered for that kind.
    """
    kind = request.ref.source
    factory = SOURCE_FACTORIES.get(kind)
    if factory is None:
        raise UsageError(tr("No source is available for {kind} downloads.", kind=kind.value))
    return factory(suite, request)
