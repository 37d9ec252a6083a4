"""Channels: how a notification reaches its recipient. A channel is one class with ``deliver``;
a new one (SMS, for instance) is one more class in ``CHANNELS``.

A run of deliveries (``delivery.deliver_due``, a sweep) sends through one ``Outbox``: each channel's
connection (the mail server's) is opened at its first message and kept until the run ends, not opened
again for every batch."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage, get_connection

logger = logging.getLogger(__name__)


class Channel:
    name = ""

    def open(self):
        """The connection a run keeps for this channel (None: the channel needs none)."""
        return None

    def close(self, connection) -> None:
        """Close what ``open`` returned."""

    def deliver(self, notifications: list, connection=None) -> dict[int, str]:
        """Send each notification through ``connection`` (from ``open``); return {notification id:
        error} for those that failed."""
        raise NotImplementedError


class InboxChannel(Channel):
    """The portal inbox: the notification row is the message, delivered once it is marked sent."""

    name = "inbox"

    def deliver(self, notifications: list, connection=None) -> dict[int, str]:
        return {}


def error_text(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"


class EmailChannel(Channel):
    name = "email"

    def open(self):
        connection = get_connection(fail_silently=False)
        connection.open()
        return connection

    def close(self, connection) -> None:
        try:
            connection.close()
        except Exception:  # pragma: no cover - closing a broken connection
            logger.debug("closing the e-mail connection failed", exc_info=True)

    def deliver(self, notifications: list, connection=None) -> dict[int, str]:
        """Send over ``connection`` (or one opened for these messages alone). A message the server
        refuses fails alone; after an error the connection is opened again for the next message, and
        when it cannot be, the rest fail (each is retried later)."""
        errors: dict[int, str] = {}
        own = connection is None
        try:
            if own:
                connection = self.open()
        except Exception as exc:  # the server is down: every message fails and is retried later
            logger.warning("e-mail connection failed: %s", exc)
            return {n.pk: error_text(exc) for n in notifications}
        try:
            for index, notification in enumerate(notifications):
                try:
                    message = EmailMessage(
                        subject=notification.subject.replace("\n", " "),
                        body=notification.body,
                        from_email=settings.DEFAULT_FROM_EMAIL,
                        to=[notification.recipient],
                        connection=connection,
                    )
                    if notification.attachment:
                        with default_storage.open(notification.attachment, "rb") as handle:
                            message.attach(notification.attachment.rsplit("/", 1)[-1], handle.read(), "application/pdf")
                    if connection.send_messages([message]) != 1:
                        errors[notification.pk] = "the mail server did not accept the message"
                except Exception as exc:
                    errors[notification.pk] = error_text(exc)
                    try:  # the connection may be broken: a fresh one for the next message
                        self.close(connection)
                        connection.open()
                    except Exception as again:
                        logger.warning("e-mail connection failed: %s", again)
                        rest = notifications[index + 1 :]
                        errors.update({n.pk: error_text(again) for n in rest})
                        break
        finally:
            if own:
                self.close(connection)
        return errors


CHANNELS: dict[str, Channel] = {channel.name: channel for channel in (EmailChannel(), InboxChannel())}


class Outbox:
    """The connections of one run of deliveries, each opened at its channel's first message and closed
    when the run ends (``with Outbox() as outbox``). A channel that cannot connect fails its messages
    for the rest of the run without trying again: they are retried by the next run."""

    def __init__(self):
        self.connections: dict[str, object] = {}
        self.broken: dict[str, str] = {}

    def deliver(self, name: str, notifications: list) -> dict[int, str]:
        channel = CHANNELS[name]
        if name in self.broken:
            return {n.pk: self.broken[name] for n in notifications}
        if name not in self.connections:
            try:
                self.connections[name] = channel.open()
            except Exception as exc:
                logger.warning("%s connection failed: %s", name, exc)
                self.broken[name] = error_text(exc)
                return {n.pk: self.broken[name] for n in notifications}
        return channel.deliver(notifications, self.connections[name])

    def close(self) -> None:
        for name, connection in self.connections.items():
            if connection is not None:
                CHANNELS[name].close(connection)
        self.connections.clear()

    def __enter__(self) -> Outbox:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
