"""The ``hfsuite`` command's entry point (``hfsuite``, ``python -m hfsuite``, the bundle).

It pauses Python's cyclic garbage collector before the first import of the command line, and
the suite's opening resumes it (:mod:`hfsuite.cli.gc_pause` says why: about 10 % of a short
command's time; ``hfsuite download`` pauses it once more while it imports the queue's database).
"""

from __future__ import annotations

from hfsuite.cli import gc_pause


def entry() -> None:
    """Console-script entry point."""
    gc_pause.launch()
    from hfsuite.cli.main import entry as run

    run()
