"""Amazon Bedrock long-term API keys: IAM service-specific credentials for bedrock.amazonaws.com,
found, reissued, disabled and deleted with an admin IAM client.

Stage: rotators. IAM's API reference (and botocore's IAM model): CreateServiceSpecificCredential
(UserName, ServiceName, optional CredentialAgeDays) answers the key once, as
`ServiceCredentialSecret`, beside its public `ServiceCredentialAlias`; at most two per service
per user (LimitExceeded); List… (UserName, or AllUsers, with ServiceName; Marker paging),
Update… (Status Active/Inactive) and Delete… by `ServiceSpecificCredentialId`. A key reads
"ABSK" + base64("<alias>:<secret>") (the form rules/aws.yaml detects; the alias is the part IAM
lists), which is how a leaked value finds its credential: by its alias, across all users. A
credential cannot be named or tagged, so a replacement whose answer was lost is found by its
creation time. Verify reads the key's IAM status: Active is live; Expired or absent (deleted)
dead; Inactive unknown, since one call makes it Active again.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, ClassVar, Protocol, Self

from leakward.core.secret import Secret
from leakward.rotators.base import (
    Capability,
    KeyRef,
    Liveness,
    NewCredential,
    PermanentError,
    RotationError,
    Settings,
    Unrecorded,
    Verdict,
)
from leakward.rotators.providers.aws_errors import NoSuchKeyError, aws_call
from leakward.rotators.providers.facts import FACTS
from leakward.rotators.providers.registry import configured_url

if TYPE_CHECKING:
    from leakward.rotators.providers.liveness import FoundSecret

FACTS_BEDROCK = FACTS["aws_bedrock"]
SERVICE = "bedrock.amazonaws.com"
PREFIX = "ABSK"
CAP = FACTS_BEDROCK.key_cap or 2


class IamClient(Protocol):
    def create_service_specific_credential(self, **kwargs: object) -> Mapping[str, object]: ...
    def update_service_specific_credential(self, **kwargs: object) -> Mapping[str, object]: ...
    def delete_service_specific_credential(self, **kwargs: object) -> Mapping[str, object]: ...
    def list_service_specific_credentials(self, **kwargs: object) -> Mapping[str, object]: ...


def alias_of(secret: Secret) -> str | None:
    """The public alias a Bedrock API key carries; None for any other shape."""
    value = secret.reveal()
    if not value.startswith(PREFIX):
        return None
    try:
        decoded = base64.b64decode(value[len(PREFIX) :], validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    alias, sep, rest = decoded.partition(":")
    return alias if sep and alias and rest else None


class BedrockApiKeyRotator:
    provider: ClassVar[str] = "aws_bedrock"
    capability: ClassVar[Capability] = Capability.FULL
    rotates_in_place: ClassVar[bool] = False

    def __init__(self, iam: IamClient | None) -> None:
        self._iam = iam

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> Self:
        """The admin IAM client: the keys `environ` names (AWS_ACCESS_KEY_ID,
        AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), else boto3's own credential chain (a profile,
        an instance role); its endpoint from LEAKWARD_API_AWS_BEDROCK (else boto3's own)."""
        import boto3  # type: ignore[import-untyped]

        region = environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION") or "us-east-1"
        keys = {
            argument: environ[variable]
            for argument, variable in (
                ("aws_access_key_id", "AWS_ACCESS_KEY_ID"),
                ("aws_secret_access_key", "AWS_SECRET_ACCESS_KEY"),
                ("aws_session_token", "AWS_SESSION_TOKEN"),
            )
            if environ.get(variable)
        }
        endpoint = configured_url(environ, "aws_bedrock") or None
        return cls(boto3.client("iam", region_name=region, endpoint_url=endpoint, **keys))

    def _admin(self) -> IamClient:
        if self._iam is None:
            raise PermanentError(
                "AWS Bedrock: no admin IAM credentials; set AWS_ACCESS_KEY_ID and "
                "AWS_SECRET_ACCESS_KEY for a principal allowed the iam:*ServiceSpecificCredential "
                "actions"
            )
        return self._iam

    def _listed(self, user: str | None) -> list[Mapping[str, object]]:
        """The Bedrock credentials of `user`, or of every user. botocore has no paginator for
        this call, so its Marker is followed here until IsTruncated is false."""
        request: dict[str, object] = {"ServiceName": SERVICE}
        request.update({"UserName": user} if user else {"AllUsers": True})
        found: list[Mapping[str, object]] = []
        while True:
            page = aws_call(
                self._admin().list_service_specific_credentials, "list Bedrock API keys", **request
            )
            items = page.get("ServiceSpecificCredentials")
            if isinstance(items, list):
                found.extend(c for c in items if isinstance(c, Mapping))
            marker = page.get("Marker")
            if page.get("IsTruncated") is not True or not isinstance(marker, str):
                return found
            request["Marker"] = marker

    def find_key(self, secret: Secret, user: str | None = None) -> KeyRef | None:
        alias = alias_of(secret)
        if alias is None:
            return None
        found = [c for c in self._listed(user) if c.get("ServiceCredentialAlias") == alias]
        return _ref(found[0]) if len(found) == 1 else None

    def verify(self, secret: Secret, key: KeyRef | None = None) -> Verdict:
        alias = alias_of(secret)
        if alias is None:
            return Verdict(Liveness.UNKNOWN, "not a Bedrock long-term API key")
        try:
            listed = [
                c
                for c in self._listed(key.account if key else None)
                if c.get("ServiceCredentialAlias") == alias
            ]
        except RotationError as exc:
            return Verdict(Liveness.UNKNOWN, f"could not read the key's IAM status: {exc}")
        if not listed:
            return Verdict(Liveness.DEAD, "IAM lists no Bedrock API key with this alias (deleted)")
        status = str(listed[0].get("Status"))
        if status == "Active":
            return Verdict(
                Liveness.LIVE, "IAM reports the key Active", str(listed[0].get("UserName"))
            )
        if status == "Inactive":
            return Verdict(Liveness.UNKNOWN, "IAM reports the key Inactive; it can be made Active")
        return Verdict(Liveness.DEAD, f"IAM reports the key {status}")

    def _user(self, key: KeyRef) -> str:
        if not key.account:
            raise PermanentError("AWS Bedrock: the key's IAM user is unknown (use find_key)")
        return key.account

    def read_settings(self, key: KeyRef) -> Settings | None:
        """The key's lifetime in days, when it was made to expire; None once it is gone."""
        listed = [c for c in self._listed(self._user(key)) if _id(c) == key.key_id]
        if not listed:
            return None
        created, expires = listed[0].get("CreateDate"), listed[0].get("ExpirationDate")
        if isinstance(created, datetime) and isinstance(expires, datetime):
            return {"credential_age_days": max((expires - created).days, 1)}
        return {}

    def reissue(self, key: KeyRef, idempotency_token: str) -> NewCredential:
        user = self._user(key)
        settings = key.settings if key.settings is not None else self.read_settings(key)
        if settings is None:
            # Unknown lifetime: a replacement that never expires could outlive the leaked one.
            raise PermanentError(
                "AWS Bedrock: the leaked key's lifetime is unknown (it could not be read and no "
                "snapshot was taken); create a replacement by hand"
            )
        current = self._listed(user)
        if len(current) >= CAP:
            others = ", ".join(str(_id(c)) for c in current if _id(c) != key.key_id)
            raise PermanentError(
                f"AWS Bedrock: user {user} already holds {CAP} Bedrock API keys; delete the "
                f"unused one ({others}) or allow revoke-first for this key"
            )
        request: dict[str, object] = {"UserName": user, "ServiceName": SERVICE}
        days = settings.get("credential_age_days")
        if isinstance(days, int):
            request["CredentialAgeDays"] = days
        iam = self._admin()
        created = aws_call(
            iam.create_service_specific_credential, "create a Bedrock API key", **request
        ).get("ServiceSpecificCredential")
        if not isinstance(created, Mapping) or not created.get("ServiceCredentialSecret"):
            raise PermanentError("AWS Bedrock: the create answer holds no key")
        expires = created.get("ExpirationDate")
        return NewCredential(
            Secret(str(created["ServiceCredentialSecret"])),
            _id(created),
            expires.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            if isinstance(expires, datetime)
            else None,
        )

    def find_unrecorded(self, key: KeyRef, idempotency_token: str, since: datetime) -> Unrecorded:
        """The user's Bedrock keys created since the attempt began, other than the leaked one."""
        return Unrecorded(
            tuple(
                _ref(c)
                for c in self._listed(self._user(key))
                if _id(c) != key.key_id
                and isinstance(c.get("CreateDate"), datetime)
                and c["CreateDate"] >= since  # type: ignore[operator]
            )
        )

    def contain(self, key: KeyRef) -> bool:
        try:
            aws_call(
                self._admin().update_service_specific_credential,
                "make a Bedrock API key Inactive",
                UserName=self._user(key),
                ServiceSpecificCredentialId=self._key_id(key),
                Status="Inactive",
            )
        except NoSuchKeyError:
            return True  # a deleted key is contained too
        return True

    def revoke(self, key: KeyRef, secret: Secret | None = None) -> None:
        try:
            aws_call(
                self._admin().delete_service_specific_credential,
                "delete a Bedrock API key",
                UserName=self._user(key),
                ServiceSpecificCredentialId=self._key_id(key),
            )
        except NoSuchKeyError:
            return

    def _key_id(self, key: KeyRef) -> str:
        if not key.key_id:
            raise PermanentError("AWS Bedrock: the key's credential id is unknown (use find_key)")
        return key.key_id

    def list_keys(self, account: str | None = None) -> Sequence[KeyRef]:
        return [_ref(c) for c in self._listed(account)]

    def capability_for(self, key: KeyRef) -> Capability:
        return self.capability

    def manual_steps(self, key: KeyRef) -> str:
        return (
            f"In the IAM console ({FACTS_BEDROCK.console_url}) open user "
            f"{key.account or '(unknown)'}, API keys for Amazon Bedrock: make key "
            f"{key.key_id or '(unknown id)'} Inactive, generate a new one, update every consumer, "
            "then delete the old key."
        )


def _id(credential: Mapping[str, object]) -> str | None:
    value = credential.get("ServiceSpecificCredentialId")
    return str(value) if value else None


def _ref(credential: Mapping[str, object]) -> KeyRef:
    alias = credential.get("ServiceCredentialAlias")
    return KeyRef(
        "aws_bedrock",
        _id(credential),
        str(credential.get("UserName")),
        str(alias) if alias else None,
        (("status", str(credential.get("Status"))),),
    )


def check_found(found: FoundSecret) -> Verdict:
    """`scan --verify` of a found Bedrock long-term API key: unknown, with the reason. Its status
    lives in IAM of the account that issued it; the scanning machine's own credentials see only
    their own account, where every other account's live key would look deleted."""
    if alias_of(found.secret) is None:
        return Verdict(Liveness.UNKNOWN, "not a Bedrock long-term API key")
    return Verdict(
        Liveness.UNKNOWN,
        "a Bedrock API key's status is read from IAM in its own account: register it and run "
        "leakward rotate with that account's admin credentials",
    )
