"""``python -m hfsuite`` runs the command line."""

from hfsuite.cli.main import entry

entry()
