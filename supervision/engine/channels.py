"""Channels: how a notification reaches its recipient. A channel is one class with ``deliver``;
a new one (SMS, for instance) is one more class in ``CHANNELS``."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage, get_connection

logger = logging.getLogger(__name__)


class Channel:
    name = ""

    def deliver(self, notifications: list) -> dict[int, str]:
        """Send each notification; return {notification id: error} for those that failed."""
        raise NotImplementedError


class InboxChannel(Channel):
    """The portal inbox: the notification row is the message, delivered once it is marked sent."""

    name = "inbox"

    def deliver(self, notifications: list) -> dict[int, str]:
        return {}


class EmailChannel(Channel):
    name = "email"

    def deliver(self, notifications: list) -> dict[int, str]:
        errors: dict[int, str] = {}
        try:
            connection = get_connection(fail_silently=False)
            connection.open()
        except Exception as exc:  # the server is down: every message fails and is retried later
            logger.warning("e-mail connection failed: %s", exc)
            return {n.pk: f"{type(exc).__name__}: {exc}" for n in notifications}
        try:
            for notification in notifications:
                message = EmailMessage(
                    subject=notification.subject.replace("\n", " "),
                    body=notification.body,
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    to=[notification.recipient],
                    connection=connection,
                )
                try:
                    if notification.attachment:
                        with default_storage.open(notification.attachment, "rb") as handle:
                            message.attach(notification.attachment.rsplit("/", 1)[-1], handle.read(), "application/pdf")
                    if connection.send_messages([message]) != 1:
                        errors[notification.pk] = "the mail server did not accept the message"
                except Exception as exc:
                    errors[notification.pk] = f"{type(exc).__name__}: {exc}"
        finally:
            try:
                connection.close()
            except Exception:  # pragma: no cover - closing a broken connection
                logger.debug("closing the e-mail connection failed", exc_info=True)
        return errors


CHANNELS: dict[str, Channel] = {channel.name: channel for channel in (EmailChannel(), InboxChannel())}
