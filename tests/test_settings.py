"""Settings come from the environment, with zero-setup defaults. Each case runs a fresh Python with
only the variables it names (settings are read once per process)."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SHOW_SETTINGS = """
import json
from django.conf import settings
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "DATABASE": settings.DATABASES["default"],
    "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
    "BASE_URL": settings.BASE_URL,
    "BROKER_FOLDER": getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}).get("data_folder_in"),
    "CELERY_RESULT_BACKEND": settings.CELERY_RESULT_BACKEND,
    "CACHE": settings.CACHES["default"],
    "EMAIL_BACKEND": settings.EMAIL_BACKEND,
    "EMAIL_HOST": getattr(settings, "EMAIL_HOST", ""),
    "EMAIL_PORT": getattr(settings, "EMAIL_PORT", None),
    "EMAIL_USE_TLS": getattr(settings, "EMAIL_USE_TLS", False),
    "LANGUAGE_CODE": settings.LANGUAGE_CODE,
    "LANGUAGES": [code for code, _ in settings.LANGUAGES],
    "TIME_ZONE": settings.TIME_ZONE,
    "USE_TZ": settings.USE_TZ,
    "SECRET_KEY": settings.SECRET_KEY,
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
    "TRUSTED_PROXY_COUNT": settings.TRUSTED_PROXY_COUNT,
    "NUM_PROXIES": settings.REST_FRAMEWORK["NUM_PROXIES"],
    "THROTTLE_CLASSES": settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"],
    "THROTTLE_RATES": settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
    "AXES_CLIENT_IP_CALLABLE": settings.AXES_CLIENT_IP_CALLABLE,
    "AXES_LOCKOUT_PARAMETERS": settings.AXES_LOCKOUT_PARAMETERS,
}, default=str))
"""


def run(args: list[str], **variables: str) -> subprocess.CompletedProcess:
    """Run Python in the project with a clean environment plus ``variables``."""
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), "LANG": "C.UTF-8"}
    env |= {"DJANGO_SETTINGS_MODULE": "portal.settings", **variables}
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def settings_with(**variables: str) -> dict:
    result = run(["-c", SHOW_SETTINGS], **variables)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_defaults_need_no_setup():
    values = settings_with()
    assert values["DEBUG"] is True
    assert values["DATABASE"]["ENGINE"] == "django.db.backends.sqlite3"
    assert Path(values["DATABASE"]["NAME"]) == BASE_DIR / "var" / "portal.sqlite3"
    assert values["CELERY_BROKER_URL"] == "filesystem://localhost/"  # a host name, or kombu warns of none
    assert values["BASE_URL"] == "http://127.0.0.1:8000"
    assert Path(values["BROKER_FOLDER"]).is_relative_to(BASE_DIR / "var")
    assert values["CELERY_RESULT_BACKEND"] == "django-db"
    assert values["CACHE"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert values["LANGUAGE_CODE"] == "zh-hans"
    assert values["LANGUAGES"] == ["zh-hans", "en"]
    assert values["TIME_ZONE"] == "Asia/Shanghai"
    assert values["USE_TZ"] is True
    assert values["SECRET_KEY"]  # a development key, only while DEBUG is on
    assert "127.0.0.1" in values["ALLOWED_HOSTS"]
    # Limits per address take REMOTE_ADDR until the proxies are declared; the API is throttled.
    assert values["TRUSTED_PROXY_COUNT"] == values["NUM_PROXIES"] == 0
    assert values["AXES_CLIENT_IP_CALLABLE"] == "portal.ratelimit.client_ip"
    assert values["AXES_LOCKOUT_PARAMETERS"] == [["username", "ip_address"]]
    assert len(values["THROTTLE_CLASSES"]) == 2
    assert values["THROTTLE_RATES"] == {"anon": "60/minute", "user": "600/minute", "failed_auth": "20/hour"}


def test_the_environment_is_used(tmp_path):
    values = settings_with(
        DATABASE_URL="postgres://portal:secret@db.example.com:5433/portal",
        REDIS_URL="redis://cache.example.com:6379/2",
        EMAIL_URL="smtp+tls://mailer:secret@mail.example.com:587",
        TRUSTED_PROXY_COUNT="1",
        API_THROTTLE_USER="100/minute",
        VAR_DIR=str(tmp_path),
    )
    assert values["TRUSTED_PROXY_COUNT"] == values["NUM_PROXIES"] == 1
    assert values["THROTTLE_RATES"]["user"] == "100/minute"
    database = values["DATABASE"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["NAME"], database["HOST"], database["PORT"], database["USER"]) == (
        "portal",
        "db.example.com",
        5433,
        "portal",
    )
    assert values["CELERY_BROKER_URL"] == "redis://cache.example.com:6379/2"
    assert values["BROKER_FOLDER"] is None
    assert values["CELERY_RESULT_BACKEND"] == "django-db"
    assert values["CACHE"] == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://cache.example.com:6379/2",
    }
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (values["EMAIL_HOST"], values["EMAIL_PORT"], values["EMAIL_USE_TLS"]) == ("mail.example.com", 587, True)
    assert not (tmp_path / "celery").exists()  # no local broker folder when Redis is the broker


def test_links_follow_the_address_make_run_serves():
    assert settings_with(PORT="8101")["BASE_URL"] == "http://127.0.0.1:8101"
    assert settings_with(HOST="0.0.0.0", PORT="8101")["BASE_URL"] == "http://127.0.0.1:8101"
    assert settings_with(HOST="portal.local")["BASE_URL"] == "http://portal.local:8000"
    assert settings_with(PORT="8101", BASE_URL="https://ca.example.gov.cn/")["BASE_URL"] == "https://ca.example.gov.cn"


def test_the_sqlite_file_follows_var_dir(tmp_path):
    values = settings_with(VAR_DIR=str(tmp_path))
    assert Path(values["DATABASE"]["NAME"]) == tmp_path / "portal.sqlite3"
    assert Path(values["BROKER_FOLDER"]).is_relative_to(tmp_path)


def test_production_without_secret_key_fails_clearly(tmp_path):
    result = run(["manage.py", "check"], DEBUG="off", ALLOWED_HOSTS="portal.example.gov.cn", VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def check_deploy(tmp_path, *tags: str, **variables: str) -> subprocess.CompletedProcess:
    return run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING", *(f"--tag={tag}" for tag in tags)],
        DEBUG="off",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="portal.example.gov.cn",
        VAR_DIR=str(tmp_path),
        **variables,
    )


def test_check_deploy_is_clean_in_production_mode(tmp_path):
    result = check_deploy(tmp_path, REDIS_URL="redis://cache.example.com:6379/2")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_without_a_shared_cache(tmp_path):
    """Without Redis the cache is each process's own: the limits would count per gunicorn worker. (Only
    the checks of the caches run: the whole set, the OpenAPI schema's build included, is the test above.)"""
    result = check_deploy(tmp_path, "caches")
    assert result.returncode != 0
    assert "portal.W001" in result.stderr and "REDIS_URL" in result.stderr


def test_the_shell_imports_every_model_and_celery_finds_its_broker_host(tmp_path):
    """``manage.py shell`` (as ``make run`` and people use it) imports every model, the historical ones
    included, and sending a task to the local broker names a host: nothing is printed but the result."""
    code = "from supervision.tasks import deliver_notifications; deliver_notifications.delay(); print('sent')"
    result = run(["manage.py", "shell", "-c", code], VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "could not be automatically imported" not in result.stdout + result.stderr
    assert "No hostname was supplied" not in result.stderr
    assert result.stdout.strip().endswith("sent")
