"""A download's metadata goes through the engine's client; its access check runs beside the
first ranges and, when refused, stops the transfer with the refusal as the error."""

from __future__ import annotations

import subprocess
import sys

import pytest
from engine_helpers import MIB, pattern_bytes

from hfsuite.app.download.operation import DownloadRequest, download
from hfsuite.core.destination import Destination
from hfsuite.core.errors import AuthenticationError, ServerError
from hfsuite.core.types import RepoRef


@pytest.fixture
def hub(hub_factory):  # type: ignore[no-untyped-def]
    h = hub_factory(lfs_threshold=1 * MIB)
    h.create_repo(
        "acme/m", files={"model.safetensors": pattern_bytes(6 * MIB, seed=2), "a.json": b"{}"}
    )
    return h


def _request(hub, tmp_path, **kw):  # type: ignore[no-untyped-def]
    return DownloadRequest(
        RepoRef("acme/m"), endpoint=hub.url, destination=Destination.folder(tmp_path / "d"), **kw
    )


def test_metadata_requests_are_the_hub_api_ones(suite, hub, tmp_path):  # type: ignore[no-untyped-def]
    outcome = download(suite, _request(hub, tmp_path))
    assert (tmp_path / "d" / "model.safetensors").read_bytes() == pattern_bytes(6 * MIB, seed=2)
    assert outcome.downloaded_bytes == 6 * MIB + 2
    paths = [r.path for r in hub.log.filter(origin="hub") if r.path.startswith("/api/")]
    assert paths == ["/api/models/acme/m/revision/main", "/api/models/acme/m/auth-check"], paths


def test_a_refused_access_check_stops_the_transfer(suite, hub, tmp_path):  # type: ignore[no-untyped-def]
    hub.add_fault("*/auth-check", status=403)
    hub.throttle(per_connection_bps=1 * MIB)  # the transfer is still running when it is refused
    with pytest.raises(AuthenticationError, match="forbidden"):
        download(suite, _request(hub, tmp_path))
    assert not (tmp_path / "d" / "model.safetensors").exists()


def test_a_failing_metadata_call_is_a_typed_error(suite, hub, tmp_path):  # type: ignore[no-untyped-def]
    hub.add_fault("/api/models/*", status=500)
    with pytest.raises(ServerError):
        download(suite, _request(hub, tmp_path))


def test_a_download_does_not_import_hf_api(hub, tmp_path):  # type: ignore[no-untyped-def]
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from hfsuite.app.suite import Suite\n"
        "from hfsuite.config import SettingsStore\n"
        "from hfsuite.app.download.operation import DownloadRequest, download\n"
        "from hfsuite.core.destination import Destination\n"
        "from hfsuite.core.types import RepoRef\n"
        f"store = SettingsStore(Path({str(tmp_path / 'settings.toml')!r}))\n"
        f"env = {{'HFSUITE_DB_URL': 'sqlite:///{tmp_path / 'db.sqlite'}'}}\n"
        "suite = Suite(store.load(env=env), store)\n"
        f"download(suite, DownloadRequest(RepoRef('acme/m'), endpoint={hub.url!r},"
        f" destination=Destination.folder({str(tmp_path / 'x')!r})))\n"
        "print(sorted(m for m in sys.modules if m in ('huggingface_hub.hf_api', 'httpx')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
