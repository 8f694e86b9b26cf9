"""Fake IAM for Bedrock long-term API keys: the service-specific credential actions moto's server
lacks (moto 5.2.6 implements none of them), over IAM's Query protocol.

Stage: tests (rotators). Follows botocore's IAM model (service-2.json, botocore 1.44.18):
CreateServiceSpecificCredential (UserName, ServiceName, CredentialAgeDays 1…36600; the answer's
ServiceSpecificCredential carries ServiceCredentialAlias and, only here,
ServiceCredentialSecret; LimitExceeded past two per service per user, NoSuchEntity for an unknown
user, ServiceNotSupported for another service), ListServiceSpecificCredentials (UserName or
AllUsers, Marker/MaxItems/IsTruncated), UpdateServiceSpecificCredential (Status) and
DeleteServiceSpecificCredential. Answers are IAM's XML (`<ActionResponse><ActionResult>`), errors
IAM's `<ErrorResponse>`. A key is "ABSK" + base64("<alias>:<secret>"). `verify_key` plays
Bedrock: it accepts an Active, unexpired key.
"""

from __future__ import annotations

import base64
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from xml.sax.saxutils import escape

from tests.fakes.server import FakeRequest, FakeServer, Reply

SERVICE = "bedrock.amazonaws.com"
ACCOUNT_ID = "123456789012"
NS = "https://iam.amazonaws.com/doc/2010-05-08/"
PAGE = 100  # MaxItems' default


@dataclass
class Credential:
    id: str
    user: str
    alias: str
    value: str
    created: datetime
    expires: datetime | None = None
    status: str = "Active"

    def fields(self, *, with_secret: bool = False) -> list[tuple[str, str]]:
        pairs = [
            ("UserName", self.user),
            ("Status", self.status),
            ("ServiceUserName", f"{self.user}-at-{ACCOUNT_ID}"),
            ("ServiceCredentialAlias", self.alias),
            ("CreateDate", _stamp(self.created)),
            ("ServiceSpecificCredentialId", self.id),
            ("ServiceName", SERVICE),
        ]
        if self.expires is not None:
            pairs.append(("ExpirationDate", _stamp(self.expires)))
        if with_secret:
            pairs.append(("ServiceCredentialSecret", self.value))
        return pairs


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _xml(pairs: list[tuple[str, str]]) -> str:
    return "".join(f"<{name}>{escape(value)}</{name}>" for name, value in pairs)


def _answer(action: str, result: str) -> Reply:
    body = (
        f'<{action}Response xmlns="{NS}"><{action}Result>{result}</{action}Result>'
        f"<ResponseMetadata><RequestId>{uuid.uuid4()}</RequestId></ResponseMetadata>"
        f"</{action}Response>"
    )
    return Reply(200, body, {"Content-Type": "text/xml"})


def _error(status: int, code: str, message: str) -> Reply:
    body = (
        f'<ErrorResponse xmlns="{NS}"><Error><Type>Sender</Type><Code>{code}</Code>'
        f"<Message>{escape(message)}</Message></Error><RequestId>{uuid.uuid4()}</RequestId>"
        "</ErrorResponse>"
    )
    return Reply(status, body, {"Content-Type": "text/xml"})


class FakeBedrockIam(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.users: set[str] = set()
        self.credentials: dict[str, Credential] = {}  # by id, oldest first
        self.route("POST", r"/", self._action)

    def add_user(self, user: str) -> None:
        self.users.add(user)

    def add_key(self, user: str, age_days: int | None = None) -> Credential:
        self.users.add(user)
        created = datetime.now(UTC).replace(microsecond=0)
        alias = f"{user}+{ACCOUNT_ID}-{secrets.token_hex(4)}"
        secret = base64.b64encode(f"{alias}:{secrets.token_urlsafe(48)}".encode()).decode()
        credential = Credential(
            "ACCA" + secrets.token_hex(10).upper(),
            user,
            alias,
            "ABSK" + secret,
            created,
            created + timedelta(days=age_days) if age_days else None,
        )
        self.credentials[credential.id] = credential
        return credential

    def live(self) -> list[Credential]:
        """Keys that work or can be made Active again: every key not deleted or expired."""
        now = datetime.now(UTC)
        return [c for c in self.credentials.values() if c.expires is None or c.expires > now]

    def verify_key(self, value: str) -> bool:
        return any(c.value == value and c.status == "Active" for c in self.live())

    def _action(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        form = request.form()
        if not request.headers.get("authorization", "").startswith("AWS4-HMAC-SHA256"):
            return _error(403, "MissingAuthenticationToken", "Request is missing a signature")
        handler = {
            "CreateServiceSpecificCredential": self._create,
            "ListServiceSpecificCredentials": self._list,
            "UpdateServiceSpecificCredential": self._update,
            "DeleteServiceSpecificCredential": self._delete,
        }.get(form.get("Action", ""))
        if handler is None:
            return _error(400, "InvalidAction", "This fake serves the Bedrock key actions only")
        return handler(form)

    def _create(self, form: dict[str, str]) -> Reply:
        user, service = form.get("UserName", ""), form.get("ServiceName")
        if service != SERVICE:
            return _error(404, "NotSupportedService", f"{service} is not supported")
        if user not in self.users:
            return _error(404, "NoSuchEntity", f"The user with name {user} cannot be found.")
        if sum(1 for c in self.credentials.values() if c.user == user) >= 2:
            return _error(
                409, "LimitExceeded", "Cannot exceed quota for ServiceSpecificCredentials"
            )
        age = form.get("CredentialAgeDays")
        credential = self.add_key(user, int(age) if age else None)
        inner = _xml(credential.fields(with_secret=True))
        return _answer(
            "CreateServiceSpecificCredential",
            f"<ServiceSpecificCredential>{inner}</ServiceSpecificCredential>",
        )

    def _list(self, form: dict[str, str]) -> Reply:
        user = form.get("UserName")
        if user is not None and user not in self.users:
            return _error(404, "NoSuchEntity", f"The user with name {user} cannot be found.")
        chosen = [
            c
            for c in self.credentials.values()
            if (user is None and form.get("AllUsers") == "true") or c.user == user
        ]
        start = int(form.get("Marker") or "0")
        size = int(form.get("MaxItems") or PAGE)
        page = chosen[start : start + size]
        members = "".join(f"<member>{_xml(c.fields())}</member>" for c in page)
        truncated = start + size < len(chosen)
        more = f"<Marker>{start + size}</Marker>" if truncated else ""
        return _answer(
            "ListServiceSpecificCredentials",
            f"<ServiceSpecificCredentials>{members}</ServiceSpecificCredentials>"
            f"<IsTruncated>{str(truncated).lower()}</IsTruncated>{more}",
        )

    def _found(self, form: dict[str, str]) -> Credential | Reply:
        credential = self.credentials.get(form.get("ServiceSpecificCredentialId", ""))
        if credential is None or form.get("UserName", credential.user) != credential.user:
            return _error(404, "NoSuchEntity", "The service-specific credential cannot be found.")
        return credential

    def _update(self, form: dict[str, str]) -> Reply:
        credential = self._found(form)
        if isinstance(credential, Reply):
            return credential
        credential.status = form.get("Status", credential.status)
        return _answer("UpdateServiceSpecificCredential", "")

    def _delete(self, form: dict[str, str]) -> Reply:
        credential = self._found(form)
        if isinstance(credential, Reply):
            return credential
        del self.credentials[credential.id]
        return _answer("DeleteServiceSpecificCredential", "")
