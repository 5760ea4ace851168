"""Network settings applied to every request: the engine's and huggingface_hub's.

The one place where the settings become connection options. The engine's
:class:`~hfsuite.engine.http.HttpClient` (downloads, and the metadata of ModelScope and plain
URLs) gets :func:`http_options`; huggingface_hub (``HfApi``: repo info, whoami, auth-check, the
catalog's search and info pages) gets a shared client built here, through its public
``set_client_factory`` hook, with the same proxy, ``NO_PROXY`` list, TLS verification and
timeouts.

Nothing waits forever: huggingface_hub passes ``timeout=None`` ("wait for ever") on most of
its calls, so the client fills every missing limit from ``connect_timeout_s`` and
``read_timeout_s``; idempotent requests that time out, lose their connection or get a 429/5xx
answer are tried again (:func:`~hfsuite.engine.timeouts.retry_idempotent`, the loop the engine's
metadata requests use); a server that stays silent through every try ends in a
:class:`~hfsuite.core.errors.NetworkError` naming the host and the timeout
(:func:`~hfsuite.engine.timeouts.no_answer_error`).
"""

from __future__ import annotations

import importlib
import logging
import ssl
from typing import Any

from hfsuite.config import Settings
from hfsuite.core.errors import NetworkError
from hfsuite.core.i18n import tr
from hfsuite.engine.http import HttpOptions
from hfsuite.engine.retry import RetryPolicy
from hfsuite.engine.timeouts import (
    IDEMPOTENT_METHODS,
    busy_answer,
    no_answer_error,
    retry_idempotent,
)

log = logging.getLogger(__name__)


def http_options(settings: Settings) -> HttpOptions:
    """The engine's connection options for these settings."""
    return HttpOptions(
        connect_timeout_s=settings.connect_timeout_s,
        read_timeout_s=settings.read_timeout_s,
        verify_tls=settings.verify_tls,
        proxy=settings.proxy,
        no_proxy=settings.no_proxy,
    )


def configure_hub_client(settings: Settings) -> bool:
    """Make huggingface_hub use the settings' proxy, TLS choice and timeouts.

    Returns:
        True if huggingface_hub's client factory was replaced (False: no httpx found).
    """
    try:
        from huggingface_hub.utils import _http as hf_http
        from huggingface_hub.utils import set_client_factory
    except ImportError:  # pragma: no cover - very old huggingface_hub
        return False
    httpx: Any = _httpx_module()
    if httpx is None:
        log.warning("cannot apply network settings to huggingface_hub (no httpx found)")
        return False
    options = http_options(settings)
    mounts: dict[str, Any] = {}
    if settings.proxy:
        mounts["all://"] = httpx.HTTPTransport(proxy=settings.proxy, verify=settings.verify_tls)
        for host in filter(None, (h.strip() for h in settings.no_proxy.split(","))):
            mounts[f"all://{host}"] = None
    hooks = {"request": [hook]} if (hook := getattr(hf_http, "hf_request_event_hook", None)) else {}
    client_class = _bounded_client_class(httpx)

    def factory() -> Any:
        return client_class(
            options.metadata_retry,
            event_hooks=hooks,
            follow_redirects=True,
            timeout=hub_timeouts(httpx, options),
            verify=settings.verify_tls,
            mounts=mounts or None,
            trust_env=settings.proxy is None,
        )

    set_client_factory(factory)
    return True


def hub_timeouts(httpx: Any, options: HttpOptions) -> Any:
    """httpx's ``Timeout`` for these options (waiting for a pooled connection counts as
    connecting, sending as reading)."""
    return httpx.Timeout(
        connect=options.connect_timeout_s,
        read=options.read_timeout_s,
        write=options.read_timeout_s,
        pool=options.connect_timeout_s,
    )


def _bounded_client_class(httpx: Any) -> type:
    """An ``httpx.Client`` whose requests never wait without limit and retry when idempotent."""
    kinds = (
        (httpx.ConnectTimeout, "connect"),
        (httpx.ReadTimeout, "read"),
        (httpx.WriteTimeout, "write"),
        (httpx.PoolTimeout, "pool"),
    )

    def timeout_error(request: Any, exc: Exception) -> NetworkError:
        kind = next((k for cls, k in kinds if isinstance(exc, cls)), "read")
        seconds = request.extensions["timeout"].get(kind)
        return no_answer_error(
            str(request.url), seconds, kind, tr("requesting {path}", path=request.url.path)
        )

    def transient(exc: Exception) -> bool:
        """Worth another try: a timeout, a refused or lost connection (not a TLS failure)."""
        if isinstance(exc.__cause__, httpx.TimeoutException):
            return True
        if not isinstance(exc, httpx.NetworkError | httpx.RemoteProtocolError):
            return False
        cause: BaseException | None = exc
        while cause is not None:
            if isinstance(cause, ssl.SSLError):
                return False
            cause = cause.__cause__ or cause.__context__
        return True

    class BoundedClient(httpx.Client):
        """huggingface_hub's shared client: bounded waits, retried idempotent requests."""

        def __init__(self, retry: RetryPolicy, **kwargs: Any):
            super().__init__(**kwargs)
            self._retry = retry

        def send(self, request: Any, **kwargs: Any) -> Any:
            # huggingface_hub asks for timeout=None ("no limit") on most calls: a limit it did
            # set (e.g. HF_HUB_ETAG_TIMEOUT) is kept, a missing one comes from the settings.
            asked = request.extensions.get("timeout") or {}
            ours = self.timeout.as_dict()
            request.extensions["timeout"] = {
                kind: limit if asked.get(kind) is None else asked[kind]
                for kind, limit in ours.items()
            }
            # A caller that chose its own limits wants a quick answer, not our retries
            # (huggingface_hub's best-effort telemetry asks for 3 s).
            own_limits = asked != ours and any(v is not None for v in asked.values())

            def once() -> Any:
                try:
                    return super(BoundedClient, self).send(request, **kwargs)
                except httpx.TimeoutException as exc:
                    raise timeout_error(request, exc) from exc

            if request.method not in IDEMPOTENT_METHODS or own_limits:
                return once()
            return retry_idempotent(
                once,
                str(request.url),
                policy=self._retry,
                transient=transient,
                busy=lambda response: busy_answer(
                    response.status_code, str(response.url), response.headers.get("retry-after")
                ),
                discard=lambda response: response.close(),
            )

    return BoundedClient


def _httpx_module() -> object | None:
    # huggingface_hub 2.x ships on httpx2, 1.x on httpx.
    for name in ("httpx2", "httpx"):
        try:
            return importlib.import_module(name)
        except ImportError:
            continue
    return None
