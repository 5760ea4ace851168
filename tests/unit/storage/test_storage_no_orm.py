"""The storage layer runs on SQLAlchemy Core alone: the ORM is never imported.

Importing ``sqlalchemy.orm`` and building declarative classes cost about 0.15 s at the start
of every database command; the tables are plain ``sa.Table`` objects and units of work run on
a ``Connection``. A fresh interpreter is used because the test process itself may have
imported the ORM through other tests or plugins.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

_SCRIPT = textwrap.dedent(
    """
    import sys

    import sqlalchemy as sa

    import hfsuite.app.library
    import hfsuite.cli.main
    import hfsuite.storage.database
    from hfsuite.cli.main import exit_code
    from hfsuite.storage import open_database
    from hfsuite.storage.schema import TASKS

    # A real command: opening (creating and migrating) the database and listing the library.
    code = exit_code(["library", "ls"])
    assert code == 0, code

    db = open_database(sys.argv[1])
    try:
        with db.write() as uow:
            uow.session.execute(sa.delete(TASKS))
        with db.read() as uow:
            assert not any(uow.tasks.count_by_state().values())
    finally:
        db.close()

    loaded = sorted(m for m in sys.modules if m.split(".")[:2] == ["sqlalchemy", "orm"])
    assert not loaded, loaded
    print("no-orm-ok")
    """
)


def test_database_commands_never_import_the_orm(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'check.db'}"
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT, url],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no-orm-ok" in done.stdout
