"""Network settings applied to every request: the engine's and huggingface_hub's.

The engine builds its own :class:`~hfsuite.engine.http.HttpOptions` from the settings. Metadata
calls go through huggingface_hub (``HfApi``), whose shared HTTP client is configured here with
the same proxy, ``NO_PROXY`` list and TLS verification, through its public
``set_client_factory`` hook.
"""

from __future__ import annotations

import importlib
import logging
from typing import Any

from hfsuite.config import Settings
from hfsuite.engine.http import HttpOptions

log = logging.getLogger(__name__)


def http_options(settings: Settings) -> HttpOptions:
    """The engine's connection options for these settings."""
    return HttpOptions(
        verify_tls=settings.verify_tls, proxy=settings.proxy, no_proxy=settings.no_proxy
    )


def configure_hub_client(settings: Settings) -> bool:
    """Make huggingface_hub use the settings' proxy and TLS choice; returns True if changed."""
    try:
        from huggingface_hub.utils import _http as hf_http
        from huggingface_hub.utils import set_client_factory
    except ImportError:  # pragma: no cover - very old huggingface_hub
        return False
    if settings.proxy is None and settings.verify_tls:
        set_client_factory(hf_http.default_client_factory)
        return False
    httpx: Any = _httpx_module()
    if httpx is None:
        log.warning("cannot apply proxy/TLS settings to huggingface_hub (no httpx found)")
        return False
    mounts: dict[str, Any] = {}
    if settings.proxy:
        mounts["all://"] = httpx.HTTPTransport(proxy=settings.proxy, verify=settings.verify_tls)
        for host in filter(None, (h.strip() for h in settings.no_proxy.split(","))):
            mounts[f"all://{host}"] = None
    hooks = {"request": [hook]} if (hook := getattr(hf_http, "hf_request_event_hook", None)) else {}

    def factory() -> Any:
        return httpx.Client(
            event_hooks=hooks,
            follow_redirects=True,
            timeout=None,
            verify=settings.verify_tls,
            mounts=mounts or None,
            trust_env=settings.proxy is None,
        )

    set_client_factory(factory)
    return True


def _httpx_module() -> object | None:
    # huggingface_hub 2.x ships on httpx2, 1.x on httpx.
    for name in ("httpx2", "httpx"):
        try:
            return importlib.import_module(name)
        except ImportError:
            continue
    return None
