"""Celery tasks of the deadlines engine, each defined where its work is done; beat finds them here.

Every one is idempotent: run twice, it does the work once.
"""

from supervision.engine.cases import issue_case_notice
from supervision.engine.criticism import render_criticism_pdf
from supervision.engine.delivery import deliver_notifications
from supervision.engine.digest import weekly_digest
from supervision.engine.sweep import daily_sweep

__all__ = ["daily_sweep", "deliver_notifications", "issue_case_notice", "render_criticism_pdf", "weekly_digest"]
