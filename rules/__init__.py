"""Detection rules as data (`*.yaml` beside this file), their schema, loader and checksum checks."""
