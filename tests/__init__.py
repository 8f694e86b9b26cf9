"""leakward test suite; a package so test modules never shadow the real top-level packages."""
