"""CI logs and API exports for the artifact corpus: GitHub Actions log archives, GitLab job traces,
Postman collections (v2.0 and v2.1) and environment exports.

Stage: test data. Log lines keep the runner's noise (timestamps, ANSI colours, group and section
markers); a log line number is the line in the downloaded file. GitHub writes values registered
with `::add-mask::` as `***`, so `***` and GitLab's `[MASKED]` are decoys, while the
`::add-mask::` line itself leaks the value. A Postman value is reported as
`x.postman_collection.json!Folder/Request/auth.bearer.token` with lines inside that value.
"""

from __future__ import annotations

import json
import random

from tests.corpus.artifact_parts import (
    ALL_SINGLE_LINE,
    NAMED,
    Artifact,
    Text,
    bare,
    credential,
    decoy,
    decoy_text,
    identifier,
    plant_text,
    sentence,
)
from tests.corpus.decoys import Decoy
from tests.sources import builders

FMT_LOG, FMT_POSTMAN = "ci-log", "postman"
SCHEMAS = {
    "2.0": "https://schema.getpostman.com/json/collection/v2.0.0/collection.json",
    "2.1": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json",
}


def _noise(rng: random.Random, doc: Text, size: int) -> None:
    for _ in range(size):
        doc.add(rng.choice((
            f"\x1b[36;1m{identifier(rng)}\x1b[0m {sentence(rng)}",
            f"npm http fetch GET 200 https://registry.npmjs.org/{identifier(rng, 1)} "
            f"{rng.randint(5, 900)}ms",
            f"  ✓ {sentence(rng)} ({rng.randint(1, 80)} ms)",
        )))  # fmt: skip


def _masked(art: Artifact, doc: Text, where: str, rng: random.Random, text: str) -> None:
    name = rng.choice(("API_KEY", "GITHUB_TOKEN", "NPM_TOKEN", "STRIPE_SECRET_KEY"))
    line = doc.add(
        f"  {name}: {text}" if rng.random() < 0.5 else f"curl -H 'Authorization: Bearer {text}'"
    )
    art.decoy(where, line, Decoy("masked", name, text))


def _step(rng: random.Random, art: Artifact, where: str, size: int) -> bytes:
    doc = Text()
    doc.add("##[group]Run ./scripts/deploy.sh\n\x1b[36;1m./scripts/deploy.sh\x1b[0m")
    doc.add("shell: /usr/bin/bash -e {0}\nenv:")
    _masked(art, doc, where, rng, "***")
    doc.add("##[endgroup]")
    _noise(rng, doc, size)
    leaked = credential(rng, NAMED)
    art.plant(where, doc.add(f"::add-mask::{bare(leaked)}"), leaked, "ci-log", FMT_LOG)
    for _ in range(rng.randint(1, 3)):
        _noise(rng, doc, size)
        plant_text(doc, art, where, credential(rng, ALL_SINGLE_LINE), "export", FMT_LOG)
    _masked(art, doc, where, rng, "***")
    decoy_text(
        doc, art, where, decoy(rng, ("placeholder", "bad_checksum", "publishable_key")), "export"
    )
    doc.add("\x1b[31mError:\x1b[0m Process completed with exit code 1.")
    stamped = [
        f"2024-05-01T10:{i // 60 % 60:02d}:{i % 60:02d}.{rng.randint(0, 9999999):07d}Z {row}"
        for i, row in enumerate(doc.rows)
    ]
    return ("\ufeff" + "\n".join(stamped) + "\n").encode()


def github_logs(rng: random.Random, scale: int = 1) -> Artifact:
    """A run's log archive: `N_job.txt` (skipped by leakward as redundant) and `job/N_step.txt`."""
    art = Artifact()
    setup = (
        "\ufeff2024-05-01T10:00:00.0000000Z Current runner version: '2.316.0'\n"
        "2024-05-01T10:00:00.1000000Z ##[group]Operating System\n"
        "2024-05-01T10:00:00.2000000Z Ubuntu\n"
    ).encode()
    entries: dict[str, bytes] = {}
    for job in ("build", "deploy")[: rng.randint(1, 2)]:
        step = _step(rng, art, f"{job}/2_Run deploy.txt", 20 * scale)
        entries[f"{len(entries) // 3 + 1}_{job}.txt"] = setup + step
        entries[f"{job}/1_Set up job.txt"] = setup
        entries[f"{job}/2_Run deploy.txt"] = step
    art.data = builders.zip_of(entries)
    return art


def gitlab_trace(rng: random.Random, scale: int = 1) -> Artifact:
    art = Artifact()
    doc = Text()
    doc.add(
        "\x1b[0KRunning with gitlab-runner 16.11.0 (91a27b2a)\x1b[0;m\n"
        "\x1b[0K  on docker-runner-7 t3_abc, system ID: s_0e1f\x1b[0;m"
    )
    doc.add(
        "section_start:1714557600:prepare_executor\r\x1b[0K"
        '\x1b[0K\x1b[36;1mPreparing the "docker" executor\x1b[0;m'
    )
    _noise(rng, doc, 5 * scale)
    doc.add("section_end:1714557601:prepare_executor\r\x1b[0K")
    doc.add(
        "section_start:1714557602:step_script\r\x1b[0K"
        '\x1b[0K\x1b[36;1mExecuting "step_script" stage of the job script\x1b[0;m'
    )
    for _ in range(rng.randint(1, 3)):
        _noise(rng, doc, 10 * scale)
        doc.add("\x1b[32;1m$ ./scripts/release.sh\x1b[0;m")
        plant_text(doc, art, "", credential(rng, ALL_SINGLE_LINE), "export", FMT_LOG)
    _masked(art, doc, "", rng, "[MASKED]")
    doc.add("section_end:1714557690:step_script\r\x1b[0K\n\x1b[32;1mJob succeeded\x1b[0;m")
    art.data = doc.data()
    return art


# --- Postman ------------------------------------------------------------------------------------


def _auth(kind: str, params: dict[str, str], version: str) -> dict[str, object]:
    if version == "2.0":
        return {"type": kind, kind: dict(params)}
    return {
        "type": kind,
        kind: [{"key": k, "value": v, "type": "string"} for k, v in params.items()],
    }


_AUTH_SECRETS = {  # auth type: (the parameter holding the secret, other parameters)
    "bearer": ("token", {}),
    "apikey": ("value", {"key": "X-Api-Key", "in": "header"}),
    "oauth2": ("accessToken", {"tokenType": "Bearer", "addTokenTo": "header"}),
    "basic": ("password", {"username": "deploy"}),
    "digest": ("password", {"username": "deploy", "realm": "api"}),
    "ntlm": ("password", {"username": "corp\\svc"}),
    "hawk": ("authKey", {"authId": "hawk-client-1", "algorithm": "sha256"}),
    "akamai": ("clientSecret", {"accessToken": "akab-access", "clientToken": "akab-client"}),
}
_ANCHOR_FREE = ("bearer", "apikey", "oauth2")  # a bare value with no name next to it


def _request(
    rng: random.Random, art: Artifact, where: str, kind: str, version: str
) -> dict[str, object]:
    field, params = _AUTH_SECRETS[kind]
    cred = credential(rng, NAMED if kind in _ANCHOR_FREE else ("password",))
    art.plant(f"{where}/auth.{kind}.{field}", 1, cred, "postman", FMT_POSTMAN)
    header = credential(rng, NAMED)
    art.plant(f"{where}/header.X-Service-Token", 1, header, "postman", FMT_POSTMAN)
    body = Text()
    body.add("{")
    plant_text(
        body, art, f"{where}/body.raw", credential(rng, ALL_SINGLE_LINE), "json", FMT_POSTMAN
    )
    body.add('  "amount": 42\n}')
    example = Text()
    example.add('{\n  "status": "ok",')
    plant_text(
        example,
        art,
        f"{where}/response.Created.body",
        credential(rng, ("jwt", "github_oauth", "slack")),
        "json",
        FMT_POSTMAN,
    )
    example.add("}")
    script = Text()
    script.add("// sign the request")
    plant_text(
        script,
        art,
        f"{where}/event.prerequest.script",
        credential(rng, ALL_SINGLE_LINE),
        "js",
        FMT_POSTMAN,
    )
    script.add(
        "pm.request.headers.add({key: 'X-Signature', "
        "value: CryptoJS.HmacSHA256('x', 'y').toString()});"
    )
    return {
        "name": where.rsplit("/", 1)[-1],
        "event": [
            {"listen": "prerequest", "script": {"type": "text/javascript", "exec": script.rows}}
        ],
        "request": {
            "auth": _auth(kind, {**params, field: bare(cred)}, version),
            "method": "POST",
            "header": [
                {"key": "X-Service-Token", "value": bare(header)},
                {"key": "Accept", "value": "application/json"},
            ],
            "url": f"https://api.example.com/v1/{identifier(rng, 1)}",
            "body": {"mode": "raw", "raw": body.text()},
        },
        "response": [{"name": "Created", "code": 201, "status": "Created", "body": example.text()}],
    }


def collection(rng: random.Random, version: str) -> Artifact:
    art = Artifact()
    kinds = rng.sample(sorted(_AUTH_SECRETS), k=4)
    folder = identifier(rng).capitalize()
    items = [
        _request(rng, art, f"{folder}/{identifier(rng, 1).capitalize()} {kind}", kind, version)
        for kind in kinds
    ]
    templated = {
        "name": "Templated",
        "request": {
            "auth": _auth("bearer", {"token": "{{access_token}}"}, version),
            "method": "GET",
            "url": "{{baseUrl}}/me",
        },
    }
    variables = []
    for _ in range(2):
        cred = credential(rng, ALL_SINGLE_LINE)
        if cred.key_id:
            continue  # an AWS pair needs both halves in one value to be recognisable
        name = cred.names[0]
        variables.append({"key": name, "value": bare(cred), "type": "string"})
        art.plant(f"variable.{name}", 1, cred, "postman", FMT_POSTMAN)
    fake = decoy(rng, ("placeholder", "publishable_key", "bad_checksum"))
    variables.append({"key": fake.name, "value": fake.value, "type": "string"})
    art.decoy(f"variable.{fake.name}", 1, fake)
    document = {
        "info": {
            "_postman_id": str(rng.getrandbits(64)),
            "name": f"{folder} API",
            "schema": SCHEMAS[version],
        },
        "item": [{"name": folder, "item": [*items, templated]}],
        "variable": variables,
    }
    art.data = json.dumps(document, indent="\t").encode()
    return art


def environment(rng: random.Random) -> Artifact:
    art = Artifact()
    values = [
        {"key": "baseUrl", "value": "https://api.example.com", "type": "default", "enabled": True}
    ]
    for _ in range(rng.randint(2, 4)):
        cred = credential(rng, ALL_SINGLE_LINE)
        if cred.key_id:
            continue
        name = cred.names[0]
        values.append({"key": name, "value": bare(cred), "type": "secret", "enabled": True})
        art.plant(f"values.{name}", 1, cred, "postman", FMT_POSTMAN)
    fake = decoy(rng, ("placeholder", "publishable_key", "template_ref"))
    values.append({"key": fake.name, "value": fake.value, "type": "default", "enabled": True})
    art.decoy(f"values.{fake.name}", 1, fake)
    document = {
        "id": str(rng.getrandbits(64)),
        "name": "production",
        "values": values,
        "_postman_variable_scope": "environment",
        "_postman_exported_using": "Postman/11.2.0",
    }
    art.data = json.dumps(document, indent=2).encode()
    return art
