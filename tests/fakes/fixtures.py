"""Pytest fixtures for the fake provider servers and moto; import them into a conftest.py.

Stage: tests (rotators). Each fixture starts its server on 127.0.0.1 (random port) for one test
and stops it afterwards, so state never leaks between tests. moto's server is slower to start,
so it lives for the session and is reset before each test.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from moto.server import ThreadedMotoServer

from tests.fakes.anthropic import FakeAnthropic
from tests.fakes.aws_proxy import AwsProxy
from tests.fakes.azure_ai import FakeAzure
from tests.fakes.bedrock_iam import FakeBedrockIam
from tests.fakes.cloudflare import FakeCloudflare
from tests.fakes.cloudflare_account import FakeCloudflareAccount
from tests.fakes.datadog import FakeDatadog
from tests.fakes.dockerhub import FakeDockerHub
from tests.fakes.fastly import FakeFastly
from tests.fakes.github import FakeGitHub
from tests.fakes.gitlab import FakeGitLab
from tests.fakes.google import FakeGoogle
from tests.fakes.heroku import FakeHeroku
from tests.fakes.huggingface import FakeHuggingFace
from tests.fakes.npm import FakeNpm
from tests.fakes.openai import FakeOpenAI
from tests.fakes.openrouter import FakeOpenRouter
from tests.fakes.postman import FakePostman
from tests.fakes.pypi import FakePyPI
from tests.fakes.sendgrid import FakeSendGrid
from tests.fakes.slack import FakeSlack
from tests.fakes.stripe import FakeStripe
from tests.fakes.twilio import FakeTwilio
from tests.fakes.vercel import FakeVercel
from tests.fakes.xai import FakeXai


@pytest.fixture(scope="session")
def moto_session() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def moto_url(moto_session: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """moto's URL, reset for this test; AWS_ENDPOINT_URL and dummy creds point boto3 at it."""
    httpx.post(f"{moto_session}/moto-api/reset", timeout=10).raise_for_status()
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_session)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "admin-testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "admin-testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    return moto_session


@pytest.fixture
def aws_proxy(moto_url: str) -> Iterator[AwsProxy]:
    """A pass-through proxy to moto (tests/fakes/aws_proxy.py), to inject failures."""
    with AwsProxy(moto_url) as server:
        yield server


@pytest.fixture
def http_client() -> Iterator[httpx.Client]:
    """The client rotators get in tests: a short timeout so `hang` failures end quickly."""
    with httpx.Client(timeout=httpx.Timeout(1.0)) as client:
        yield client


@pytest.fixture
def fake_gitlab() -> Iterator[FakeGitLab]:
    with FakeGitLab() as server:
        yield server


@pytest.fixture
def fake_github() -> Iterator[FakeGitHub]:
    with FakeGitHub() as server:
        yield server


@pytest.fixture
def fake_ghes() -> Iterator[FakeGitHub]:
    with FakeGitHub(enterprise=True) as server:
        yield server


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


@pytest.fixture
def fake_anthropic() -> Iterator[FakeAnthropic]:
    with FakeAnthropic() as server:
        yield server


@pytest.fixture
def fake_google() -> Iterator[FakeGoogle]:
    """API Keys, Gemini models, IAM and the OAuth token endpoint on one server."""
    with FakeGoogle() as server:
        yield server


@pytest.fixture
def fake_twilio() -> Iterator[FakeTwilio]:
    with FakeTwilio() as server:
        yield server


@pytest.fixture
def fake_sendgrid() -> Iterator[FakeSendGrid]:
    with FakeSendGrid() as server:
        yield server


@pytest.fixture
def fake_cloudflare() -> Iterator[FakeCloudflare]:
    with FakeCloudflare() as server:
        yield server


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        yield server


@pytest.fixture
def fake_stripe() -> Iterator[FakeStripe]:
    with FakeStripe() as server:
        yield server


@pytest.fixture
def fake_huggingface() -> Iterator[FakeHuggingFace]:
    with FakeHuggingFace() as server:
        yield server


@pytest.fixture
def fake_postman() -> Iterator[FakePostman]:
    with FakePostman() as server:
        yield server


@pytest.fixture
def fake_pypi() -> Iterator[FakePyPI]:
    with FakePyPI() as server:
        yield server


@pytest.fixture
def fake_openrouter() -> Iterator[FakeOpenRouter]:
    with FakeOpenRouter() as server:
        yield server


@pytest.fixture
def fake_xai() -> Iterator[FakeXai]:
    """xAI's inference host (a key's own record) and management API on one server."""
    with FakeXai() as server:
        yield server


@pytest.fixture
def fake_azure() -> Iterator[FakeAzure]:
    """The Entra token endpoint and ARM's Cognitive Services account keys on one server."""
    with FakeAzure() as server:
        yield server


@pytest.fixture
def fake_bedrock_iam() -> Iterator[FakeBedrockIam]:
    """IAM's service-specific credential actions for Bedrock API keys (moto lacks them)."""
    with FakeBedrockIam() as server:
        yield server


@pytest.fixture
def fake_vercel() -> Iterator[FakeVercel]:
    with FakeVercel() as server:
        yield server


@pytest.fixture
def fake_heroku() -> Iterator[FakeHeroku]:
    with FakeHeroku() as server:
        yield server


@pytest.fixture
def fake_datadog() -> Iterator[FakeDatadog]:
    with FakeDatadog() as server:
        yield server


@pytest.fixture
def fake_dockerhub() -> Iterator[FakeDockerHub]:
    with FakeDockerHub() as server:
        yield server


@pytest.fixture
def fake_fastly() -> Iterator[FakeFastly]:
    with FakeFastly() as server:
        yield server


@pytest.fixture
def fake_cloudflare_account() -> Iterator[FakeCloudflareAccount]:
    with FakeCloudflareAccount() as server:
        yield server


@pytest.fixture
def fake_npm() -> Iterator[FakeNpm]:
    with FakeNpm() as server:
        yield server
