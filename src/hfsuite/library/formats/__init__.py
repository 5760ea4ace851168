"""One reader per model file format, each returning a ``ModelHeader``."""
