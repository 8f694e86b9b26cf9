"""Loose provider shapes: a provider's prefix whose body breaks the documented shape, or a
provider-named value in no named-key shape, is reported only by `--min-confidence low`, as that
provider's; the default tier is untouched (issue #17).

Real `leakward scan` processes on real files, one scan per tier over all the cases.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from leakward.rules.loader import load_rules

# Generated for these tests (tests/rules/make_examples.py pypi): a well-formed PyPI macaroon.
PYPI_VALID = (
    "pypi-AgEIcHlwaS5vcmcCIDFkZjc4NTU3OGEyOTZhOWJhY2Y4OTZiMTc5ODU5OTliAAIleyJ2ZXJzaW9uIjogMSwg"
    "InBlcm1pc3Npb25zIjogInVzZXIifQAABiA2CWQJ47Yh6S4uE1rrU5B9lNn0taWa21MiD1wTpBqGGA"
)
# The same prefix over 64 hex characters: no macaroon, the exact rule's validator rejects it.
PYPI_BROKEN = (
    "pypi-AgEIcHlwaS5vcmc" + "3f9a0c41d7e2b86a5c0d19fe47b3a2c8e61d09b57fa4c3e28d1b6a07c95e4f1d"
)
# SendGrid's documented shape is SG. + 22 + . + 43; this one has = inside and no split.
SENDGRID_BROKEN = "SG.q7Hd2kP9xLm4Tz8Rb1Nc6Wv3Yf5Ga0Ej=uKs8Mp2Qx7Lr4Dt9Hw1Zb6Vn3Cf5Jg0Ye"
SENDGRID_VALID = "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"
# PlanetScale's documented body is 43 base64url characters; 37 is a made-up or cut one.
PSCALE_BROKEN = "pscale_pw_k3Vd8Qm1Zx6Tb9Wn2Hr5Yc7Lf4Pj0Ga8Es3Ku"
# 1Password's prefix over base64 that decodes to no JSON object: a loose rule that is not
# `generic` (its exact rule has a structure validator) takes it at the low tier.
OP_BROKEN = "ops_eyJtm5vvuzNIz8GTMwPipUF4/K7vVNhDVtRkeJsYNbdJVqCfE2wqg42VemYBDEQyPpPweEqvHbe0U="

CASES = {
    "pypi_valid.cfg": f"password = {PYPI_VALID}\n",
    "pypi_broken.cfg": f"deploy --credential {PYPI_BROKEN}\n",
    "sendgrid_broken.sh": f"deploy --credential {SENDGRID_BROKEN}\n",
    "sendgrid_valid.sh": f"deploy --credential {SENDGRID_VALID}\n",
    # Under the provider's name: attribution by name reports it at medium in the default tier.
    "pscale_named.env": f"PLANETSCALE_TOKEN={PSCALE_BROKEN}\n",
    "pscale_bare.sh": f"deploy --credential {PSCALE_BROKEN}\n",
    # Under a secret's name the medium tier reports it; the low tier must not trade that for a
    # low finding of the loose rule over the same value.
    "op_named.env": f"OP_SERVICE_ACCOUNT_TOKEN={OP_BROKEN}\n",
    # A provider's name over a value no named-key rule of the medium tier takes (an `=` inside,
    # digits only): the low tier attributes it by name (`generic.named_value_loose`).
    "kraken_named.env": "KRAKEN_TOKEN=h7Qk2=pZ9vL4m=Xr8Tn3Wb6Yc1Fd5Gs0Jh\n",
    "discord_digits.env": "DISCORD_TOKEN=58203917465820391746582039174658\n",
    # Placeholders keep their prefix and are still no finding at any tier.
    "placeholders.txt": (
        "deploy --credential SG." + "x" * 66 + "\n"
        "hook https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX\n"
        "deploy --credential pscale_pw_<your-password-here-from-the-planetscale-ui>\n"
    ),
}


def scan(root: Path, *args: str) -> dict[str, list[tuple[str, str]]]:
    """file -> [(rule id, confidence)] for every finding."""
    done = subprocess.run(
        [sys.executable, "-m", "leakward", "scan", str(root), "--format", "json", *args],
        capture_output=True,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    found: dict[str, list[tuple[str, str]]] = {name: [] for name in CASES}
    for finding in json.loads(done.stdout)["findings"]:
        found[Path(finding["file"]).name].append((finding["rule_id"], finding["confidence"]))
    return found


def test_loose_shapes_are_the_low_tier_only_and_never_shadow_a_surer_finding(
    tmp_path: Path,
) -> None:
    for name, text in CASES.items():
        (tmp_path / name).write_text(text)

    default = scan(tmp_path)
    low = scan(tmp_path, "--min-confidence", "low")

    assert default["pypi_valid.cfg"] == low["pypi_valid.cfg"] == [("pypi.api_token", "high")]
    assert (
        default["sendgrid_valid.sh"] == low["sendgrid_valid.sh"] == [("sendgrid.api_key", "high")]
    )
    assert default["pypi_broken.cfg"] == default["sendgrid_broken.sh"] == []
    assert default["pscale_bare.sh"] == []
    assert low["pypi_broken.cfg"] == [("pypi.api_token.loose", "low")]
    assert low["sendgrid_broken.sh"] == [("sendgrid.api_key.loose", "low")]
    assert low["pscale_bare.sh"] == [("planetscale.token.loose", "low")]
    # The finding attributed by name stays what the default tier reports, not a weaker one.
    assert default["pscale_named.env"] == [("planetscale.named", "medium")]
    assert low["pscale_named.env"] == default["pscale_named.env"]
    assert [confidence for _, confidence in default["op_named.env"]] == ["medium"]
    assert low["op_named.env"] == default["op_named.env"]
    assert default["kraken_named.env"] == default["discord_digits.env"] == []
    assert low["kraken_named.env"] == [("kraken.named", "low")]
    assert low["discord_digits.env"] == [("discord.named", "low")]
    assert default["placeholders.txt"] == low["placeholders.txt"] == []


def test_a_loose_finding_says_why_it_is_the_low_tier(tmp_path: Path) -> None:
    (tmp_path / "deploy.sh").write_text(CASES["sendgrid_broken.sh"])
    args = ["scan", str(tmp_path), "--format", "json", "--min-confidence", "low"]
    done = subprocess.run([sys.executable, "-m", "leakward", *args], capture_output=True)

    [finding] = json.loads(done.stdout)["findings"]
    assert finding["rule_id"] == "sendgrid.api_key.loose"
    assert "not its documented shape" in finding["reason"]


def test_every_loose_rule_is_low_tier_and_names_its_provider() -> None:
    loose = [rule for rule in load_rules().rules if "loose" in rule.tags]
    assert len(loose) >= 20
    for rule in loose:
        assert rule.confidence == "low", rule.id
        assert rule.id.endswith(".loose"), rule.id
        assert rule.provider not in ("", "generic"), rule.id
