"""The ``hfsuite`` command's entry point (``hfsuite``, ``python -m hfsuite``, the bundle).

It pauses Python's cyclic garbage collector before the first import of the command line, and
the suite's opening resumes it (:mod:`hfsuite.cli.gc_pause` says why: about 10 % of a short
command's time).
"""

from __future__ import annotations

from hfsuite.cli.gc_pause import pause_collector


def entry() -> None:
    """Console-script entry point."""
    pause_collector()
    from hfsuite.cli.main import entry as run

    run()
