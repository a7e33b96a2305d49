"""E-mail backends that fail like an SMTP server does, for the outbox's retry tests."""

import smtplib

from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class FailingBackend(LocmemBackend):
    """A server that drops every connection."""

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class FlakyBackend(LocmemBackend):
    """Drops the first ``failures`` messages, then delivers to ``mail.outbox``."""

    failures = 2

    def send_messages(self, messages):
        if FlakyBackend.failures > 0:
            FlakyBackend.failures -= 1
            raise smtplib.SMTPDataError(451, "Try again later")
        return super().send_messages(messages)
