"""Credential files and unmistakable names, found at the default confidence; the false positives
issue #17 names on real code, not. One real `leakward scan` of a small tree of invented files."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

# 64-character lines of invented base64 key material
BODY = (
    "MIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEAr8Kq2Wz5Lm9Tx4Vb",
    "3Nc7Pf1Hs6Jd0Qg8Ye2Ua5Mo7Ri4Xw9Bk3Cn1Pz6Ez2Lq8Vt5Sm0Dr7Fh4Gj9Kx",
    "4Wq6Np1Yb8Tc3Mu9Ha7Jv2Ko5Ls0Ie4Rd8Gf1Ow6Qz3Xy9Bn7Cm2Ap5Ds0Et4Fu",
)
# file -> (text, [(line, rule id)]): each value invented in the format's documented shape.
FILES: dict[str, tuple[str, list[tuple[int, str]]]] = {
    ".netrc": ("machine ftp.corp.test login ops password birch-lake-72\n", [(1, "netrc.password")]),
    ".git-credentials": (
        "https://ci@corp.test:Tm4!zq8#Lw@git.corp.test\n",
        [(1, "generic.url_credentials")],
    ),
    "filezilla/sitemanager.xml": (
        '<Server>\n  <User>ops</User>\n  <Pass encoding="base64">bWFwbGUtcml2ZXItOTE=</Pass>\n'
        "</Server>\n",
        [(3, "filezilla.password")],
    ),
    "wp-config.php": (
        "<?php\ndefine( 'DB_PASSWORD', 'copper-fox-31' );\n"
        "define('LOGGED_IN_SALT',"
        " 'a9$Kq;2w!Vz7^Lm(0Pr]8Xt~Hs4&Nb|6Dc{1Fg+3Jy%5Qe<7Wu>9Ri=Ok.Zl@Mn#B');\n",
        [(2, "generic.password_call"), (3, "wordpress.auth_key")],
    ),
    "config/deploy.yml": (
        "smtp:\n  user: mailer\n  password: Dune!Falcon8\nsync:\n"
        "  BUILDKITE_API_TOKEN: 7c2e9a41f0b3d58e6a1c4f9b2d7e0a35\n",
        [(3, "generic.password_unquoted"), (5, "buildkite.named")],
    ),
    "logs/ci.log": (
        "> GET /v1/items\n> Authorization: Bearer Qx7vL2mK9pT4wZ8rN3cB6yH1sD5fJ0gA\n",
        [(2, "generic.authorization_bearer")],
    ),
    "shadow": (
        # sha512-crypt: salt, then 86 characters of hash
        "root:$6$Zq81Lm2W$" + "Kx7vP2mQ9tR4wZ8nB3cL6yH1sD5fJ0gAe" * 2 + "Ux9Tb7Mq3Nw8Rp6LkQw2"
        ":19000:0:::\n",
        [(1, "password_hash.crypt")],
    ),
    "app/keys.py": (
        'KEY = (\n    "-----BEGIN PRIVATE KEY-----\\n"\n'
        + "".join(f'    "{line}\\n"\n' for line in BODY)
        + '    "-----END PRIVATE KEY-----\\n"\n)\n',
        [(2, "private_key.split_literals")],
    ),
    # held to its path: the same 32 hex digits anywhere else are a digest, not a key
    "config/master.key": ("0cc175b9c0f1b6a831c399e269772661\n", [(1, "rails.master_key")]),
    "notes/digest.txt": ("0cc175b9c0f1b6a831c399e269772661\n", []),
}

# Named as false positives in issue #17, or placeholders under a password name.
QUIET = (
    "post.author_id = 'Xq7pL2mW9rT4vB8nK3s'\n"
    'csrf_token = "Kq8mZ2xW7pL4rT9vB3nJ6sYd"\n'
    'token: "7VwW7k6Ak7zcTwoSoNm7aTtbk1g67MKA"\n'  # a webhook nonce in a test fixture
    'DB_PASSWORD = "${DB_PASSWORD}"\n'
    'password: "<password>"\n'
    "password = changeme\n"
    'admin_password = "xxxxxxxx"\n'
    '<input type="hidden" name="authenticity_token" value="Lz6ILqUEs2CGdDa-oz38TqcqQORavGnb">\n'
)


@pytest.fixture(scope="module")
def findings(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, object]]:
    root = tmp_path_factory.mktemp("credential-files")
    for name, (text, _) in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    (root / "quiet.py").write_text(QUIET)
    done = subprocess.run(
        [sys.executable, "-m", "leakward", "scan", str(root), "--format", "json"],
        capture_output=True,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    return list(json.loads(done.stdout)["findings"])


@pytest.mark.parametrize("name", FILES)
def test_each_format_is_found_where_it_says(name: str, findings: list[dict[str, object]]) -> None:
    found = sorted((f["line"], f["rule_id"]) for f in findings if f["file"] == name)
    assert found == FILES[name][1]


def test_named_false_positives_and_placeholders_stay_quiet(
    findings: list[dict[str, object]],
) -> None:
    assert [(f["line"], f["rule_id"]) for f in findings if f["file"] == "quiet.py"] == []


def test_reports_never_carry_the_values(findings: list[dict[str, object]]) -> None:
    text = json.dumps(findings)
    assert "birch-lake-72" not in text
    assert "Dune!Falcon8" not in text


def test_a_rule_needs_keywords_or_paths() -> None:
    from leakward.core.errors import RuleError
    from leakward.rules.loader import parse_rule_file

    rule = b"provider: x\nrules:\n  - {id: x.y, name: n, pattern: '(?P<secret>a)', %s}\n"
    (held,) = parse_rule_file(rule % b"paths: ['(^|/)a$']", "x.yaml")
    assert (held.keywords, held.paths) == ((), ("(^|/)a$",))
    with pytest.raises(RuleError, match="keyword"):
        parse_rule_file(rule % b"tags: []", "x.yaml")
    with pytest.raises(RuleError, match="paths entry"):
        parse_rule_file(rule % b"paths: ['(']", "x.yaml")
