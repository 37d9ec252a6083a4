"""The steps of scripts/prod_smoke.sh that are easier in Python.

    prod_smoke_checks.py fresh-database      drop and create DATABASE_URL's database (name must end in "smoke")
    prod_smoke_checks.py open-case           open a rectification case with its notice PDF; prints its id and file
    prod_smoke_checks.py check URL PID       wait for the server (process PID) at URL, then check it

The checks talk HTTP with the standard library, as a browser behind the TLS proxy would: every request
carries ``X-Forwarded-Proto: https``, and cookies are kept by hand (they are ``Secure``).
"""

import http.client
import json
import os
import re
import sys
import time
import urllib.parse
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = os.environ.get("SMOKE_PASSWORD", "")
READY_SECONDS = 60


def django_setup() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    sys.path.insert(0, str(ROOT))
    django.setup()


def fresh_database() -> None:
    import environ
    import psycopg2
    from psycopg2 import sql

    config = environ.Env.db_url_config(os.environ["DATABASE_URL"])
    name = config["NAME"]
    if not name.endswith("smoke"):
        print(f"prod-smoke: using the existing database {name!r} (only a *smoke database is recreated)")
        return
    connection = psycopg2.connect(
        dbname="postgres",
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connection.close()
    print(f"prod-smoke: database {name!r} created afresh")


def open_case() -> None:
    django_setup()
    from portal.accounts.models import User
    from supervision.engine import cases as case_flow
    from supervision.models import Finding, RectificationCase

    finding = Finding.objects.filter(status=Finding.Status.OPEN, vendor__isnull=False).order_by("pk").first()
    if finding is None:
        sys.exit("prod-smoke: the demo data has no open finding to open a case with")
    case = case_flow.open_case(findings=[finding], by=User.objects.get(username="province"))
    case = RectificationCase.objects.get(pk=case.pk)
    if not case.notice_pdf:
        sys.exit(f"prod-smoke: case {case.number} has no notice PDF")
    print(case.pk, case.notice_pdf.name)


class Browser:
    """HTTP/1.1 to the server with the headers a TLS proxy adds, and a cookie jar that keeps Secure cookies."""

    def __init__(self, base: str):
        parts = urllib.parse.urlsplit(base)
        self.host, self.port = parts.hostname, parts.port
        self.origin = f"https://{self.host}:{self.port}"
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, *, body=None, headers=None, proxy=True):
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        sent = {"Host": f"{self.host}:{self.port}", **(headers or {})}
        if proxy:
            sent["X-Forwarded-Proto"] = "https"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{key}={value}" for key, value in self.cookies.items())
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for key, morsel in SimpleCookie(header).items():
                self.cookies[key] = morsel.value
        return response, content

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)

    def post_form(self, path: str, fields: dict):
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": self.origin,
            "Referer": self.origin + path,
        }
        return self.request("POST", path, body=urllib.parse.urlencode(fields), headers=headers)


class Checks:
    def __init__(self):
        self.failures: list[str] = []

    def expect(self, label: str, condition: bool, detail: str = "") -> bool:
        print(f"prod-smoke: {'ok  ' if condition else 'FAIL'} {label}{'' if condition else f' ({detail})'}")
        if not condition:
            self.failures.append(label)
        return condition

    def status(self, label: str, response, content: bytes, status: int, content_type: str = "") -> bool:
        got_type = response.headers.get("Content-Type", "")
        ok = response.status == status and got_type.startswith(content_type)
        return self.expect(label, ok, f"answered {response.status} {got_type}: {content[:200]!r}")


def wait_until_up(browser: Browser, pid: int) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            sys.exit("prod-smoke: gunicorn stopped before answering")
        try:
            browser.get("/accounts/login/")
            return
        except OSError:
            if time.monotonic() > deadline:
                sys.exit(f"prod-smoke: gunicorn did not answer within {READY_SECONDS} s")
            time.sleep(0.2)


def check(base: str, pid: int) -> int:
    case_id = os.environ["SMOKE_CASE"]
    anonymous, browser = Browser(base), Browser(base)
    wait_until_up(anonymous, pid)
    c = Checks()

    response, content = anonymous.get("/")
    c.status("home page", response, content, 200, "text/html")
    c.expect("HSTS header", "max-age" in response.headers.get("Strict-Transport-Security", ""))
    policy = response.headers.get("Content-Security-Policy", "")
    c.expect("Content-Security-Policy header", "default-src 'self'" in policy and "unsafe-inline" not in policy, policy)
    response, content = anonymous.get("/", proxy=False)
    c.expect(
        "plain http is redirected to https",
        response.status == 301 and response.headers.get("Location", "").startswith("https://"),
        f"answered {response.status} {response.headers.get('Location')}",
    )
    response, content = anonymous.get("/public/trial/")
    c.status("public page (trial directory)", response, content, 200, "text/html")
    response, content = anonymous.get("/fees/tariffs/")
    c.status("public page (tariffs)", response, content, 200, "text/html")

    # A static file named by the page, as the manifest storage hashed it, served by whitenoise.
    home = anonymous.get("/")[1].decode()
    stylesheet = re.search(r'href="(/static/vendor/bootstrap/bootstrap\.min\.[0-9a-f]{12}\.css)"', home)
    if c.expect("home page links hashed static files", stylesheet is not None):
        response, content = anonymous.get(stylesheet.group(1), headers={"Accept-Encoding": "gzip"})
        c.status("static file", response, content, 200, "text/css")
        c.expect("static file is compressed", response.headers.get("Content-Encoding") == "gzip")
        c.expect("static file is cached for long", "max-age=315360000" in response.headers.get("Cache-Control", ""))

    response, content = anonymous.get("/no/such/page/")
    c.status("unknown address answers 404", response, content, 404, "text/html")

    response, content = browser.get("/accounts/login/")
    c.status("login page", response, content, 200, "text/html")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content)
    if c.expect("login form has a CSRF token", token is not None and "csrftoken" in browser.cookies):
        response, content = browser.post_form(
            "/accounts/login/",
            {"csrfmiddlewaretoken": token.group(1).decode(), "username": "province", "password": PASSWORD},
        )
        c.expect(
            "log in through the form",
            response.status == 302 and "sessionid" in browser.cookies,
            f"answered {response.status}",
        )
    response, content = browser.get("/dashboard/")
    c.status("logged-in page (dashboard)", response, content, 200, "text/html")
    response, content = browser.get("/registry/cases/")
    c.status("logged-in page (cases)", response, content, 200, "text/html")

    response, content = browser.get(f"/registry/cases/{case_id}/notice.pdf")
    c.status("case notice PDF", response, content, 200, "application/pdf")
    c.expect("the PDF is a PDF", content.startswith(b"%PDF-"))
    notice = f"/files/supervision.rectificationcase/{case_id}/notice_pdf/"
    response, content = browser.get(notice)
    c.status("scoped download of the notice", response, content, 200, "application/pdf")
    response, content = anonymous.get(notice)
    c.expect(
        "anonymous download goes to the login",
        response.status == 302 and "/accounts/login/" in response.headers.get("Location", ""),
        f"answered {response.status}",
    )
    response, content = anonymous.get(f"/media/{os.environ['SMOKE_NOTICE']}")
    c.status("no public /media/ address", response, content, 404)

    body = json.dumps({"username": "province", "password": PASSWORD})
    response, content = anonymous.request(
        "POST", "/api/v1/auth/token/", body=body, headers={"Content-Type": "application/json"}
    )
    api_token = json.loads(content).get("token") if response.status == 200 else None
    c.expect("API token", bool(api_token), f"answered {response.status}: {content[:200]!r}")
    api = Browser(base)
    auth = {"Authorization": f"Token {api_token}", "Accept": "application/json"}
    response, content = api.get("/api/v1/platforms/", headers=auth)
    if c.status("API call with the token", response, content, 200, "application/json"):
        c.expect("API lists platforms", json.loads(content).get("count", 0) > 0)
    response, content = api.request("OPTIONS", "/api/v1/platforms/", headers=auth)
    c.status("API OPTIONS", response, content, 200, "application/json")
    response, content = api.get("/api/v1/platforms/", headers={"Accept": "application/json"})
    c.expect("API without a token is refused", response.status in (401, 403), f"answered {response.status}")
    response, content = anonymous.get("/api/docs/")
    c.status("API documentation", response, content, 200, "text/html")
    response, content = anonymous.get("/api/docs/?script=")
    c.status("API documentation's script (no inline script)", response, content, 200, "application/javascript")

    if c.failures:
        print(f"prod-smoke: {len(c.failures)} check(s) failed: {', '.join(c.failures)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "fresh-database":
        fresh_database()
    elif command == "open-case":
        open_case()
    elif command == "check" and len(sys.argv) == 4:
        sys.exit(check(sys.argv[2], int(sys.argv[3])))
    else:
        sys.exit(__doc__)
