"""What the request handlers use of the emulator, as a narrow protocol.

The handler modules (``_http``, ``_common``, ``_files``, ``_api``, ``_search``, ``_modelscope``,
``_routing``) receive a :class:`HubHost` instead of importing the emulator, so imports point one
way: :mod:`hfsuite.testing.emulator` builds on the handlers, never the reverse.
"""

from __future__ import annotations

from typing import Protocol

from hfsuite.testing._content import Blob
from hfsuite.testing._faults import FaultSettings
from hfsuite.testing._log import RequestLog
from hfsuite.testing._state import HubState


class HubHost(Protocol):
    """The emulator as the handlers see it (:class:`~hfsuite.testing.HubEmulator` is one)."""

    @property
    def state(self) -> HubState:
        """Repositories, commits, refs and tokens."""

    @property
    def settings(self) -> FaultSettings:
        """Fault rules, throttling caps and the CDN URL lifetime."""

    @property
    def log(self) -> RequestLog:
        """Where each finished request is recorded."""

    @property
    def secret(self) -> bytes:
        """The key signing CDN URLs."""

    @property
    def anonymous_repo_not_found_code(self) -> bool:
        """Whether anonymous 401s carry ``X-Error-Code: RepoNotFound``."""

    @property
    def url(self) -> str:
        """Base URL of the hub origin."""

    @property
    def cdn_url(self) -> str:
        """Base URL of the CDN origin."""

    def address_of(self, origin: str) -> str:
        """``host:port`` of an origin (``hub`` or ``cdn``)."""

    def mutated(self, blob: Blob) -> Blob:
        """The changed version of ``blob`` served by the content-change fault."""
