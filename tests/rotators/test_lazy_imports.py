"""Importing a rotator or the stores loads only its own SDK, checked in a fresh interpreter."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

SDKS = ("boto3", "botocore", "hvac", "nacl", "cryptography", "google.auth")


def _loaded_after(code: str) -> set[str]:
    """The modules a fresh interpreter holds after running `code`."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


def _sdks(modules: set[str]) -> set[str]:
    return {sdk for sdk in SDKS if sdk in modules}


def _provider_modules(modules: set[str]) -> set[str]:
    prefix = "leakward.rotators.providers."
    shared = {
        "registry",
        "facts",
        "facts_ai",
        "facts_platform",
        "provider_facts",
        "liveness_facts",
        "liveness_ai",
        "liveness_platform",
        "liveness_rules",
        "key_auth",
        "environment",
        "http",
        "http_rotator",
        "key_hints",
    }
    return {m for m in modules if m.startswith(prefix) and m[len(prefix) :] not in shared}


def test_a_rotator_module_loads_no_other_sdk() -> None:
    loaded = _loaded_after("import leakward.rotators.providers.openai")
    assert _sdks(loaded) == set()
    assert _provider_modules(loaded) == {"leakward.rotators.providers.openai"}


def test_the_aws_rotator_imports_boto3_only_when_it_makes_a_client() -> None:
    assert _sdks(_loaded_after("import leakward.rotators.providers.aws")) == set()


def test_the_stores_package_loads_no_store_sdk() -> None:
    assert _sdks(_loaded_after("import leakward.rotators.stores")) == set()


@pytest.mark.parametrize(
    "code",
    [
        "from leakward.rotators.providers import ROTATORS; sorted(ROTATORS)",
        "from leakward.rotators.providers.registry import PROVIDERS, rotator_class",
        "import leakward.rotators.providers.liveness",
        "import leakward.scanning.verification",
    ],
)
def test_looking_up_the_registry_imports_no_provider(code: str) -> None:
    loaded = _loaded_after(code)
    assert _provider_modules(loaded) <= {"leakward.rotators.providers.liveness"}
    assert _sdks(loaded) == set()


def test_resolving_one_provider_imports_only_that_one() -> None:
    loaded = _loaded_after("from leakward.rotators.providers import ROTATORS; ROTATORS['sendgrid']")
    assert _provider_modules(loaded) == {"leakward.rotators.providers.sendgrid"}


def test_a_deprecated_base_url_variable_warns_on_stderr() -> None:
    code = (
        "from leakward.rotators.providers.gitlab import GitLabRotator\n"
        "GitLabRotator.from_environment({'GITLAB_URL': 'https://gitlab.example'})"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stderr == "GITLAB_URL is deprecated; set LEAKWARD_API_GITLAB instead\n"
