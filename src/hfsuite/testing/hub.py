"""Command line: ``python -m hfsuite.testing.hub serve --root DIR [options]``.

Prints the hub's base URL on stdout (one line, flushed) once both origins accept connections,
then serves until SIGINT or SIGTERM. Everything set here can be changed at runtime over HTTP
(``POST /_emulator/faults``); the request log is at ``GET /_emulator/requests``.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from hfsuite.testing._faults import FaultRule
from hfsuite.testing._repo_config import RepoConfigError
from hfsuite.testing._state import DEFAULT_LFS_THRESHOLD
from hfsuite.testing.emulator import HubEmulator

_REPO_CONFIG_HELP = """\
repository settings:
  A repo folder may hold .hfsuite-repo.toml (it is not served, nor is the .hfsuite/
  folder beside it, a good place for the files of extra refs):

    private = true                  # only tokens of the namespace's user/orgs see it
    gated = "manual"                # false (default), true or "auto", "manual"
    granted = ["alice"]             # users who may download the gated repo
    xet = true                      # serve LFS files through Xet (default: --xet)

    [[branches]]
    name = "dev"
    revision = "main"               # where it starts (default: the default branch)
    files = ".hfsuite/dev"          # optional folder committed on top (relative to
    delete = ["old.bin"]            #   the repo folder); optional paths to remove
    message = "Dev changes"

    [[tags]]
    name = "v1.0"
    revision = "main"

    [[pull_requests]]               # refs/pr/1, refs/pr/2, ... in this order
    base = "main"
    files = ".hfsuite/pr1"

    [metadata]                      # search metadata: downloads, likes, tags, ...
    downloads = 42

  --repo-config FILE gives the same keys for several repos, one table each, with
  files folders relative to FILE:

    [repos."acme/model"]            # "datasets/acme/x", "spaces/acme/x" for other types
    gated = true
    [[repos."acme/model".tags]]
    name = "v1.0"

  Branches are made in order, then tags, then pull requests, so a tag may point at a
  branch above it. Private repos need a token of the owner (--token hf_x:acme:read);
  gated repos answer 401 to anonymous calls and 403 to users not in granted.
"""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``serve`` command."""
    parser = argparse.ArgumentParser(prog="python -m hfsuite.testing.hub")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser(
        "serve",
        help="serve a folder of repositories",
        description="Serve a folder of repositories as a Hugging Face Hub (and ModelScope).",
        epilog=_REPO_CONFIG_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    serve.add_argument("--root", required=True, help="folder: <org>/<name>/, datasets/…, spaces/…")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=0, help="hub port (0: any free port)")
    serve.add_argument("--cdn-port", type=int, default=0, help="CDN port (0: any free port)")
    serve.add_argument(
        "--lfs-threshold",
        type=int,
        default=DEFAULT_LFS_THRESHOLD,
        help="files larger than this many bytes are LFS (default 10 MiB)",
    )
    serve.add_argument(
        "--per-connection-bps",
        type=float,
        default=None,
        help="cap each connection's file bytes per second",
    )
    serve.add_argument(
        "--total-bps",
        type=float,
        default=None,
        help="cap all connections together (bytes per second)",
    )
    serve.add_argument("--latency", type=float, default=0.0, help="seconds added to every request")
    serve.add_argument(
        "--cdn-url-ttl", type=float, default=3600.0, help="lifetime of signed CDN URLs in seconds"
    )
    serve.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="JSON",
        help='fault rule as JSON, e.g. \'{"path":"*.bin","status":503,"count":2}\'',
    )
    serve.add_argument(
        "--token",
        action="append",
        default=[],
        metavar="TOKEN[:USER[:ROLE]]",
        help="register an access token (role read|write|fineGrained)",
    )
    serve.add_argument(
        "--request-log",
        default=None,
        metavar="FILE",
        help="append one JSON line per request to FILE",
    )
    serve.add_argument(
        "--hash-cache", default=None, metavar="FILE", help="remember file digests in FILE"
    )
    serve.add_argument(
        "--prehash",
        action="store_true",
        help="compute file digests in the background right after startup",
    )
    serve.add_argument(
        "--repo-config",
        action="append",
        default=[],
        metavar="FILE",
        help="per-repo settings (TOML, or JSON if FILE ends in .json): see below",
    )
    serve.add_argument(
        "--sparse-listing",
        action="store_true",
        help="list files without sizes or hashes (siblings with only rfilename, blobs=true "
        "ignored), like an older mirror: clients must HEAD each file",
    )
    serve.add_argument(
        "--xet",
        action="store_true",
        default=os.environ.get("HFSUITE_HUB_XET", "") not in ("", "0"),
        help="serve LFS files through Xet too (file ids, reconstructions and xorbs on a third "
        "port); files are chunked in the background from startup (also: HFSUITE_HUB_XET=1)",
    )
    serve.add_argument(
        "--strict-401",
        action="store_true",
        help="anonymous 401s without X-Error-Code (byte-exact real Hub behaviour)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        hub = _emulator(args)
    except RepoConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    hub.start()
    if args.prehash:
        hub.prehash()
    if args.xet:
        hub.xet_prepare()
    print(hub.url, flush=True)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        hub.stop()
    return 0


def _emulator(args: argparse.Namespace) -> HubEmulator:
    """The emulator ``serve`` runs, configured from the command line (not started)."""
    hub = HubEmulator(
        args.root,
        lfs_threshold=args.lfs_threshold,
        host=args.host,
        port=args.port,
        cdn_port=args.cdn_port,
        per_connection_bps=args.per_connection_bps,
        total_bps=args.total_bps,
        cdn_url_ttl_s=args.cdn_url_ttl,
        request_log_path=args.request_log,
        anonymous_repo_not_found_code=not args.strict_401,
        hash_cache=args.hash_cache,
        xet=args.xet,
    )
    if args.sparse_listing:
        hub.settings.update({"sparse_listing": True})
    if args.latency:
        hub.add_fault("*", latency_s=args.latency)
    for raw in args.fault:
        hub.settings.add_rule(FaultRule.from_dict(json.loads(raw)))
    for spec in args.token:
        token, _, rest = spec.partition(":")
        user, _, role = rest.partition(":")
        hub.add_token(token, user=user or "user", role=role or "read")
    try:
        for path in args.repo_config:
            hub.load_repo_config(path)
    except RepoConfigError:
        hub.stop()  # closes the request log it may have opened
        raise
    return hub


if __name__ == "__main__":
    sys.exit(main())
