"""Reading an install's version from its files: git metadata, version files, ``package.json``,
``pyproject.toml``, a virtual environment's ``*.dist-info``. No program is run.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

from hfsuite.integrations.tools.host import Notes, is_dir, is_file, read_text

_ASSIGNED_VERSION = re.compile(
    r"""^\s*(?:__version__|version)\s*=\s*['"]([^'"\n]{1,64})['"]""", re.M
)
_SHA = re.compile(r"^[0-9a-f]{40}$")


def python_version_file(path: Path, notes: Notes) -> str | None:
    """``__version__ = "1.2.3"`` or ``version = '1.2.3'`` in a Python file."""
    text = read_text(path, notes, what="version file")
    match = _ASSIGNED_VERSION.search(text or "")
    return match.group(1).strip() if match else None


def pyproject_version(path: Path, notes: Notes) -> str | None:
    """``[project] version`` of a ``pyproject.toml``."""
    text = read_text(path, notes, what="pyproject.toml")
    if text is None:
        return None
    try:
        project = tomllib.loads(text).get("project")
    except tomllib.TOMLDecodeError:
        notes.add(f"{path} is not valid TOML; its version is not read.")
        return None
    version = project.get("version") if isinstance(project, dict) else None
    return version if isinstance(version, str) and version else None


def package_json_version(path: Path, notes: Notes) -> str | None:
    """``version`` of a ``package.json``."""
    text = read_text(path, notes, what="package.json")
    if text is None:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        notes.add(f"{path} is not valid JSON; its version is not read.")
        return None
    version = data.get("version") if isinstance(data, dict) else None
    return version if isinstance(version, str) and version else None


def dist_info_version(venv: Path, package: str) -> str | None:
    """The version of ``package`` installed in a virtual environment (its ``.dist-info``)."""
    prefix = package.lower().replace("-", "_") + "-"
    for site in (*venv.glob("lib/python3*/site-packages"), venv / "Lib" / "site-packages"):
        try:
            for entry in site.iterdir():
                name = entry.name.lower()
                if name.startswith(prefix) and name.endswith(".dist-info"):
                    return entry.name[len(prefix) : -len(".dist-info")]
        except OSError:
            continue
    return None


def git_version(root: Path, notes: Notes) -> str | None:
    """What ``git describe --tags`` would say when HEAD is on a tag (``v1.10.1``), else
    ``<branch>@<short commit>`` (or the short commit alone when detached).

    Read from ``.git`` itself (HEAD, loose refs, ``packed-refs``); a worktree's or
    submodule's ``.git`` file is followed. Counting the commits since the last tag would need
    the object store, so that form is not produced.
    """
    git = _git_dir(root, notes)
    if git is None:
        return None
    head = (read_text(git / "HEAD", notes, what="git HEAD") or "").strip()
    branch: str | None = None
    if head.startswith("ref:"):
        ref = head[4:].strip()
        branch = ref.rsplit("/", 1)[-1] if ref.startswith("refs/heads/") else ref
        commit = _resolve_ref(git, ref, notes)
    else:
        commit = head if _SHA.match(head) else None
    if commit is None:
        return branch
    tags = _tags_at(git, commit, notes)
    if tags:
        return sorted(tags, key=_tag_order)[-1]
    return f"{branch}@{commit[:7]}" if branch else commit[:7]


def _git_dir(root: Path, notes: Notes) -> Path | None:
    dot_git = root / ".git"
    if is_dir(dot_git):
        return dot_git
    if is_file(dot_git):
        text = read_text(dot_git, notes, what="git link") or ""
        if text.startswith("gitdir:"):
            target = Path(text[7:].strip())
            target = target if target.is_absolute() else root / target
            return target if is_dir(target) else None
    return None


def _common_dir(git: Path, notes: Notes) -> Path:
    text = read_text(git / "commondir", notes, what="git commondir")
    if text and text.strip():
        common = Path(text.strip())
        return common if common.is_absolute() else git / common
    return git


def _packed_refs(git: Path, notes: Notes) -> list[tuple[str, str, str | None]]:
    """``(ref, commit, peeled commit)`` of every packed ref."""
    text = read_text(_common_dir(git, notes) / "packed-refs", notes, what="git packed-refs")
    refs: list[tuple[str, str, str | None]] = []
    for line in (text or "").splitlines():
        if line.startswith("^") and refs:
            ref, commit, _ = refs[-1]
            refs[-1] = (ref, commit, line[1:].strip())
        elif line and not line.startswith("#"):
            parts = line.split(" ", 1)
            if len(parts) == 2 and _SHA.match(parts[0]):
                refs.append((parts[1].strip(), parts[0], None))
    return refs


def _resolve_ref(git: Path, ref: str, notes: Notes) -> str | None:
    for base in (git, _common_dir(git, notes)):
        text = read_text(base / ref, notes, what="git ref")
        if text and _SHA.match(text.strip()):
            return text.strip()
    for name, commit, _ in _packed_refs(git, notes):
        if name == ref:
            return commit
    return None


def _tags_at(git: Path, commit: str, notes: Notes) -> list[str]:
    tags = [
        name[len("refs/tags/") :]
        for name, sha, peeled in _packed_refs(git, notes)
        if name.startswith("refs/tags/") and commit in (sha, peeled)
    ]
    tag_dir = _common_dir(git, notes) / "refs" / "tags"
    try:
        loose = [p for p in tag_dir.rglob("*") if p.is_file()]
    except OSError:
        loose = []
    for path in loose:
        if (read_text(path, Notes(), what="git tag") or "").strip() == commit:
            tags.append(path.relative_to(tag_dir).as_posix())
    return tags


def _tag_order(tag: str) -> tuple[tuple[int, ...], str]:
    return tuple(int(n) for n in re.findall(r"\d+", tag)[:4]), tag
