"""File formats of the labelled corpus: each renders named values into a realistic file.

Stage: test data. A renderer gets `Entry`s (a variable name, the value exactly as it must appear in
the file, and a tag) and writes them between lines of ordinary filler in its language's syntax. The
`Doc` remembers on which lines each tagged value landed, which is what the labels record.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Entry:
    name: str
    text: str  # the value as written in the file (already encoded for the hard cases)
    tag: str
    parts: tuple[str, ...] = ()  # JS string concatenation: the pieces, joined with " + "


@dataclass(slots=True)
class Doc:
    lines: list[str] = field(default_factory=list)
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)

    def add(self, text: str, tag: str = "") -> None:
        start = len(self.lines) + 1
        self.lines.extend(text.split("\n"))
        if tag:
            self.spans[tag] = (start, len(self.lines))

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def camel(name: str) -> str:
    if "_" not in name:
        return name
    head, *rest = name.lower().split("_")
    return head + "".join(p.title() for p in rest)


def _filler(doc: Doc, rng: random.Random, pool: tuple[str, ...], most: int = 3) -> None:
    for line in rng.sample(pool, k=min(len(pool), rng.randint(0, most))):
        doc.add(line)


PY = (
    "import os",
    "import logging",
    "log = logging.getLogger(__name__)",
    "TIMEOUT = 30",
    "DEBUG = os.environ.get('DEBUG') == '1'",
    "RETRIES = 3  # the upstream flaps on deploys",
    "ALLOWED_HOSTS = ['localhost', '127.0.0.1']",
    "",
    "def region() -> str:\n    return 'eu-west-1'",
)
JS = (
    "'use strict';",
    "const axios = require('axios');",
    "const TIMEOUT_MS = 5000;",
    "",
    "export const baseUrl = 'https://api.example.com/v2';",
    "let retries = 0;",
    "function sleep(ms) { return new Promise((r) => setTimeout(r, ms)); }",
)
GO = (
    'import (\n\t"net/http"\n\t"time"\n)',
    "var client = &http.Client{Timeout: 10 * time.Second}",
    "const maxRetries = 3",
    "",
)
SH = (
    "set -euo pipefail",
    'cd "$(dirname "$0")"',
    'echo "deploying $(git rev-parse --short HEAD)"',
    "REGION=eu-west-1",
    "",
)
YML = ("# managed by the platform team", "replicas: 2", "restartPolicy: Always")
TF = ('provider "aws" {\n  region = "eu-west-1"\n}', 'variable "env" {\n  default = "prod"\n}', "")


def _assign_py(e: Entry) -> str:
    if "\n" in e.text:
        return f'{e.name} = """{e.text}"""'
    return f'{e.name} = "{e.text}"'


def python(doc: Doc, entries: list[Entry], rng: random.Random) -> None:
    doc.add('"""Service settings."""')
    _filler(doc, rng, PY)
    for e in entries:
        doc.add(_assign_py(e), e.tag)
        _filler(doc, rng, PY, 2)


def _js_value(e: Entry) -> str:
    if e.parts:
        return " + ".join(f'"{p}"' for p in e.parts)
    return f'"{e.text}"'


def javascript(doc: Doc, entries: list[Entry], rng: random.Random) -> None:
    _filler(doc, rng, JS)
    doc.add("const config = {")
    for e in entries:
        doc.add(f"  {camel(e.name)}: {_js_value(e)},", e.tag)
    doc.add("};")
    _filler(doc, rng, JS)
    doc.add("module.exports = config;")


def typescript(doc: Doc, entries: list[Entry], rng: random.Random) -> None:
    doc.add("import { Client } from './client';")
    for e in entries:
        doc.add(f"export const {camel(e.name)}: string = {_js_value(e)};", e.tag)
        _filler(doc, rng, JS, 1)
    doc.add("export const client = new Client({ timeoutMs: 5000 });")


def minified_js(doc: Doc, entries: list[Entry], rng: random.Random) -> None:
    # Everything on one line, as bundlers emit it; the labels all point at line 1.
    body = ",".join(f"{camel(e.name)}:{_js_value(e)}".replace(" + ", "+") for e in entries)
    doc.add(f'!function(){{"use strict";var e={{{body}}};window.__cfg=e}}();', "")
    for e in entries:
        doc.spans[e.tag] = (1, 1)


def golang(doc: Doc, entries: list[Entry], rng: random.Random) -> None:
    doc.add("package config")
    _filler(doc, rng, GO)
    for e in entries:
        doc.add(f'const {camel(e.name)} = "{e.text}"', e.tag)
        _filler(doc, rng, GO, 1)


def java(doc: Doc, entries: list[Entry], rng: random.Random) -> None:
    doc.add("package com.example.billing;\n\npublic final class Config {")
    for e in entries:
        doc.add(f'    static final String {e.name.upper()} = "{e.text}";', e.tag)
    doc.add("    private Config() {}\n}")


def ruby(doc: Doc, entries: list[Entry], rng: random.Random) -> None:
    doc.add("Rails.application.configure do")
    for e in entries:
        doc.add(f"  config.x.{e.name.lower()} = '{e.text}'", e.tag)
    doc.add("  config.log_level = :info\nend")


def php(doc: Doc, entries: list[Entry], rng: random.Random) -> None:
    doc.add("<?php\n\nreturn [")
    for e in entries:
        doc.add(f"    '{e.name.lower()}' => '{e.text}',", e.tag)
    doc.add("    'debug' => false,\n];")


def shell(doc: Doc, entries: list[Entry], rng: random.Random) -> None:
    doc.add("#!/usr/bin/env bash")
    _filler(doc, rng, SH)
    for e in entries:
        doc.add(f'export {e.name.upper()}="{e.text}"', e.tag)
    doc.add('exec ./bin/server --port "${PORT:-8080}"')


def dotenv(doc: Doc, entries: list[Entry], rng: random.Random) -> None:
    doc.add("# local settings, do not commit\nNODE_ENV=production\nPORT=8080")
    for e in entries:
        doc.add(f"{e.name.upper()}={e.text}", e.tag)


def _yaml_value(e: Entry, indent: str) -> str:
    if "\n" in e.text:
        return "|\n" + "\n".join(indent + "  " + line for line in e.text.split("\n"))
    return f'"{e.text}"'


def k8s_deployment(doc: Doc, entries: list[Entry], rng: random.Random) -> None:
    doc.add("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:")
    doc.add("  template:\n    spec:\n      containers:\n        - name: api\n          env:")
    for e in entries:
        doc.add(f"            - name: {e.name.upper()}", "")
        doc.add(f"              value: {_yaml_value(e, '              ')}", e.tag)


def k8s_secret(doc: Doc, entries: list[Entry], rng: random.Random) -> None:
    # Values are already base64 here: a Secret's `data:` is base64 by definition.
    doc.add("apiVersion: v1\nkind: Secret\nmetadata:\n  name: app-secrets\ntype: Opaque\ndata:")
    for e in entries:
        doc.add(f"  {e.name.lower()}: {e.text}", e.tag)


def compose(doc: Doc, entries: list[Entry], rng: random.Random) -> None:
    doc.add("services:\n  web:\n    image: example/web:1.4\n    environment:")
    for e in entries:
        doc.add(f"      {e.name.upper()}: {_yaml_value(e, '      ')}", e.tag)
    doc.add('    ports:\n      - "8080:8080"')


def workflow(doc: Doc, entries: list[Entry], rng: random.Random) -> None:
    doc.add("name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    env:")
    for e in entries:
        doc.add(f"      {e.name.upper()}: {_yaml_value(e, '      ')}", e.tag)
    doc.add("    steps:\n      - uses: actions/checkout@v4\n      - run: make test")


def json_config(doc: Doc, entries: list[Entry], rng: random.Random) -> None:
    # Entry texts are written raw so intended \\u escapes survive; filler goes through json.dumps.
    doc.add("{")
    doc.add(f'  "service": {json.dumps(rng.choice(["billing", "search", "auth"]))},')
    for e in entries:
        doc.add(f'  "{e.name.lower()}": "{e.text}",', e.tag)
    doc.add('  "timeout": 30\n}')


def dockerfile(doc: Doc, entries: list[Entry], rng: random.Random) -> None:
    doc.add("FROM python:3.11-slim\nWORKDIR /app\nCOPY . .")
    for e in entries:
        doc.add(f"ENV {e.name.upper()}={e.text}", e.tag)
    doc.add('RUN pip install -r requirements.txt\nCMD ["python", "-m", "app"]')


def notebook(doc: Doc, entries: list[Entry], rng: random.Random) -> None:
    doc.add('{\n "cells": [\n  {\n   "cell_type": "code",\n   "metadata": {},\n   "source": [')
    doc.add('    "import os\\n",')
    for e in entries:
        doc.add(f'    "os.environ[\\"{e.name.upper()}\\"] = \\"{e.text}\\"\\n",', e.tag)
    doc.add(
        '    "client = make_client()"\n   ]\n  }\n ],\n "nbformat": 4,\n "nbformat_minor": 5\n}'
    )


def android_strings(doc: Doc, entries: list[Entry], rng: random.Random) -> None:
    doc.add('<?xml version="1.0" encoding="utf-8"?>\n<resources>')
    doc.add('    <string name="app_name">Shop</string>')
    for e in entries:
        doc.add(f'    <string name="{e.name.lower()}">{e.text}</string>', e.tag)
    doc.add("</resources>")


def terraform(doc: Doc, entries: list[Entry], rng: random.Random) -> None:
    _filler(doc, rng, TF, 2)
    doc.add("locals {")
    for e in entries:
        value = f"<<EOT\n{e.text}\nEOT" if "\n" in e.text else f'"{e.text}"'
        doc.add(f"  {e.name.lower()} = {value}", e.tag)
    doc.add("}")


def pem_file(doc: Doc, entries: list[Entry], rng: random.Random) -> None:
    for e in entries:
        doc.add(e.text, e.tag)


Renderer = Callable[[Doc, list[Entry], random.Random], None]


@dataclass(frozen=True, slots=True)
class Format:
    name: str
    paths: tuple[str, ...]
    render: Renderer
    hard: tuple[str, ...] = ("url",)  # hard cases that make sense in this format
    multiline: bool = False


FORMATS: tuple[Format, ...] = (
    Format(
        "python",
        ("settings.py", "app/config.py", "scripts/sync_clients.py"),
        python,
        ("url", "base64"),
        multiline=True,
    ),
    Format("javascript", ("config.js", "src/config/index.js"), javascript, ("url", "concat")),
    Format("typescript", ("src/api/keys.ts", "lib/env.ts"), typescript, ("url", "concat")),
    Format(
        "minified-js", ("dist/app.min.js", "public/static/js/main.min.js"), minified_js, ("concat",)
    ),
    Format("go", ("internal/config/config.go",), golang),
    Format("java", ("src/main/java/com/example/billing/Config.java",), java),
    Format("ruby", ("config/initializers/services.rb",), ruby),
    Format("php", ("config/services.php",), php),
    Format("shell", ("deploy.sh", "scripts/bootstrap.sh"), shell),
    Format("dotenv", (".env", ".env.production", "docker/.env.staging"), dotenv, ("url", "base64")),
    Format(
        "k8s", ("k8s/deployment.yaml", "deploy/api.yaml"), k8s_deployment, ("url",), multiline=True
    ),
    Format("k8s-secret", ("k8s/secret.yaml",), k8s_secret, ("base64",)),
    Format("compose", ("docker-compose.yml",), compose, ("url",), multiline=True),
    Format("workflow", (".github/workflows/deploy.yml",), workflow),
    Format(
        "json",
        ("config/settings.json", "appsettings.json", "service-account.json"),
        json_config,
        ("json-escape", "base64"),
    ),
    Format("dockerfile", ("Dockerfile",), dockerfile),
    Format("notebook", ("notebooks/explore.ipynb",), notebook, ("json-escape",)),
    Format("android", ("app/src/main/res/values/strings.xml",), android_strings),
    Format("terraform", ("infra/main.tf",), terraform, ("url",), multiline=True),
    Format("pem", ("keys/id_rsa", "certs/server.key"), pem_file, (), multiline=True),
)
