"""Log in as each demo user through the login form and open the dashboard and a registry page."""

import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
django.setup()

from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

PASSWORD = os.environ.get("DEMO_PASSWORD", "demo-pass-2026")
PAGES = ["/dashboard/", "/registry/vendors/", "/registry/platforms/", "/api/v1/vendors/"]
failures = 0
with override_settings(ALLOWED_HOSTS=["testserver"]):
    anonymous = Client()
    if anonymous.get("/").status_code != 200 or anonymous.get("/dashboard/").status_code != 302:
        failures += 1
        print("anonymous: home or login redirect wrong")
    for username in ["province", "puyang", "zhengzhou", "szca", "bjca", "platform-puyang"]:
        client = Client()
        login = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
        if login.status_code != 302:
            failures += 1
            print(f"{username}: log-in failed ({login.status_code})")
            continue
        for page in PAGES:
            status = client.get(page).status_code
            print(f"{username:16} {page:24} {status}")
            failures += status != 200
print("smoke: 0 failed" if not failures else f"smoke: {failures} failed")
sys.exit(1 if failures else 0)
