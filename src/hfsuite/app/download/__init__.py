"""One download, from a name to files on disk: sources, destinations, the operation, updates."""
