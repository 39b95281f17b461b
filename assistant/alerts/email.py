"""The e-mail notifier: alerts as plain-text UTF-8 mail over SMTP (TBT_SMTP_*).

Registered for the `email` channel when TBT_SMTP_HOST is set. A refused recipient or a server
that is down is reported as a failed `Delivery` (temporary 4xx and connection errors retryable,
permanent 5xx refusals not), never raised, so the alert runner can retry it later.
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from assistant.config import Settings
from assistant.notify import Address, Delivery, NotifierRegistry


class EmailNotifier:
    """Sends one message per call; opens a short SMTP connection each time (alerts are few)."""

    channel = "email"

    def __init__(self, host: str, port: int = 25, *, sender: str = "tbt-assistant@localhost",
                 user: str | None = None, password: str | None = None, starttls: bool = False,
                 timeout: float = 20.0) -> None:
        self.host = host
        self.port = port
        self.sender = sender
        self.user = user
        self.password = password
        self.starttls = starttls
        self.timeout = timeout

    @classmethod
    def from_settings(cls, settings: Settings) -> EmailNotifier | None:
        if not settings.smtp_host:
            return None
        return cls(settings.smtp_host, settings.smtp_port, sender=settings.smtp_from,
                   user=settings.smtp_user, password=settings.smtp_password,
                   starttls=settings.smtp_starttls)

    def build(self, address: Address, text: str, subject: str | None) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = self.sender
        msg["To"] = address.user_id
        msg["Subject"] = subject or "tbt-assistant"
        msg["Date"] = formatdate(localtime=False)
        msg["Message-ID"] = make_msgid(domain=self.sender.rpartition("@")[2] or "localhost")
        msg["Auto-Submitted"] = "auto-generated"
        msg.set_content(text, charset="utf-8")
        return msg

    def send(self, address: Address, text: str, *, subject: str | None = None) -> Delivery:
        if address.channel != self.channel or "@" not in address.user_id:
            return Delivery(False, "not an e-mail address", retryable=False)
        msg = self.build(address, text, subject)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.user:
                    smtp.login(self.user, self.password or "")
                smtp.send_message(msg)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            temporary = all(400 <= c < 500 for c in codes)
            return Delivery(False, f"recipient refused ({', '.join(map(str, codes))})",
                            retryable=temporary)
        except smtplib.SMTPResponseException as exc:
            return Delivery(False, f"SMTP {exc.smtp_code}", retryable=400 <= exc.smtp_code < 500)
        except (smtplib.SMTPException, OSError) as exc:
            return Delivery(False, f"SMTP unavailable ({type(exc).__name__})", retryable=True)
        return Delivery(True)


def register_email(settings: Settings, registry: NotifierRegistry) -> EmailNotifier | None:
    """Register the e-mail notifier when SMTP is configured; the notifier, or None."""
    notifier = EmailNotifier.from_settings(settings)
    if notifier is not None:
        registry.register(notifier)
    return notifier
