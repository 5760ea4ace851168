"""Settings, profiles, favorites and tools across machines: a sync file to export and import
(:mod:`~hfsuite.app.sync.transfer`), and rounds through a shared folder
(:mod:`~hfsuite.app.sync.folder`). The document format: :mod:`~hfsuite.app.sync.document`;
what is never synced and why: docs/sync.md."""

from hfsuite.app.sync.document import FORMAT, LOCAL_SETTINGS, SECTIONS, VERSION, SyncDocument
from hfsuite.app.sync.folder import RoundReport, sync_round
from hfsuite.app.sync.local import Change
from hfsuite.app.sync.transfer import (
    ImportPlan,
    apply_import,
    build_document,
    export_file,
    plan_import,
    read_document,
)

__all__ = [
    "FORMAT",
    "LOCAL_SETTINGS",
    "SECTIONS",
    "VERSION",
    "Change",
    "ImportPlan",
    "RoundReport",
    "SyncDocument",
    "apply_import",
    "build_document",
    "export_file",
    "plan_import",
    "read_document",
    "sync_round",
]
