"""The project package: settings, URLs, the Celery app, accounts and roles, dashboard, public pages."""

from portal.celery import app as celery_app

__all__ = ["celery_app"]
