"""The storage package loads a repository and its records only when a command uses them.

Start-up is most of what a short command costs (each dataclass takes about a millisecond to
create), so `library ls` must not pay for the queue's, history's or caches' modules.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

import hfsuite.storage
import hfsuite.storage.repositories
from import_probe import modules_after


def test_a_library_query_loads_only_the_library_repositories(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    loaded = modules_after(
        "from hfsuite.storage import open_database, LibraryQuery\n"
        f"db = open_database('sqlite:///{db.as_posix()}')\n"
        "with db.read() as uow:\n"
        "    uow.library_files.find(LibraryQuery())\n"
        "db.close()"
    )
    assert "hfsuite.storage.repositories.library_files" in loaded
    for unused in ("tasks", "task_files", "history", "api_cache", "model_versions", "stats"):
        assert f"hfsuite.storage.repositories.{unused}" not in loaded
    assert not {"hfsuite.storage.records", "hfsuite.storage.feature_records"} & loaded


@pytest.mark.parametrize("package", [hfsuite.storage, hfsuite.storage.repositories])
def test_every_exported_name_resolves_and_a_typo_is_an_attribute_error(
    package: ModuleType,
) -> None:
    for name in package.__all__:
        assert getattr(package, name) is not None, name
    with pytest.raises(AttributeError, match="no attribute 'TaskRepositroy'"):
        package.TaskRepositroy  # noqa: B018
