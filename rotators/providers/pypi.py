"""PyPI API tokens: a liveness probe through the upload endpoint; revoke in account settings.

Stage: rotators. PyPI has no read-only token check. The upload endpoint authenticates before it
validates the form, so an upload request that carries no file and no metadata tells a rejected
token (403 "Invalid or non-existent authentication information.") from an accepted one (400
for the empty form) without uploading anything. The form is the documented one
(docs.pypi.org's upload API: multipart/form-data with `:action` and `protocol_version`), less
every field that could make it an upload. Accept asks for JSON so Pyramid does not answer with
an HTML error page.
"""

from __future__ import annotations

from leakward.core.secret import Secret
from leakward.rotators.base import KeyRef, Verdict
from leakward.rotators.providers.facts import FACTS
from leakward.rotators.providers.http import probe
from leakward.rotators.providers.verify_only import VerifyOnlyRotator


class PyPIRotator(VerifyOnlyRotator):
    provider = "pypi"
    instructions = (
        "At {console} remove {key} (Account settings > API tokens), create a token scoped to "
        "one project if one is still needed, and update every consumer. Better: Trusted "
        "Publishing, so no token exists."
    )

    def verify(self, secret: Secret, key: KeyRef | None = None) -> Verdict:
        answer = probe(
            self._client,
            "POST",
            self._url("upload"),
            headers=self._key_headers(),
            # No name, version or content: this can never upload anything.
            multipart={":action": "file_upload", "protocol_version": "1"},
            auth=FACTS["pypi"].key_auth.basic(secret),
        )
        return self._read(answer)
