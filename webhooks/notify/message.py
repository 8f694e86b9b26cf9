"""The words of a notice, shared by every notifier: what leaked, where, for how long, what was
done and what the owner must still do.

Stage: notifiers. A `Notice` carries only redacted hints and fingerprints, so nothing rendered
here can contain a secret.
"""

from __future__ import annotations

from leakward.rotators.base import Notice


def exposure_text(seconds: float | None) -> str:
    if seconds is None:
        return "unknown"
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    parts = [f"{days}d"] if days else []
    parts += [f"{hours}h"] if hours or days else []
    return " ".join([*parts, f"{minutes}m", f"{secs}s"])


def sections(notice: Notice) -> list[tuple[str, list[str]]]:
    """(heading, lines) pairs in the order every notifier shows them."""
    return [
        (
            "What leaked",
            [f"{notice.provider} key {notice.key_hint} (fingerprint {notice.fingerprint})"],
        ),
        ("Where", list(notice.locations) or ["location not recorded"]),
        ("Exposure window", [exposure_text(notice.exposure_seconds)]),
        ("What leakward did", list(notice.actions_taken) or ["nothing yet"]),
        ("What you must still do", list(notice.owner_must) or ["nothing"]),
    ]


def plain_text(notice: Notice) -> str:
    lines = [notice.subject, ""]
    for heading, items in sections(notice):
        lines.append(f"{heading}:")
        lines.extend(f"  - {item}" for item in items)
        lines.append("")
    return "\n".join(lines)


def markdown(notice: Notice) -> str:
    lines = []
    for heading, items in sections(notice):
        lines.append(f"### {heading}")
        lines.extend(f"- {item}" for item in items)
        lines.append("")
    return "\n".join(lines)


def as_json(notice: Notice) -> dict[str, object]:
    return {
        "subject": notice.subject,
        "recipient": notice.recipient,
        "provider": notice.provider,
        "key_hint": notice.key_hint,
        "fingerprint": notice.fingerprint,
        "locations": list(notice.locations),
        "repository": notice.repository,
        "exposure_seconds": notice.exposure_seconds,
        "actions_taken": list(notice.actions_taken),
        "owner_must": list(notice.owner_must),
    }
