"""The one IAM user tag in which an AWS rotation records its intent, so a lost key is found again.

Stage: rotators (providers). IAM shows a new secret access key once, so a crash or a failed call
right after `CreateAccessKey` must not leave an unrecorded key in one of the user's two slots.
Before creating, the rotation writes a mark naming its token and the keys the user already held;
any other key found later was created by that rotation. Once the new key id is known the mark
names it instead. One tag key (`leakward-rotation`) is reused by every rotation, so a user never
nears IAM's 50-tag limit however often it is rotated; earlier releases wrote one tag per
rotation (`leakward-rotation:<token>`), and those are removed when the mark is written.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

from leakward.rotators.base import PermanentError
from leakward.rotators.providers.aws_errors import aws_call, error_code

MARK_TAG = "leakward-rotation"
_LEGACY_PREFIX = MARK_TAG + ":"
# IAM tag values allow letters, digits, spaces and _ . : / = + - @ (no commas), up to 256 chars.
_TOKEN_CHARS = 100

IamCall = Callable[..., Mapping[str, object]]


@dataclass(frozen=True, slots=True)
class RotationMark:
    """A rotation's record on its IAM user: `issued` once known, else the keys held `before`."""

    token: str
    issued: str | None = None
    before: tuple[str, ...] = ()

    def tag_value(self) -> str:
        token = self.token[:_TOKEN_CHARS]
        if self.issued is not None:
            return f"{token} issued={self.issued}"
        return f"{token} before={'/'.join(self.before)}"

    def created_keys(self, current: Collection[str]) -> list[str]:
        """The user's keys this rotation created, given the key ids the user holds now."""
        if self.issued is not None:
            return [self.issued] if self.issued in current else []
        return [key_id for key_id in current if key_id not in self.before]

    def is_for(self, token: str) -> bool:
        return self.token == token[:_TOKEN_CHARS]


def parse_mark(value: str) -> RotationMark | None:
    token, _, state = value.partition(" ")
    name, _, ids = state.partition("=")
    if not token or name not in {"issued", "before"}:
        return None
    if name == "issued":
        return RotationMark(token, issued=ids) if ids else None
    return RotationMark(token, before=tuple(i for i in ids.split("/") if i))


def _user_tags(list_user_tags: IamCall, user: str) -> list[tuple[str, str]]:
    tags = aws_call(list_user_tags, "read tags", UserName=user).get("Tags")
    return [
        (str(item.get("Key", "")), str(item.get("Value", "")))
        for item in (tags if isinstance(tags, list) else [])
        if isinstance(item, Mapping)
    ]


def read_mark(list_user_tags: IamCall, user: str) -> RotationMark | None:
    for key, value in _user_tags(list_user_tags, user):
        if key == MARK_TAG:
            return parse_mark(value)
    return None


def _legacy_issue_tokens(list_user_tags: IamCall, user: str) -> dict[str, str]:
    """Key id -> token from the per-rotation tags earlier releases wrote."""
    return {
        value: key[len(_LEGACY_PREFIX) :]
        for key, value in _user_tags(list_user_tags, user)
        if key.startswith(_LEGACY_PREFIX)
    }


def write_mark(
    tag_user: IamCall, untag_user: IamCall, list_user_tags: IamCall, user: str, mark: RotationMark
) -> None:
    """Replace the user's mark; drop legacy per-rotation tags first, as they use up the limit."""
    legacy = [key for key, _ in _user_tags(list_user_tags, user) if key.startswith(_LEGACY_PREFIX)]
    if legacy:
        aws_call(untag_user, "remove old rotation tags", UserName=user, TagKeys=legacy[:50])
    tag = {"Key": MARK_TAG, "Value": mark.tag_value()}
    try:
        aws_call(tag_user, "record the rotation on the user", UserName=user, Tags=[tag])
    except PermanentError as exc:
        if error_code(exc.__cause__ or exc) != "LimitExceeded":
            raise
        raise PermanentError(
            f"AWS user {user} already carries IAM's maximum of 50 tags, so leakward cannot record "
            "the rotation before creating a key; remove one tag from the user and retry"
        ) from exc


def keys_created_by(
    list_user_tags: IamCall, user: str, token: str, current: Collection[str]
) -> list[str]:
    """Keys among `current` that an earlier attempt of rotation `token` created."""
    mark = read_mark(list_user_tags, user)
    found = mark.created_keys(current) if mark is not None and mark.is_for(token) else []
    legacy = _legacy_issue_tokens(list_user_tags, user)
    return found + [k for k in current if legacy.get(k) == token[:_TOKEN_CHARS] and k not in found]


def issue_tokens(list_user_tags: IamCall, user: str, current: Collection[str]) -> dict[str, str]:
    """Key id -> the token of the rotation that issued it, for the keys in `current`."""
    found = _legacy_issue_tokens(list_user_tags, user)
    mark = read_mark(list_user_tags, user)
    if mark is not None:
        found.update(dict.fromkeys(mark.created_keys(current), mark.token))
    return found
