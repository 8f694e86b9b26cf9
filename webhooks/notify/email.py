"""E-mail notices over SMTP (smtplib): plain text, one message per notice.

Stage: notifiers. The Message-ID is derived from the idempotency key, so mail clients fold a
retried delivery into the first one. Connection failures and 4xx SMTP replies are transient;
5xx replies (unknown recipient, refused sender) are permanent.
"""

from __future__ import annotations

import hashlib
import smtplib
import ssl
from email.message import EmailMessage
from typing import ClassVar

from leakward.rotators.base import Notice, PermanentError, TransientError
from leakward.webhooks.notify.message import plain_text


class EmailNotifier:
    kind: ClassVar[str] = "email"

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        *,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        timeout: float = 10.0,
    ) -> None:
        self.host = host
        self.port = port
        self.sender = sender
        self.username = username
        self.password = password
        self.starttls = starttls
        self.timeout = timeout

    def message(self, notice: Notice, idempotency_key: str) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = notice.recipient
        message["Subject"] = f"[leakward] {notice.subject}"
        digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]
        message["Message-ID"] = f"<{digest}@leakward>"
        message.set_content(plain_text(notice))
        return message

    def send(self, notice: Notice, idempotency_key: str) -> None:
        message = self.message(notice, idempotency_key)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.username and self.password:
                    smtp.login(self.username, self.password)
                smtp.send_message(message)
        except smtplib.SMTPResponseException as error:
            what = f"e-mail to {notice.recipient}: SMTP {error.smtp_code}"
            if 400 <= error.smtp_code < 500:
                raise TransientError(what) from None
            raise PermanentError(f"{what}; check the address and the relay's settings") from None
        except smtplib.SMTPRecipientsRefused:
            raise PermanentError(
                f"e-mail to {notice.recipient} was refused; fix the owner's address"
            ) from None
        except (OSError, smtplib.SMTPException) as error:
            raise TransientError(f"e-mail relay {self.host}: {type(error).__name__}") from None
