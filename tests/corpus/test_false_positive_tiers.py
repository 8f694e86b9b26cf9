"""The real-code bench's classification files: the low tier's own rows stay in their own file.

`bench/false_positives.py --min-confidence low --update` must write only what the default
tier's file does not classify, and keep the low file's judgements (issue #17).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from false_positives import Found, read_expected, write_expected

DEFAULT = Found("rails+rails", "config/database.yml", 12, "generic.url_credentials", "ca…")
LOW = Found("rails+rails", "test/mailgun_test.rb", 21, "generic.secret_assignment", "7VwW…Xi")
NEW = Found("rails+rails", "lib/token.rb", 3, "generic.secret_assignment", "cf50…ae")


def test_the_low_file_gets_only_rows_the_default_file_lacks_and_keeps_judgements(
    tmp_path: Path,
) -> None:
    low_file = tmp_path / "low.tsv"
    low_file.write_text(
        "# what the low tier adds\n"
        "tree\tpath\tline\trule\tpreview\tcredential\tnote\n"
        f"{LOW.tree}\t{LOW.path}\t{LOW.line}\t{LOW.rule}\t{LOW.preview}\tno\twebhook nonce\n"
    )
    known = read_expected(low_file) | {DEFAULT.key: {"credential": "yes", "note": ""}}

    write_expected(low_file, [DEFAULT, LOW, NEW], known, elsewhere=frozenset({DEFAULT.key}))

    rows = read_expected(low_file)
    assert set(rows) == {LOW.key, NEW.key}
    assert (rows[LOW.key]["credential"], rows[LOW.key]["note"]) == ("no", "webhook nonce")
    assert rows[NEW.key]["credential"] == "?"
    assert low_file.read_text().startswith("# what the low tier adds\n")
