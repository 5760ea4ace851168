"""pytest fixtures for the Hub emulator (registered through the ``pytest11`` entry point)."""
