"""Celery tasks of the 2023 trial, each defined where its work is done; beat finds them here."""

from trial.checks import trial_checks

__all__ = ["trial_checks"]
