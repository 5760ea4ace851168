"""Pure domain: value types, the error tree, events, units and an injectable clock. No I/O."""
