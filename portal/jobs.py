"""Progress of long jobs (imports, uploads) that run in Celery inside one transaction.

The job's own row cannot tell the page how far it is (its changes are invisible until the transaction
commits), so the worker reports through the cache and the page polls a small block with HTMX
(``includes/job_progress.html``) until the job's row says it has finished.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache

TIMEOUT = 3600  # seconds a report stays in the cache


@dataclass(frozen=True)
class Progress:
    """The progress reports of one kind of job: ``name`` keys the cache, ``phases`` maps each phase to the
    part of the bar it fills (start and end percent)."""

    name: str
    phases: dict[str, tuple[int, int]]
    first_phase: str = ""

    def key(self, job_id: int) -> str:
        return f"{self.name}:{job_id}:progress"

    def report(self, job_id: int, phase: str, done: int, total: int) -> None:
        cache.set(self.key(job_id), {"phase": phase, "done": done, "total": total}, timeout=TIMEOUT)

    def of(self, job_id: int, *, running: bool, status: str) -> dict:
        """Percentage and phase for the progress bar (the cache may be empty between phases)."""
        if not running:
            return {"percent": 100, "phase": status}
        first = self.first_phase or next(iter(self.phases))
        state = cache.get(self.key(job_id)) or {"phase": first, "done": 0, "total": 0}
        start, end = self.phases.get(state["phase"], (0, 100))
        fraction = state["done"] / state["total"] if state.get("total") else 0
        return {"percent": int(start + (end - start) * min(fraction, 1)), "phase": state["phase"]}
