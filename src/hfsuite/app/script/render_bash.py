"""A :class:`~hfsuite.app.script.plan.ScriptPlan` as a bash script (curl, sha256sum/shasum).

The script runs with bash 3.2 or newer (macOS's too) and needs curl, plus ``sha256sum`` or
``shasum`` (and ``sha1sum`` or ``shasum`` for git blob ids). Every value from the plan is
quoted with :func:`~hfsuite.app.script.quoting.bash_quote`; the token is read from
``HF_TOKEN`` when the script runs and handed to curl on its standard input (``-K -``), so it
shows neither in the script nor in the process list.
"""

from __future__ import annotations

from hfsuite import __version__
from hfsuite.app.script.plan import ScriptPlan
from hfsuite.app.script.quoting import bash_quote as q

__all__ = ["render_bash"]

_COMMON = r"""
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
note() { printf '%s\n' "$*" >&2; }

command -v curl >/dev/null 2>&1 || die "curl is needed (https://curl.se)."
if command -v sha256sum >/dev/null 2>&1; then
  sha256_of() { sha256sum < "$1" | cut -d' ' -f1; }
elif command -v shasum >/dev/null 2>&1; then
  sha256_of() { shasum -a 256 < "$1" | cut -d' ' -f1; }
else
  die "sha256sum or shasum is needed to check the files."
fi
if command -v sha1sum >/dev/null 2>&1; then
  sha1_stdin() { sha1sum | cut -d' ' -f1; }
elif command -v shasum >/dev/null 2>&1; then
  sha1_stdin() { shasum -a 1 | cut -d' ' -f1; }
else
  sha1_stdin() { die "sha1sum or shasum is needed to check the files."; }
fi

if [ -t 2 ]; then PROGRESS=--progress-bar; else PROGRESS=--silent; fi

size_of() { wc -c < "$1" | tr -d ' '; }

# digest_of FILE KIND SIZE: the digest KIND names (sha256, or the git blob id of a regular file).
digest_of() {
  case "$2" in
    sha256) sha256_of "$1" ;;
    git-sha1) { printf 'blob %s\0' "$3"; cat -- "$1"; } | sha1_stdin ;;
    *) printf '' ;;
  esac
}

# fetch URL PART SIZE: download URL into PART, resuming what PART already holds.
fetch() {
  local url="$1" part="$2" size="$3" attempt=1 have code
  mkdir -p -- "$(dirname -- "$part")"
  [ -f "$part" ] || : > "$part"
  while :; do
    have=0
    if [ -f "$part" ]; then have=$(size_of "$part"); fi
    if [ "$have" -gt "$size" ]; then rm -f -- "$part"; have=0; fi
    if [ "$have" -eq "$size" ]; then return 0; fi
    code=0
    if [ -n "${HF_TOKEN:-}" ]; then
      printf 'header = "Authorization: Bearer %s"\n' "$HF_TOKEN" |
        curl -K - --location --fail "$PROGRESS" --show-error --retry 5 --retry-delay 2 \
          --connect-timeout 30 --proto '=http,https' -C - -o "$part" "$url" || code=$?
    else
      curl --location --fail "$PROGRESS" --show-error --retry 5 --retry-delay 2 \
        --connect-timeout 30 --proto '=http,https' -C - -o "$part" "$url" || code=$?
    fi
    if [ "$code" -eq 0 ] && [ "$(size_of "$part")" -eq "$size" ]; then return 0; fi
    if [ "$code" -eq 22 ]; then
      return 22  # an HTTP error after curl's own retries: a retry here would not help
    fi
    if [ "$code" -eq 33 ] || [ "$code" -eq 36 ]; then rm -f -- "$part"; fi  # cannot resume
    if [ "$attempt" -ge 3 ]; then return "${code:-1}"; fi
    attempt=$((attempt + 1))
    note "retrying $url (curl exit $code)"
    sleep 2
  done
}

# check PATH FILE KIND DIGEST SIZE: fail (removing FILE) unless FILE has that size and digest.
check() {
  local path="$1" file="$2" kind="$3" want="$4" size="$5" got have what
  have=$(size_of "$file")
  if [ "$have" -ne "$size" ]; then
    rm -f -- "$file"
    die "$path failed the size check: expected $size bytes, got $have (removed; run again)."
  fi
  if [ "$kind" = size ]; then return 0; fi
  got=$(digest_of "$file" "$kind" "$size")
  if [ "$got" != "$want" ]; then
    rm -f -- "$file"
    if [ "$kind" = sha256 ]; then what=SHA-256; else what="git blob SHA-1"; fi
    die "$path failed the $what check: expected $want, got $got (removed; run again)."
  fi
}

# matches FILE KIND DIGEST SIZE: whether FILE is already there with that content.
matches() {
  [ -f "$1" ] || return 1
  [ "$(size_of "$1")" -eq "$4" ] || return 1
  [ "$2" = size ] || [ "$(digest_of "$1" "$2" "$4")" = "$3" ]
}

download_failed() {
  local path="$1" code="$2"
  if [ "$code" -eq 22 ]; then
    die "$path could not be downloaded (see curl's message above; for a gated or private" \
      "repository, set HF_TOKEN to a token with access)."
  fi
  die "$path could not be downloaded (curl exit $code)."
}
"""

_LOCAL_DIR = r"""
META="$DEST/.cache/huggingface"
mkdir -p -- "$META/download"
[ -f "$META/.gitignore" ] || printf '*' > "$META/.gitignore"
[ -f "$META/CACHEDIR.TAG" ] || printf '%s\n' "$CACHEDIR_TAG" > "$META/CACHEDIR.TAG"

# get_file PATH SIZE KIND DIGEST ETAG URL_PATH [LINK]: one file into DEST/PATH, with the metadata
# huggingface_hub keeps for it (.cache/huggingface/download/PATH.metadata).
get_file() {
  local path="$1" size="$2" kind="$3" want="$4" etag="$5" url_path="$6"
  local final="$DEST/$path" meta="$META/download/$path.metadata"
  local part="$META/download/$path.$etag.incomplete" code=0 stamp
  if [ -f "$meta" ] && [ -f "$final" ] && [ "$(sed -n 2p "$meta")" = "$etag" ] \
    && [ "$(size_of "$final")" -eq "$size" ]; then
    note "  ok        $path"
    return 0
  fi
  if ! matches "$final" "$kind" "$want" "$size"; then
    note "  download  $path ($size bytes)"
    fetch "$ENDPOINT/$url_path" "$part" "$size" || download_failed "$path" "$?"
    check "$path" "$part" "$kind" "$want" "$size"
    mkdir -p -- "$(dirname -- "$final")"
    mv -f -- "$part" "$final"
  else
    note "  ok        $path"
  fi
  mkdir -p -- "$(dirname -- "$meta")"
  stamp=$(date +%s)
  printf '%s\n%s\n%s\n' "$COMMIT" "$etag" "$stamp" > "$meta"
}
"""

_HF_CACHE = r"""
REPO_DIR="$DEST/$REPO_FOLDER"
mkdir -p -- "$REPO_DIR/blobs" "$REPO_DIR/snapshots/$COMMIT"

# get_file PATH SIZE KIND DIGEST ETAG URL_PATH LINK: one file as blobs/ETAG, linked from
# snapshots/COMMIT/PATH (a copy where symlinks cannot be made), as huggingface_hub lays it out.
get_file() {
  local path="$1" size="$2" kind="$3" want="$4" etag="$5" url_path="$6" link="$7"
  local blob="$REPO_DIR/blobs/$etag" pointer="$REPO_DIR/snapshots/$COMMIT/$path"
  if [ -f "$blob" ] && [ "$(size_of "$blob")" -eq "$size" ]; then
    note "  ok        $path"
  else
    note "  download  $path ($size bytes)"
    fetch "$ENDPOINT/$url_path" "$blob.incomplete" "$size" || download_failed "$path" "$?"
    check "$path" "$blob.incomplete" "$kind" "$want" "$size"
    mv -f -- "$blob.incomplete" "$blob"
  fi
  mkdir -p -- "$(dirname -- "$pointer")"
  rm -f -- "$pointer"
  ln -s -- "$link" "$pointer" 2>/dev/null || cp -- "$blob" "$pointer"
}
"""

_CACHE_FINISH = r"""
if [ -n "$REF_NAME" ]; then
  mkdir -p -- "$(dirname -- "$REPO_DIR/refs/$REF_NAME")"
  printf '%s' "$COMMIT" > "$REPO_DIR/refs/$REF_NAME"
fi
[ -f "$DEST/CACHEDIR.TAG" ] || printf '%s\n' "$CACHEDIR_TAG" > "$DEST/CACHEDIR.TAG"
printf '%s\n' "$REPO_DIR/snapshots/$COMMIT"
"""

_CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by huggingface_hub.\n"
    "# For information about cache directory tags, see:\n"
    "#\thttps://bford.info/cachedir/"
)


def render_bash(plan: ScriptPlan) -> str:
    """The bash script downloading ``plan``."""
    layout = "HF cache" if plan.is_hf_cache else "local folder"
    lines = [
        "#!/usr/bin/env bash",
        f"# Generated by hfsuite {__version__} (hfsuite script --shell bash).",
        f"# Downloads {plan.display_name} ({len(plan.files)} file(s), {plan.total_bytes} bytes)",
        f"# into a {layout}, checks every file's size and hash, and can be run again to resume.",
        "# Needs: bash, curl, sha256sum or shasum. Token: HF_TOKEN (read when it runs).",
        "# Endpoint: HF_ENDPOINT, else the one below.",
        "set -euo pipefail",
        "",
        f"DEFAULT_ENDPOINT={q(plan.endpoint)}",
        'ENDPOINT="${HF_ENDPOINT:-$DEFAULT_ENDPOINT}"',
        'ENDPOINT="${ENDPOINT%/}"',
        f"REPO_ID={q(plan.repo_id)}",
        f"COMMIT={q(plan.commit)}",
        f"DEST={q(str(plan.destination.path))}",
        f"CACHEDIR_TAG={q(_CACHEDIR_TAG)}",
    ]
    if plan.is_hf_cache:
        lines += [f"REPO_FOLDER={q(plan.repo_folder)}", f"REF_NAME={q(plan.ref_name or '')}"]
    lines.append(_COMMON.rstrip())
    lines.append((_HF_CACHE if plan.is_hf_cache else _LOCAL_DIR).rstrip())
    lines += ["", 'note "$REPO_ID@$COMMIT -> $DEST"']
    for f in plan.files:
        args = [f.path, str(f.size), f.hash_kind, f.digest, f.etag, f.url_path]
        if plan.is_hf_cache:
            args.append(f.blob_link())
        lines.append("get_file " + " ".join(q(a) for a in args))
    if plan.is_hf_cache:
        lines.append(_CACHE_FINISH.rstrip())
    else:
        lines.append("printf '%s\\n' \"$DEST\"")
    return "\n".join(lines) + "\n"
