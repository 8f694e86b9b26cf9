"""PyPI: the token probe's upload request and the fake's answers fit POST /legacy/ of
specs/pypi.yaml (written from warehouse's upload documentation and forklift's source).

Drives a valid token (400 for the empty form: the token was accepted, nothing uploaded), an
unknown token (403 "Invalid or non-existent authentication information.", the one dead answer)
and a valid token while uploads are in read-only mode (a 403 that says nothing about the token).
"""

from __future__ import annotations

from leakward.core.secret import Secret
from leakward.rotators.base import Liveness
from leakward.rotators.providers.pypi import PyPIRotator
from tests.contracts.openapi_contract import Contract, Traffic, assert_conforms
from tests.fakes.pypi import FakePyPI, multipart_form

CONTRACT = Contract.named("pypi", error_schema="PyramidError")


def test_probe_fits_the_spec_and_reads_each_answer(fake_pypi: FakePyPI) -> None:
    traffic = Traffic()
    rotator = PyPIRotator(traffic.client(), base_url=fake_pypi.url)
    token = fake_pypi.add_token()
    live = rotator.verify(Secret(token))
    dead = rotator.verify(Secret("pypi-AgEIcHlwaS5vcmc" + "0" * 60))
    fake_pypi.read_only = True
    paused = rotator.verify(Secret(token))

    assert_conforms(CONTRACT, traffic)
    assert [e.response.status_code for e in traffic.exchanges] == [400, 403, 403]
    assert (live.liveness, dead.liveness) == (Liveness.LIVE, Liveness.DEAD)
    assert paused.liveness is Liveness.UNKNOWN
    assert fake_pypi.uploads == 0


def test_the_probe_sends_the_documented_multipart_form(fake_pypi: FakePyPI) -> None:
    """docs/user/api/upload.md: a multipart/form-data POST with `:action` and
    `protocol_version`; the probe used to send a URL-encoded `:action` alone."""
    traffic = Traffic()
    PyPIRotator(traffic.client(), base_url=fake_pypi.url).verify(Secret(fake_pypi.add_token()))
    (sent,) = fake_pypi.requests
    assert sent.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert multipart_form(sent) == {":action": "file_upload", "protocol_version": "1"}
    assert CONTRACT.check(traffic.exchanges) == []
