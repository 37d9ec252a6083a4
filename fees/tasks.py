"""Celery tasks of the fee rules, each defined where its work is done; beat finds them here.

``sweep_fee_rules`` runs daily (beat schedule).
"""

from fees.importing.jobs import run_import
from fees.sweep import check_vendor_compliance, sweep_fee_rules

__all__ = ["check_vendor_compliance", "run_import", "sweep_fee_rules"]
