"""The registry of issued keys: keyed fingerprints, owners, consumers, leaks. Never plaintext."""
