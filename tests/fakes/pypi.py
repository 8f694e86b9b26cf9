"""Fake PyPI upload endpoint (POST /legacy/) as the token probe sees it.

Stage: tests (rotators). Follows warehouse's forklift (tests/contracts/specs/pypi.yaml names the
files): the `:action` field picks the route; uploads disabled by an admin answer 403 before
anything else; a request without a valid credential gets 403 "Invalid or non-existent
authentication information."; then an unknown protocol version and a form without `name` get
400. Errors are Pyramid's: JSON `{message, code, title}` when the client accepts JSON, an HTML
page otherwise. Forms are read multipart (as documented) or URL-encoded (as warehouse's WebOb
also reads them). Nothing is ever stored.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP

from tests.fakes.server import FakeRequest, FakeServer, Reply

HELP = "https://pypi.org/help/"
INVALID_AUTH = (
    f"Invalid or non-existent authentication information. See {HELP}#invalid-auth "
    "for more information."
)
READ_ONLY = "Read-only mode: Uploads are temporarily disabled."
NO_NAME = (
    "'' is an invalid value for Name. Error: This field is required. See "
    "https://packaging.python.org/specifications/core-metadata for more information."
)
# Pyramid's HTTPException texts for the two statuses the upload answers with.
_TITLES = {400: "Bad Request", 403: "Forbidden"}
_EXPLANATIONS = {
    400: "The server could not comply with the request since it is either malformed or "
    "otherwise incorrect.",
    403: "Access was denied to this resource.",
}


class FakePyPI(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.tokens: set[str] = set()
        self.uploads = 0
        self.read_only = False  # an admin's "read-only mode" flag
        self.route("POST", r"/legacy/", self._upload)

    def add_token(self) -> str:
        value = mint_token()
        self.tokens.add(value)
        return value

    def _upload(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        form = multipart_form(request) or request.form()
        if form.get(":action") != "file_upload":
            # No route matches: warehouse's own 404 page, whatever the client accepts.
            page = "<html><body><h1>404 Not Found</h1></body></html>"
            return Reply(404, page, {"content-type": "text/html; charset=UTF-8"})
        if self.read_only:
            return _refusal(request, 403, READ_ONLY)
        creds = request.basic()
        if creds is None or creds[0] != "__token__" or creds[1] not in self.tokens:
            return _refusal(request, 403, INVALID_AUTH)
        if form.get("protocol_version", "1") != "1":
            return _refusal(request, 400, "Unknown protocol version.")
        if not form.get("name"):
            return _refusal(request, 400, NO_NAME)
        if "content" not in form:
            return _refusal(request, 400, "Upload payload does not have a file.")
        self.uploads += 1
        return Reply(200, "OK")


def mint_token() -> str:
    """A token laid out as PyPI's are: `pypi-` and a base64url macaroon v2 for "pypi.org" (an
    identifier, one caveat, a 32-byte signature), so the scanner's validator accepts it."""

    def field(kind: int, payload: bytes) -> bytes:  # both varints fit one byte here
        return bytes([kind, len(payload)]) + payload

    caveat = json.dumps({"version": 1, "permissions": "user"}).encode()
    macaroon = (
        b"\x02"
        + field(1, b"pypi.org")
        + field(2, secrets.token_hex(16).encode())
        + b"\x00"
        + field(2, caveat)
        + b"\x00\x00"
        + field(6, secrets.token_bytes(32))
    )
    return "pypi-" + base64.urlsafe_b64encode(macaroon).decode().rstrip("=")


def multipart_form(request: FakeRequest) -> dict[str, str]:
    """The fields of a multipart/form-data body by name (a file's content as text); {} when the
    body is not multipart."""
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("multipart/form-data"):
        return {}
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    message: Message = BytesParser(policy=HTTP).parsebytes(head + request.body)
    fields: dict[str, str] = {}
    for part in message.iter_parts() if message.is_multipart() else []:
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if isinstance(name, str) and isinstance(payload, bytes):
            fields[name] = payload.decode(errors="replace")
    return fields


def _refusal(request: FakeRequest, status: int, detail: str) -> Reply:
    """Pyramid's rendering of an HTTPException whose status line carries `detail`."""
    line = f"{status} {detail}"
    if "application/json" not in request.headers.get("accept", ""):
        page = f"<html><head><title>{line}</title></head><body><h1>{line}</h1></body></html>"
        return Reply(status, page, {"content-type": "text/html; charset=UTF-8"})
    message = f"{_EXPLANATIONS[status]}\n\n\n{detail}\n\n"
    return Reply(status, {"message": message, "code": line, "title": _TITLES[status]})
