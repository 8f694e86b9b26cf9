"""The peers'-examples summary: under each set, recall on the credentials alone (placeholders
and public ids left out for every tool alike) and how many of those each tool reports."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from peer_examples import Example
from recall_peer_examples import print_summary

FILES = {
    "a": Example("gitleaks", "heroku", "heroku-api-key", 'HEROKU_TOKEN="67354a01-0e86-6be1"'),
    "b": Example("gitleaks", "heroku", "heroku-api-key", 'K = "12345678-ABCD-ABCD-ABCD-12"'),
    "c": Example("gitleaks", "asana", "asana-client-id", 'asana_api_token = "9783833722"'),
    "d": Example("gitleaks", "jfrog", "jfrog-identity-token", 'JFROG_TOKEN="v"'),
}


def test_the_credentials_row_leaves_out_placeholders_and_public_ids_for_every_tool(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # leakward finds a credential and reports a placeholder; the peer finds everything.
    print_summary(FILES, {"leakward": {"a", "b"}, "gitleaks": {"a", "b", "c", "d"}})
    rows = {
        line[:14].strip(): line[14:].split()
        for line in capsys.readouterr().out.splitlines()
        if line[:14].strip() in ("gitleaks", "credentials", "fakes found")
    }
    assert rows["gitleaks"] == ["4", "50.0%", "100.0%"]
    assert rows["credentials"] == ["2", "50.0%", "100.0%"]  # a and d
    assert rows["fakes found"] == ["2", "1", "2"]  # b (placeholder), c (public)
