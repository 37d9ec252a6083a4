"""Celery tasks of the portal itself, each defined where its work is done; the worker finds them here."""

from portal.exports import build_export

__all__ = ["build_export"]
