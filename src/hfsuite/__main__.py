"""``python -m hfsuite`` runs the command line."""

from hfsuite.cli.launch import entry

entry()
