"""A list longer than ``SYNC_MAX_ROWS`` is exported by Celery: the request answers with the job's page
(a progress bar polled by HTMX), the worker calls the list's own view as the user who asked, and the
file is served only to that user, through the scoped download view."""

import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from factories import ContactFactory, PlatformFactory
from openpyxl import load_workbook

from portal import exports
from portal.models import ExportJob

pytestmark = pytest.mark.django_db

LIST = "/ca/recognition/?scope=same_vendor"


def rows_of(content: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(content)).active
    return list(sheet.iter_rows(min_row=exports.HEADER_ROW, values_only=True))


def download_link(html: str) -> str:
    return re.search(r'href="([^"]+)" data-testid="export-download"', html).group(1)


@pytest.mark.parametrize("persona", ["province", "szca"])
def test_a_long_list_is_built_by_celery_as_the_user_who_asked(
    client_for, filled, monkeypatch, django_capture_on_commit_callbacks, persona
):
    client = client_for(persona)
    in_the_request = client.get(f"{LIST}&format=xlsx")
    assert in_the_request["Content-Type"] == exports.XLSX
    expected = rows_of(in_the_request.content)
    assert len(expected) > 5  # a header and more rows than the limit below

    monkeypatch.setattr(exports, "SYNC_MAX_ROWS", 3)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(f"{LIST}&format=xlsx")
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE
    assert (job.path, job.query, job.created_by.username) == ("/ca/recognition/", "scope=same_vendor", persona)

    page = client.get(job.get_absolute_url()).content.decode()
    assert 'aria-valuenow="100"' in page and "hx-get" not in page  # finished: no more polling
    download = client.get(download_link(page))
    assert download.status_code == 200
    assert rows_of(b"".join(download.streaming_content)) == expected


def test_only_the_user_who_asked_sees_the_job_and_its_file(client_for, personas):
    job = ExportJob.objects.create(
        created_by=personas["puyang"], title="任务", path="/registry/obligations/", language="zh-hans", time_zone="UTC"
    )
    assert exports.build(job.pk) == ExportJob.Status.DONE
    job.refresh_from_db()
    page = client_for("puyang").get(job.get_absolute_url())
    assert page.status_code == 200
    file_url = download_link(page.content.decode())
    assert client_for("puyang").get(file_url).status_code == 200
    for other in ("province", "zhengzhou", "szca"):
        assert client_for(other).get(job.get_absolute_url()).status_code == 404
        assert client_for(other).get(file_url).status_code == 404
        assert client_for(other).get(f"/exports/{job.pk}/progress/").status_code == 404
    assert client_for("anonymous").get(file_url).status_code == 302  # to the log-in page
    assert f"/media/{job.file.name}" not in page.content.decode()


def test_the_progress_bar_polls_while_the_job_runs_and_reloads_the_page_when_it_ends(client_for, personas):
    job = ExportJob.objects.create(
        created_by=personas["province"],
        title="任务",
        path="/registry/obligations/",
        language="zh-hans",
        time_zone="Asia/Shanghai",
        total_rows=1000,
    )
    client = client_for("province")
    exports.PROGRESS.report(job.pk, "rows", 500, 1000)
    block = client.get(f"/exports/{job.pk}/progress/?running=1")
    assert 'hx-trigger="every 1s"' in block.content.decode() and 'aria-valuenow="47"' in block.content.decode()
    assert "HX-Refresh" not in block

    exports.build(job.pk)
    block = client.get(f"/exports/{job.pk}/progress/?running=1")
    assert block["HX-Refresh"] == "true"
    assert 'data-testid="export-download"' in block.content.decode()
    assert exports.build(job.pk) == ExportJob.Status.DONE  # a second delivery of the task changes nothing


def test_the_worker_applies_the_lists_own_permission_checks(client_for, personas):
    """A vendor user may not read the send log: an export of it made in their name fails, empty."""
    job = ExportJob.objects.create(
        created_by=personas["szca"],
        title="发送记录",
        path="/registry/notifications/",
        language="zh-hans",
        time_zone="UTC",
    )
    assert exports.build(job.pk) == ExportJob.Status.FAILED
    job.refresh_from_db()
    assert not job.file
    page = client_for("szca").get(job.get_absolute_url()).content.decode()
    assert 'data-testid="export-failed"' in page and 'data-testid="export-download"' not in page


@pytest.mark.parametrize(
    ("url", "grow"),
    [
        ("/registry/contacts/?format=xlsx", lambda: ContactFactory.create_batch(30)),
        ("/registry/platforms/?format=xlsx", lambda: PlatformFactory.create_batch(30)),
        ("/registry/obligations/?format=xlsx", lambda: [ContactFactory(), *obligations(30)]),
    ],
)
def test_an_export_takes_as_many_queries_for_many_rows_as_for_a_few(client_for, url, grow):
    client = client_for("puyang")

    def measure() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        return len(queries), len(rows_of(response.content))

    measure()  # warm the caches (content types, permissions)
    few_queries, few_rows = measure()
    grow()
    many_queries, many_rows = measure()
    assert many_rows >= few_rows + 30
    assert many_queries == few_queries


def obligations(n: int) -> list:
    from supervision.models import Obligation

    platform = PlatformFactory()
    return [
        Obligation.objects.create(kind="announcement", title=f"测试任务{i}", platform=platform, key=f"lists-{i}")
        for i in range(n)
    ]


def test_a_new_export_deletes_the_users_exports_older_than_a_week(client_for, personas, monkeypatch):
    def finished(persona: str, days_ago: int) -> ExportJob:
        job = ExportJob.objects.create(
            created_by=personas[persona],
            title="任务",
            path="/registry/obligations/",
            language="zh-hans",
            time_zone="UTC",
        )
        exports.build(job.pk)
        ExportJob.objects.filter(pk=job.pk).update(created=timezone.now() - datetime.timedelta(days=days_ago))
        job.refresh_from_db()
        return job

    old, recent, others = finished("province", 8), finished("province", 2), finished("puyang", 8)
    storage = old.file.storage
    assert storage.exists(old.file.name)
    monkeypatch.setattr(exports, "SYNC_MAX_ROWS", 3)
    assert client_for("province").get("/registry/obligations/?format=xlsx").status_code == 302
    assert not ExportJob.objects.filter(pk=old.pk).exists() and not storage.exists(old.file.name)
    assert ExportJob.objects.filter(pk__in=[recent.pk, others.pk]).count() == 2
    assert storage.exists(recent.file.name) and storage.exists(others.file.name)
