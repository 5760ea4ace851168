"""The Hub emulator and repo builders (public API: use them in your own test suites).

A real HTTP server on loopback that behaves like the Hugging Face Hub (and ModelScope's
``/api/v1``), with a CDN origin for LFS files, fault and throttling knobs, and a request log::

    from hfsuite.testing import HubEmulator, synthetic

    with HubEmulator() as hub:
        repo = hub.create_repo("acme/tiny", files={"config.json": b"{}"})
        ...  # point a client at hub.url

Command line: ``python -m hfsuite.testing.hub serve --root DIR``. pytest fixtures ``hub`` and
``hub_factory`` come from :mod:`hfsuite.testing.pytest_plugin`.
"""

from hfsuite.testing._content import (
    Blob,
    BytesBlob,
    Content,
    FileBlob,
    HashStore,
    SyntheticBlob,
    as_blob,
    git_blob_sha1,
    synthetic,
)
from hfsuite.testing._faults import FaultRule, FaultSettings, TokenBucket
from hfsuite.testing._log import RequestLog, RequestRecord
from hfsuite.testing._repo_config import RepoConfigError
from hfsuite.testing._state import DEFAULT_LFS_THRESHOLD, Gating, TokenRecord, TokenRole
from hfsuite.testing.emulator import EmulatedRepo, HubEmulator

__all__ = [
    "DEFAULT_LFS_THRESHOLD",
    "Blob",
    "BytesBlob",
    "Content",
    "EmulatedRepo",
    "FaultRule",
    "FaultSettings",
    "FileBlob",
    "Gating",
    "HashStore",
    "HubEmulator",
    "RepoConfigError",
    "RequestLog",
    "RequestRecord",
    "SyntheticBlob",
    "TokenBucket",
    "TokenRecord",
    "TokenRole",
    "as_blob",
    "git_blob_sha1",
    "synthetic",
]
