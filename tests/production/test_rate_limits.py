"""Limits per client address behind the TLS proxy, and per user: the log-in lockout (django-axes), the
public forms and the API's throttles (anonymous, per user, failed authentications) count the client
the trusted proxies name, and answer 429 with a message in the user's language."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import BaseThrottle

from portal.management.commands.seed import DEFAULT_DEMO_PASSWORD
from portal.ratelimit import client_ip

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.1"  # the TLS proxy: every request reaches the portal from its address
ALICE = "203.0.113.10"
BOB = "198.51.100.20"


def behind_proxy(address: str) -> dict:
    """What the proxy sends for a client at ``address`` (who itself claimed to be 192.0.2.99)."""
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"192.0.2.99, {address}"}


@pytest.mark.parametrize(
    "proxies, forwarded, expected",
    [
        (0, "", PROXY),
        (0, f"{ALICE}", PROXY),  # no trusted proxy: the header is the client's word and ignored
        (1, "", PROXY),
        (1, f"{ALICE}", ALICE),
        (1, f"192.0.2.99, {ALICE}", ALICE),  # the client's own entries on the left are skipped
        (2, f"192.0.2.99, {ALICE}, 10.0.0.2", ALICE),
        (2, f"{ALICE}", ALICE),  # fewer entries than proxies: the outermost one there is
        (1, "192.0.2.99, not-an-address", PROXY),
        (1, "2001:DB8::1", "2001:db8::1"),
    ],
)
def test_client_ip_skips_the_trusted_proxies_from_the_right(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": proxies}
    meta = {"REMOTE_ADDR": PROXY}
    if forwarded:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    request = RequestFactory().get("/", **meta)
    assert client_ip(request) == expected
    if "not-an-address" not in forwarded:  # which DRF would take as it is
        # Django REST framework's NUM_PROXIES (the same number in the settings) picks the same entry.
        assert BaseThrottle().get_ident(request).lower() == expected


# --- log-in lockout ---------------------------------------------------------------------------


def log_in(client: Client, address: str, password: str):
    return client.post(reverse("login"), {"username": "szca", "password": password}, **behind_proxy(address))


def test_login_lockout_is_per_username_and_client_behind_the_proxy(registry, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.AXES_FAILURE_LIMIT = 3
    alice = Client()
    statuses = [log_in(alice, ALICE, "wrong").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    locked = log_in(alice, ALICE, DEFAULT_DEMO_PASSWORD)
    assert locked.status_code == 429  # even the right password, from that address
    page = locked.content.decode()
    assert 'data-testid="locked-out"' in page and "30" in page and "登录已锁定" in page
    assert "<nav" in page  # the portal's page, not a bare text
    # Bob, behind the same proxy, still logs in with the same username.
    assert log_in(Client(), BOB, DEFAULT_DEMO_PASSWORD).status_code == 302


def test_the_locked_page_is_in_english_when_chosen(registry, settings):
    settings.AXES_FAILURE_LIMIT = 1
    client = Client()
    client.cookies["django_language"] = "en"
    response = log_in(client, ALICE, "wrong")
    assert response.status_code == 429
    assert "Log-in locked" in response.content.decode()


def test_without_trusted_proxies_the_forwarded_header_cannot_dodge_the_lockout(registry, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.AXES_FAILURE_LIMIT = 2
    statuses = []
    for n in range(3):
        response = Client().post(
            reverse("login"),
            {"username": "szca", "password": "wrong"},
            REMOTE_ADDR=ALICE,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",  # a new claim each time
        )
        statuses.append(response.status_code)
    assert statuses == [200, 429, 429]


# --- public forms -----------------------------------------------------------------------------


def test_feedback_limit_counts_each_bidder_behind_the_proxy(registry, settings):
    from supervision.models import Platform
    from trial.models import Feedback

    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRIAL_FEEDBACK_RATE = (2, 3600)
    platform = Platform.objects.order_by("pk").first()
    url = reverse("trial:feedback_new")
    valid = {"category": "refusal", "platform": platform.pk, "description": "拒绝使用网络共享数字证书"}
    invalid = {**valid, "description": "   "}
    alice = Client()
    # Refused posts (an empty description) cost nothing.
    assert [alice.post(url, invalid, **behind_proxy(ALICE)).status_code for _ in range(3)] == [200, 200, 200]
    assert [alice.post(url, valid, **behind_proxy(ALICE)).status_code for _ in range(3)] == [302, 302, 429]
    assert [Client().post(url, valid, **behind_proxy(BOB)).status_code for _ in range(2)] == [302, 302]
    assert Feedback.objects.count() == 4
    assert Feedback.objects.values("sender_hash").distinct().count() == 2


# --- API --------------------------------------------------------------------------------------


@pytest.fixture
def rates(settings):
    """rates(anon=..., user=..., failed_auth=...) → those API throttle rates for this test."""

    def set_rates(**rates):
        current = dict(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"])
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": current | rates}

    return set_rates


def test_anonymous_api_requests_are_throttled_per_client(rates, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    rates(anon="3/minute")
    api = APIClient()
    statuses = [api.get("/api/docs/", **behind_proxy(ALICE)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = api.get("/api/docs/", **behind_proxy(ALICE))
    assert int(refused["Retry-After"]) > 0
    assert 'data-testid="too-many-requests"' in refused.content.decode()
    assert "请求过于频繁" in refused.content.decode()  # the API documentation is a page: so is its 429
    assert api.get("/api/docs/", **behind_proxy(BOB)).status_code == 200


def test_api_requests_are_throttled_per_user(api_for, rates):
    rates(user="3/minute")
    szca = api_for("szca")
    url = reverse("platform-list")
    assert [szca.get(url).status_code for _ in range(3)] == [200, 200, 200]
    refused = szca.get(url)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert refused.json()["detail"].startswith("请求过于频繁，请等待")
    english = szca.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 429 and english.json()["detail"].startswith("Too many requests. Please wait")
    assert api_for("bjca").get(url).status_code == 200  # another user, the same address


def test_wrong_tokens_are_throttled_per_client(personas, rates, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    rates(failed_auth="3/hour")
    url = reverse("platform-list")
    token = Token.objects.create(user=personas["szca"]).key
    guesser = APIClient()
    guesser.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert [guesser.get(url, **behind_proxy(ALICE)).status_code for _ in range(3)] == [
        403,
        403,
        403,
    ]  # DRF: 403 when session auth comes first
    refused = guesser.get(url, **behind_proxy(ALICE))
    assert refused.status_code == 429
    assert "身份验证失败次数过多" in refused.json()["detail"] and int(refused["Retry-After"]) > 0
    # While refused, the address's tokens are not even looked at, right or wrong.
    right_token = APIClient()
    right_token.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert right_token.get(url, **behind_proxy(ALICE)).status_code == 429
    # Another client behind the same proxy is not affected.
    assert right_token.get(url, **behind_proxy(BOB)).status_code == 200


def test_wrong_passwords_at_the_token_endpoint_are_throttled_and_locked(registry, rates, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.AXES_FAILURE_LIMIT = 3
    url = reverse("api-token")
    api = APIClient()

    def ask(address, password):
        return api.post(url, {"username": "szca", "password": password}, **behind_proxy(address))

    assert [ask(ALICE, "wrong").status_code for _ in range(2)] == [400, 400]
    locked = ask(ALICE, "wrong")
    assert locked.status_code == 429 and "账户" in locked.json()["detail"]
    assert int(locked["Retry-After"]) == 30 * 60
    assert ask(ALICE, DEFAULT_DEMO_PASSWORD).status_code == 429  # locked for that address
    answer = ask(BOB, DEFAULT_DEMO_PASSWORD)
    assert answer.status_code == 200 and answer.json()["token"]

    rates(failed_auth="2/hour")
    assert [ask("192.0.2.50", "wrong").status_code for _ in range(3)] == [400, 400, 429]
