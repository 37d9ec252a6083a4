"""Progress of background jobs (an xlsx import, a certificate upload, a large export) for a page's
progress bar, drawn by ``templates/includes/job_progress.html``.

A job runs in Celery, often inside one transaction, so its rows cannot say how far it is: it reports
``(phase, done, total)`` to the cache instead, and the page polls ``percent`` through HTMX (each
job's progress view answers with ``progress_block``). Each phase fills its own share of the bar
(``{"reading": (0, 20), "writing": (20, 100)}``).
"""

from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render

TIMEOUT = 3600  # seconds a report is kept: longer than any job runs


class Progress:
    def __init__(self, prefix: str, phases: dict[str, tuple[int, int]], first: str = "") -> None:
        self.prefix = prefix
        self.phases = phases
        self.first = first or next(iter(phases))  # the phase a queued job is in before it reports

    def key(self, job_id: int) -> str:
        return f"{self.prefix}:{job_id}:progress"

    def report(self, job_id: int, phase: str, done: int, total: int) -> None:
        cache.set(self.key(job_id), {"phase": phase, "done": done, "total": total}, timeout=TIMEOUT)

    def forget(self, job_id: int) -> None:
        cache.delete(self.key(job_id))

    def of(self, job_id: int, *, running: bool, status: str) -> dict:
        """``{"percent": 0..100, "phase": …}``; a finished job is at 100 % in its final status (the
        cache may be empty between phases, or on another machine's local cache: then 0 %)."""
        if not running:
            return {"percent": 100, "phase": status}
        state = cache.get(self.key(job_id)) or {"phase": self.first, "done": 0, "total": 0}
        start, end = self.phases.get(state["phase"], (0, 100))
        fraction = state["done"] / state["total"] if state.get("total") else 0
        return {"percent": int(start + (end - start) * min(fraction, 1)), "phase": state["phase"]}


def progress_block(request, template: str, context: dict, job) -> HttpResponse:
    """The progress block of ``job`` (``template`` includes ``includes/job_progress.html``), polled by
    HTMX while the job runs; once it has finished, the poll asks for a reload of the page."""
    response = render(request, template, context)
    if not job.running and request.GET.get("running"):
        response["HX-Refresh"] = "true"
    return response
