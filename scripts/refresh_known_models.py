"""Build the known-models index `hfsuite comfyui missing` looks names up in.

Two public lists give file names and where to download them:

* ComfyUI-Manager's ``model-list.json`` (PyPI package ``comfyui-manager``, GPL-3.0). It is not
  shipped with hfsuite and not a dependency: this script fetches the wheel with
  ``pip download --no-deps comfyui-manager`` (or reads ``--manager PATH``: a wheel or the JSON
  file) and keeps only facts (file name, folder key, URL, SHA-256 when given) in the user's
  index.
* The ComfyUI workflow templates (package ``comfyui-workflow-templates-json``, MIT): the
  ``models`` each template declares, read with hfsuite's workflow reader.

Usage::

    python scripts/refresh_known_models.py                 # both, into the user's data dir
    python scripts/refresh_known_models.py --manager ~/Downloads/comfyui_manager-X.whl
    python scripts/refresh_known_models.py --no-manager --out index.json
    python scripts/refresh_known_models.py --ship  # the shipped, templates-only index

The user's index is ``<data dir>/known_models.json`` (``~/.local/share/hfsuite`` on Linux); the
runtime reads it before the shipped one.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from hfsuite.integrations.comfyui.known_models import (  # noqa: E402
    SHIPPED_INDEX,
    KnownModel,
    dump_index,
    from_manager_list,
    from_refs,
)
from hfsuite.integrations.comfyui.reader import read_refs  # noqa: E402

TEMPLATES_PACKAGE = "comfyui-workflow-templates-json"
MANAGER_PACKAGE = "comfyui-manager"


def _manager_json(path: Path | None) -> tuple[object, str]:
    """ComfyUI-Manager's model list: from ``path`` (wheel or JSON) or a fresh wheel."""
    if path is not None and path.suffix == ".json":
        return json.loads(path.read_text(encoding="utf-8")), path.name
    with tempfile.TemporaryDirectory() as tmp:
        wheel = path
        if wheel is None:
            subprocess.run(
                [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
                 "--dest", tmp, MANAGER_PACKAGE],
                check=True,
            )  # fmt: skip
            wheel = next(Path(tmp).glob("*.whl"))
        with zipfile.ZipFile(wheel) as archive:
            names = [n for n in archive.namelist() if n.endswith("model-list.json")]
            if not names:
                raise SystemExit(f"{wheel.name} holds no model-list.json")
            names.sort(key=len)
            return json.loads(archive.read(names[0])), wheel.name


def _template_models() -> tuple[list[KnownModel], str]:
    from importlib.metadata import PackageNotFoundError, version

    try:
        import comfyui_workflow_templates_json as package
    except ImportError:
        print(f"{TEMPLATES_PACKAGE} is not installed; its templates are skipped.", file=sys.stderr)
        return [], ""
    try:
        found = version(TEMPLATES_PACKAGE)
    except PackageNotFoundError:
        found = "?"
    folder = Path(package.__file__).parent / "templates"
    models: list[KnownModel] = []
    for path in sorted(folder.glob("*.json")):
        if path.name.startswith("index"):
            continue
        try:
            models += from_refs(read_refs(path).refs)
        except Exception as exc:  # a template the reader refuses: skip it, say so
            print(f"skipped {path.name}: {exc}", file=sys.stderr)
    return models, f"{TEMPLATES_PACKAGE} {found}"


def _user_index() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("hfsuite")) / "known_models.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--manager", type=Path, help="comfyui-manager wheel or model-list.json")
    parser.add_argument("--no-manager", action="store_true", help="leave ComfyUI-Manager out")
    parser.add_argument("--no-templates", action="store_true", help="leave the templates out")
    parser.add_argument("--out", type=Path, help="where to write (default: the user's index)")
    parser.add_argument(
        "--ship", action="store_true", help="write the shipped, templates-only (MIT) index"
    )
    args = parser.parse_args(argv)
    models: list[KnownModel] = []
    sources: list[str] = []
    licenses: list[str] = []
    if not args.no_templates:
        found, name = _template_models()
        if found:
            models += found
            sources.append(f"{name} (declared models of the workflow templates)")
            licenses.append(f"{TEMPLATES_PACKAGE}: MIT")
    if args.ship:
        out = args.out or ROOT / "src" / "hfsuite" / "integrations" / "comfyui" / "data"
        out = out / SHIPPED_INDEX if out.is_dir() or out.suffix != ".json" else out
    else:
        out = args.out or _user_index()
        if not args.no_manager:
            data, name = _manager_json(args.manager)
            models += from_manager_list(data)
            sources.append(f"{name} (ComfyUI-Manager model-list.json: names and URLs only)")
            licenses.append(f"{MANAGER_PACKAGE}: GPL-3.0 (facts only, not redistributed)")
    if not models:
        print("No models found; nothing written.", file=sys.stderr)
        return 1
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(dump_index(models, "; ".join(sources), "; ".join(licenses)), encoding="utf-8")
    print(f"{len(models)} entries -> {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
