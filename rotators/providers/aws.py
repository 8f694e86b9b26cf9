"""AWS IAM user access keys: verify with STS, reissue within the 2-key cap, contain, revoke.

Stage: rotators. An AWS credential is a pair, so the `Secret` handed to `verify` holds
"ACCESS_KEY_ID:SECRET_ACCESS_KEY" (build it with `aws_credential`). STS GetCallerIdentity needs no
permission, so a signed success proves the key authenticates; when an admin IAM client is
configured the key's IAM status is checked too, because an Inactive key is dead whatever an
endpoint says (and moto's STS accepts any key). Clients are injected; boto3 is only imported by
the default factories, so the module costs nothing to import.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar, Protocol, Self

from leakward.core.secret import Secret
from leakward.rotators.base import (
    Capability,
    KeyRef,
    Liveness,
    NewCredential,
    PermanentError,
    Settings,
    Unrecorded,
    Verdict,
)
from leakward.rotators.providers.aws_errors import (
    NoSuchKeyError,
    Paginator,
    aws_call,
    aws_call_pages,
    error_code,
    is_transient,
)
from leakward.rotators.providers.aws_marks import (
    RotationMark,
    issue_tokens,
    keys_created_by,
    write_mark,
)
from leakward.rotators.providers.facts import FACTS
from leakward.rotators.providers.key_hints import tagged
from leakward.rotators.providers.registry import configured_url
from leakward.rotators.providers.sts import StsFactory, default_sts_factory

if TYPE_CHECKING:
    from leakward.rotators.providers.liveness import FoundSecret

FACTS_AWS = FACTS["aws"]


class IamClient(Protocol):
    def list_access_keys(self, **kwargs: str) -> Mapping[str, object]: ...
    def create_access_key(self, **kwargs: str) -> Mapping[str, object]: ...
    def update_access_key(self, **kwargs: str) -> Mapping[str, object]: ...
    def delete_access_key(self, **kwargs: str) -> Mapping[str, object]: ...
    def get_access_key_last_used(self, **kwargs: str) -> Mapping[str, object]: ...
    def list_user_tags(self, **kwargs: str) -> Mapping[str, object]: ...
    def tag_user(self, **kwargs: object) -> Mapping[str, object]: ...
    def untag_user(self, **kwargs: object) -> Mapping[str, object]: ...
    def get_paginator(self, operation_name: str) -> Paginator: ...


def aws_credential(access_key_id: str, secret_access_key: Secret) -> Secret:
    """The single `Secret` the rotator contract passes around for an AWS key pair."""
    return Secret(f"{access_key_id}:{secret_access_key.reveal()}")


def _keys(listing: Mapping[str, object]) -> list[Mapping[str, object]]:
    items = listing.get("AccessKeyMetadata")
    return [k for k in items if isinstance(k, Mapping)] if isinstance(items, list) else []


class AwsRotator:
    provider: ClassVar[str] = "aws"
    capability: ClassVar[Capability] = Capability.FULL
    rotates_in_place: ClassVar[bool] = False

    def __init__(
        self,
        iam: IamClient | None,
        sts_factory: StsFactory | None = None,
        *,
        revoke_first: bool = False,
    ) -> None:
        self._iam = iam
        self._sts_factory = sts_factory or default_sts_factory()
        # Policy: when both slots hold keys in use, may the leaked key go before its replacement?
        self._revoke_first = revoke_first

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> Self:
        """The usual AWS variables (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or anything
        else boto3's credential chain reads; AWS_REGION) for the admin IAM client, its endpoint
        from LEAKWARD_API_AWS (else AWS_ENDPOINT_URL); LEAKWARD_AWS_REVOKE_FIRST=1 allows
        deleting the leaked key to free a slot."""
        import boto3  # type: ignore[import-untyped]

        region = environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION") or "us-east-1"
        endpoint = configured_url(environ, "aws")
        iam: IamClient = boto3.client("iam", region_name=region, endpoint_url=endpoint)
        return cls(
            iam,
            default_sts_factory(region, endpoint),
            revoke_first=environ.get("LEAKWARD_AWS_REVOKE_FIRST") == "1",
        )

    # --- verify -------------------------------------------------------------------------
    def verify(self, secret: Secret, key: KeyRef | None = None) -> Verdict:
        key_id, sep, secret_key = secret.reveal().partition(":")
        if not sep or not key_id or not secret_key:
            return Verdict(Liveness.UNKNOWN, "an AWS secret needs its access key id to verify")
        try:
            identity = self._sts_factory(key_id, secret_key).get_caller_identity()
        except Exception as exc:  # botocore raises many unrelated types; classify by code
            if is_transient(exc):
                return Verdict(Liveness.UNKNOWN, "STS could not answer; try again later")
            code = error_code(exc)
            if code in {"InvalidClientTokenId", "SignatureDoesNotMatch", "ExpiredToken"}:
                return Verdict(Liveness.DEAD, f"STS rejected the key ({code})")
            return Verdict(Liveness.UNKNOWN, f"STS answered {code or type(exc).__name__}")
        arn = identity.get("Arn")
        arn_text = arn if isinstance(arn, str) else None
        status = self._iam_status(key_id)
        if status is not None and status != "Active":
            return Verdict(Liveness.DEAD, f"IAM reports the key {status.lower()}", arn_text)
        return Verdict(Liveness.LIVE, "STS accepted the key", arn_text)

    def _iam_status(self, key_id: str) -> str | None:
        """The key's IAM status ('Missing' when IAM has no such key); None without an admin."""
        if self._iam is None:
            return None
        try:
            user = self._owner(key_id)
            for meta in _keys(aws_call(self._iam.list_access_keys, "list keys", UserName=user)):
                if meta.get("AccessKeyId") == key_id:
                    return str(meta.get("Status"))
        except NoSuchKeyError:
            return "Missing"
        except PermanentError:
            return None  # the admin cannot tell; STS's answer stands
        return "Missing"

    # --- state changes ------------------------------------------------------------------
    def _admin(self) -> IamClient:
        if self._iam is None:
            raise PermanentError("AWS: no admin IAM client configured; set one in the settings")
        return self._iam

    def _owner(self, key_id: str) -> str:
        iam = self._admin()
        found = aws_call(iam.get_access_key_last_used, "find key owner", AccessKeyId=key_id)
        user = found.get("UserName")
        if not isinstance(user, str) or not user:
            raise NoSuchKeyError("find key owner: IAM knows no such access key")
        return user

    def _user(self, key: KeyRef) -> str:
        if key.account:
            return key.account
        if not key.key_id:
            raise PermanentError("AWS: the key has neither an access key id nor a user name")
        return self._owner(key.key_id)

    def reissue(self, key: KeyRef, idempotency_token: str) -> NewCredential:
        iam = self._admin()
        user = self._user(key)
        existing = _keys(aws_call(iam.list_access_keys, "list keys", UserName=user))
        for orphan in self._own_orphans(user, idempotency_token, existing):
            # A previous attempt created this key and failed before handing it over: its
            # secret was shown once and is lost, so retire it and issue afresh.
            self._delete(user, orphan)
            existing = [k for k in existing if k.get("AccessKeyId") != orphan]
        cap = FACTS_AWS.key_cap or 2
        if len(existing) >= cap:
            self._free_slot(user, key.key_id, existing)
            existing = _keys(aws_call(iam.list_access_keys, "list keys", UserName=user))
        # Intent first: if anything fails from here on, the mark still finds the new key.
        before = tuple(str(k.get("AccessKeyId")) for k in existing)
        self._mark(user, RotationMark(idempotency_token, before=before))
        created = aws_call(iam.create_access_key, "create key", UserName=user)
        access_key = created.get("AccessKey")
        if not isinstance(access_key, Mapping):
            raise PermanentError("create key: IAM returned no AccessKey")
        new_id = str(access_key.get("AccessKeyId"))
        self._mark(user, RotationMark(idempotency_token, issued=new_id))
        return NewCredential(
            secret=aws_credential(new_id, Secret(str(access_key.get("SecretAccessKey")))),
            key_id=new_id,
            extra_public=(("user", user),),
        )

    def _own_orphans(
        self, user: str, token: str, existing: Sequence[Mapping[str, object]]
    ) -> list[str]:
        current = [str(k.get("AccessKeyId")) for k in existing]
        return keys_created_by(self._admin().list_user_tags, user, token, current)

    def _mark(self, user: str, mark: RotationMark) -> None:
        iam = self._admin()
        write_mark(iam.tag_user, iam.untag_user, iam.list_user_tags, user, mark)

    def _free_slot(
        self, user: str, leaked_id: str | None, existing: Sequence[Mapping[str, object]]
    ) -> None:
        """Delete one key that is not the leaked one: inactive first, then never used."""
        others = [k for k in existing if k.get("AccessKeyId") != leaked_id]
        for meta in others:
            if meta.get("Status") == "Inactive":
                self._delete(user, str(meta.get("AccessKeyId")))
                return
        for meta in others:
            other_id = str(meta.get("AccessKeyId"))
            used = aws_call(
                self._admin().get_access_key_last_used, "check use", AccessKeyId=other_id
            ).get("AccessKeyLastUsed")
            if not (isinstance(used, Mapping) and used.get("LastUsedDate")):
                self._delete(user, other_id)
                return
        if self._revoke_first and leaked_id is not None:
            self.revoke(KeyRef("aws", leaked_id, user))
            return
        raise PermanentError(
            f"AWS user {user} already has {len(existing)} access keys in use; free one by hand "
            "or allow revoke-first for this key"
        )

    def _delete(self, user: str, key_id: str) -> None:
        try:
            aws_call(
                self._admin().delete_access_key, "delete key", UserName=user, AccessKeyId=key_id
            )
        except NoSuchKeyError:
            return  # already gone: the goal is reached

    def capability_for(self, key: KeyRef) -> Capability:
        return self.capability

    def read_settings(self, key: KeyRef) -> Settings | None:
        return {}  # an access key has no settings of its own: its user's policies apply

    def contain(self, key: KeyRef) -> bool:
        if not key.key_id:
            raise PermanentError("AWS: contain needs the access key id")
        try:
            user = self._user(key)
            aws_call(
                self._admin().update_access_key,
                "deactivate key",
                UserName=user,
                AccessKeyId=key.key_id,
                Status="Inactive",
            )
        except NoSuchKeyError:
            return True  # a deleted key is contained too
        return True

    def revoke(self, key: KeyRef, secret: Secret | None = None) -> None:
        # Inactive first: if the delete then fails, the key is at least unusable.
        self.contain(key)
        if key.key_id is None:
            return  # unreachable: contain() refuses a key without an id
        try:
            self._delete(self._user(key), key.key_id)
        except NoSuchKeyError:
            return

    def find_unrecorded(self, key: KeyRef, idempotency_token: str, since: datetime) -> Unrecorded:
        """The key named after the attempt's token (reissue names each key it creates)."""
        return tagged(self.list_keys(key.account), idempotency_token)

    def list_keys(self, account: str | None = None) -> Sequence[KeyRef]:
        iam = self._admin()
        users = [account] if account is not None else self._all_users()
        refs: list[KeyRef] = []
        for user in users:
            keys = _keys(aws_call(iam.list_access_keys, "list keys", UserName=user))
            current = [str(k.get("AccessKeyId")) for k in keys]
            issued = issue_tokens(iam.list_user_tags, user, current)
            for meta in keys:
                key_id = str(meta.get("AccessKeyId"))
                attributes = [("status", str(meta.get("Status")))]
                if key_id in issued:
                    attributes.append(("idempotency_token", issued[key_id]))
                refs.append(KeyRef("aws", key_id, user, attributes=tuple(attributes)))
        return refs

    def _all_users(self) -> list[str]:
        """Every IAM user: ListUsers answers at most 100 per page, so follow its Marker."""
        pages = aws_call_pages(self._admin().get_paginator("list_users"), "list users")
        listings = [page.get("Users") for page in pages]
        users = [u for users in listings if isinstance(users, list) for u in users]
        return [str(u.get("UserName")) for u in users if isinstance(u, Mapping)]

    def manual_steps(self, key: KeyRef) -> str:
        who = f"user {key.account}" if key.account else "the key's IAM user"
        return (
            f"In the IAM console ({FACTS_AWS.console_url}) open {who}, Security credentials: "
            f"make access key {key.key_id or '(unknown id)'} Inactive, create a new access key, "
            "update every consumer, then delete the old key. Better: move the consumer to an "
            "IAM role so no long-lived key exists."
        )


def check_found(found: FoundSecret) -> Verdict:
    """`scan --verify` of a found AWS secret access key: it needs its access key id."""
    if not found.key_id:
        return Verdict(Liveness.UNKNOWN, "an AWS secret needs its access key id")
    factory = found.sts_factory or default_sts_factory(endpoint_url=found.urls.get("aws"))
    return AwsRotator(None, factory).verify(aws_credential(found.key_id, found.secret))
