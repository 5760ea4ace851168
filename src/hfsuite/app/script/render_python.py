"""A :class:`~hfsuite.app.script.plan.ScriptPlan` as a Python script (standard library only).

The script runs on Python 3.8 or newer with nothing installed: urllib for the transfer (the
token, read from ``HF_TOKEN`` when it runs, is an unredirected header, so a redirect to a CDN
never carries it), hashlib for the checks. Every value from the plan is written with
:func:`~hfsuite.app.script.quoting.python_literal` (ASCII, escapes for the rest).
"""

from __future__ import annotations

from hfsuite import __version__
from hfsuite.app.script.plan import ScriptPlan
from hfsuite.app.script.quoting import python_literal as lit

__all__ = ["render_python"]

_BODY = r'''
import hashlib
import os
import shutil
import sys
import time
import urllib.error
import urllib.request

CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by huggingface_hub.\n"
    "# For information about cache directory tags, see:\n"
    "#\thttps://bford.info/cachedir/\n"
)
ATTEMPTS = 5
CHUNK = 1 << 20


class Failed(Exception):
    """A file could not be downloaded or failed its check (the message says which)."""


def note(text):
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def local(path):
    """A repository path (checked when the script was generated) under DEST."""
    return os.path.join(DEST, *path.split("/"))


def digest_of(file_path, kind, size):
    if kind == "sha256":
        h = hashlib.sha256()
    elif kind == "git-sha1":
        h = hashlib.sha1(b"blob %d\0" % size)
    else:
        return ""
    with open(file_path, "rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            h.update(block)
    return h.hexdigest()


def matches(file_path, size, kind, digest):
    if not os.path.isfile(file_path) or os.path.getsize(file_path) != size:
        return False
    return kind == "size" or digest_of(file_path, kind, size) == digest


def fetch(url, part, size, token):
    """Download url into part, resuming what part already holds; retried."""
    os.makedirs(os.path.dirname(part), exist_ok=True)
    open(part, "ab").close()  # an empty file is complete as it is
    last = None
    for attempt in range(1, ATTEMPTS + 1):
        have = os.path.getsize(part) if os.path.exists(part) else 0
        if have > size:
            os.remove(part)
            have = 0
        if have == size:
            return
        request = urllib.request.Request(url, headers={"User-Agent": "hfsuite-script/1"})
        if token:
            # Unredirected: only the endpoint sees it, never the CDN a redirect leads to.
            request.add_unredirected_header("Authorization", "Bearer " + token)
        if have:
            request.add_header("Range", "bytes=%d-" % have)
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                mode = "ab" if have and answer.getcode() == 206 else "wb"
                with open(part, mode) as out:
                    shutil.copyfileobj(answer, out, CHUNK)
            if os.path.getsize(part) == size:
                return
            last = "got %d of %d bytes" % (os.path.getsize(part), size)
        except urllib.error.HTTPError as error:
            if error.code == 416:
                os.remove(part)
                last = "HTTP 416"
            elif error.code in (401, 403):
                raise Failed(
                    "HTTP %d for %s: set HF_TOKEN to a token with access to %s"
                    % (error.code, url, REPO_ID)
                )
            elif error.code == 404:
                raise Failed("HTTP 404 for %s: the file or the commit is gone" % url)
            elif error.code < 500 and error.code != 429:
                raise Failed("HTTP %d for %s" % (error.code, url))
            else:
                last = "HTTP %d" % error.code
        except (urllib.error.URLError, OSError, ValueError) as error:
            last = str(getattr(error, "reason", error))
        if attempt < ATTEMPTS:
            note("    retrying (%s)" % last)
            time.sleep(min(2 ** attempt, 30))
    raise Failed("%s could not be downloaded: %s" % (url, last))


def check(path, part, size, kind, digest):
    have = os.path.getsize(part)
    if have != size:
        os.remove(part)
        raise Failed(
            "%s failed the size check: expected %d bytes, got %d (removed; run again)"
            % (path, size, have)
        )
    got = digest_of(part, kind, size)
    if got != digest:
        os.remove(part)
        what = "SHA-256" if kind == "sha256" else "git blob SHA-1"
        raise Failed(
            "%s failed the %s check: expected %s, got %s (removed; run again)"
            % (path, what, digest, got)
        )


def write_text(file_path, text):
    os.makedirs(os.path.dirname(file_path), exist_ok=True)
    with open(file_path, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)


def get_local_dir(files, endpoint, token):
    meta = os.path.join(DEST, ".cache", "huggingface")
    os.makedirs(os.path.join(meta, "download"), exist_ok=True)
    if not os.path.exists(os.path.join(meta, ".gitignore")):
        write_text(os.path.join(meta, ".gitignore"), "*")
    if not os.path.exists(os.path.join(meta, "CACHEDIR.TAG")):
        write_text(os.path.join(meta, "CACHEDIR.TAG"), CACHEDIR_TAG)
    for path, size, kind, digest, etag, url_path in files:
        final = local(path)
        side = os.path.join(meta, "download", *path.split("/"))
        metadata = side + ".metadata"
        try:
            with open(metadata, encoding="utf-8") as fh:
                recorded = fh.read().splitlines()
        except OSError:
            recorded = []
        current = len(recorded) > 1 and recorded[1].strip() == etag
        if current and os.path.isfile(final) and os.path.getsize(final) == size:
            note("  ok        " + path)
            continue
        if matches(final, size, kind, digest):
            note("  ok        " + path)
        else:
            note("  download  %s (%d bytes)" % (path, size))
            part = "%s.%s.incomplete" % (side, etag)
            fetch(endpoint + "/" + url_path, part, size, token)
            check(path, part, size, kind, digest)
            os.makedirs(os.path.dirname(final), exist_ok=True)
            os.replace(part, final)
        write_text(metadata, "%s\n%s\n%s\n" % (COMMIT, etag, time.time()))
    return DEST


def get_hf_cache(files, endpoint, token):
    repo_dir = os.path.join(DEST, REPO_FOLDER)
    blobs = os.path.join(repo_dir, "blobs")
    snapshot = os.path.join(repo_dir, "snapshots", COMMIT)
    os.makedirs(blobs, exist_ok=True)
    os.makedirs(snapshot, exist_ok=True)
    for path, size, kind, digest, etag, url_path in files:
        blob = os.path.join(blobs, etag)
        if os.path.isfile(blob) and os.path.getsize(blob) == size:
            note("  ok        " + path)
        else:
            note("  download  %s (%d bytes)" % (path, size))
            part = blob + ".incomplete"
            fetch(endpoint + "/" + url_path, part, size, token)
            check(path, part, size, kind, digest)
            os.replace(part, blob)
        pointer = os.path.join(snapshot, *path.split("/"))
        os.makedirs(os.path.dirname(pointer), exist_ok=True)
        if os.path.lexists(pointer):
            os.remove(pointer)
        try:
            os.symlink(os.path.relpath(blob, os.path.dirname(pointer)), pointer)
        except OSError:  # no symlinks here (Windows without Developer Mode): a copy
            shutil.copyfile(blob, pointer)
    if REF_NAME:
        write_text(os.path.join(repo_dir, "refs", *REF_NAME.split("/")), COMMIT)
    if not os.path.exists(os.path.join(DEST, "CACHEDIR.TAG")):
        write_text(os.path.join(DEST, "CACHEDIR.TAG"), CACHEDIR_TAG)
    return snapshot


def main():
    endpoint = (os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")
    token = os.environ.get("HF_TOKEN") or None
    note("%s@%s -> %s" % (REPO_ID, COMMIT, DEST))
    get = get_hf_cache if LAYOUT == "hf-cache" else get_local_dir
    try:
        where = get(FILES, endpoint, token)
    except Failed as error:
        note("error: %s" % error)
        return 1
    except KeyboardInterrupt:
        note("interrupted: run the script again to resume")
        return 130
    print(where)
    return 0


if __name__ == "__main__":
    sys.exit(main())
'''


def render_python(plan: ScriptPlan) -> str:
    """The Python script downloading ``plan``."""
    layout = "hf-cache" if plan.is_hf_cache else "local-dir"
    lines = [
        "#!/usr/bin/env python3",
        f"# Generated by hfsuite {__version__} (hfsuite script --shell python).",
        f"# Downloads {plan.display_name} ({len(plan.files)} file(s), {plan.total_bytes} bytes)",
        f"# into a {'HF cache' if plan.is_hf_cache else 'local folder'}, checks every file's "
        "size and hash, and can be run again to resume.",
        "# Needs: Python 3.8+, nothing else. Token: HF_TOKEN (read when it runs).",
        "# Endpoint: HF_ENDPOINT, else DEFAULT_ENDPOINT below.",
        "",
        f"DEFAULT_ENDPOINT = {lit(plan.endpoint)}",
        f"REPO_ID = {lit(plan.repo_id)}",
        f"COMMIT = {lit(plan.commit)}",
        f"LAYOUT = {lit(layout)}",
        f"DEST = {lit(str(plan.destination.path))}",
        f"REPO_FOLDER = {lit(plan.repo_folder)}",
        f"REF_NAME = {lit(plan.ref_name)}",
        "# (path, size, hash kind, expected digest, etag, URL path after the endpoint)",
        "FILES = [",
    ]
    for f in plan.files:
        row = (f.path, f.size, f.hash_kind, f.digest, f.etag, f.url_path)
        lines.append("    (" + ", ".join(lit(v) for v in row) + "),")
    lines.append("]")
    return "\n".join(lines) + "\n" + _BODY
