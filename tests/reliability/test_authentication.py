"""Authentication and session checks not covered in tests/web (the login page's lock-out, idle
lock of pages, expired tokens, CSRF on login/logout and the headers live there): the API
token endpoint's lock-out and its 15-minute window, the idle lock of an API session, the token
of a deactivated account, CSRF on every form a staff member meets, and HSTS in production."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from datetime import timedelta
from urllib.parse import urljoin, urlparse

from django.test import Client

from icjis.core import clock
from icjis.core.auth import issue_token
from icjis.core.models import LoginAttempt


def token_request(client: Client, password: str) -> int:
    return client.post(
        "/api/v1/auth/token",
        {"username": "investigator", "password": password},
        content_type="application/json",
    ).status_code


def test_it_locks_api_token_requests_after_five_failures_even_for_the_right_password(world):
    client = Client()
    assert [token_request(client, "wrong") for _ in range(5)] == [401] * 5
    answer = client.post(
        "/api/v1/auth/token",
        {"username": "investigator", "password": "demo"},
        content_type="application/json",
    )
    assert answer.status_code == 401
    assert "locked" in answer.json()["message"]
    # The page login shares the count: the account is locked there too.
    page = Client().post("/login/", {"username": "investigator", "password": "demo"})
    assert page.status_code != 302


def test_it_counts_only_the_failures_of_the_last_fifteen_minutes(world):
    old = clock.wall() - timedelta(minutes=16)
    LoginAttempt.objects.bulk_create(
        [LoginAttempt(username="investigator", at=old, success=False, channel="api")] * 5
    )
    client = Client()
    assert token_request(client, "demo") == 200
    assert [token_request(client, "wrong") for _ in range(5)] == [401] * 5
    assert token_request(client, "demo") == 401


def test_it_locks_an_idle_api_session_with_a_json_401(world):
    client = Client()
    client.force_login(world["investigator"], backend="icjis.core.auth.LockoutBackend")
    assert client.get("/api/v1/clock").status_code == 200
    session = client.session
    session["last_seen"] = time.time() - 31 * 60
    session.save()
    answer = client.get("/api/v1/clock")
    assert answer.status_code == 401
    assert answer.json()["error"] == "unauthenticated"
    assert "30 minutes" in answer.json()["message"]
    assert client.get("/api/v1/clock").status_code == 401  # logged out, not just refused once


def test_it_refuses_the_token_of_a_deactivated_account(world):
    token, _ = issue_token(world["investigator"])
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.get("/api/v1/clock").status_code == 200
    world["investigator"].is_active = False
    world["investigator"].save(update_fields=["is_active"])
    answer = client.get("/api/v1/clock")
    assert answer.status_code == 401
    assert answer.json()["error"] == "unauthenticated"


FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
HREF = re.compile(r'href="(/[^"#]*)"')


def test_every_post_form_on_the_staff_pages_carries_a_csrf_token_and_needs_it(world, as_user):
    number = (
        as_user("registrar")
        .act(
            "registry.report.register",
            {
                "channel": "in_person",
                "summary": "Кража",
                "place": {"region": "KG-GB"},
                "applicant": {"surname": "Формаева", "given_name": "Асель", "sex": "F"},
            },
        )
        .json()["result"]["case"]
    )
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world["investigator"], backend="icjis.core.auth.LockoutBackend")
    queue = ["/", f"/cases/{number}/", "/persons/?q=Формаева", "/public/"]
    seen: set[str] = set()
    forms: dict[str, str] = {}  # action -> the page it was found on
    while queue and len(seen) < 60:
        page = queue.pop(0)
        if page in seen:
            continue
        seen.add(page)
        response = browser.get(page)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        for attrs, body in FORM.findall(html):
            if 'method="post"' not in attrs.lower():
                continue
            action = re.search(r'action="([^"]*)"', attrs)
            target = urljoin(page, action.group(1) if action else page)
            assert "csrfmiddlewaretoken" in body, f"a form on {page} posts without a CSRF token"
            forms.setdefault(target, page)
        for link in HREF.findall(html):
            path = urlparse(link).path
            if not path.startswith(("/static/", "/logout", "/api/")) and link not in seen:
                queue.append(link)
    assert len(forms) >= 3, f"too few forms found to prove anything: {forms}"
    for target, page in forms.items():
        if urlparse(target).path.startswith("/logout"):
            continue  # refused without a token in tests/web; posting it here would end the crawl
        refused = browser.post(target, {})
        assert refused.status_code == 403, f"{target} (form on {page}) accepted a POST without CSRF"


def test_production_sends_hsts_and_secure_cookies(tmp_path):
    script = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='icjis.settings'; django.setup()\n"
        "from django.test import Client\n"
        "r = Client().get('/login/', secure=True)\n"
        "from django.conf import settings as s\n"
        "print(r['Strict-Transport-Security']); print(r['X-Frame-Options'])\n"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)\n"
    )
    env = {
        **os.environ,
        "ICJIS_ENV": "production",
        "SECRET_KEY": "s" * 50,
        "DATABASE_URL": f"sqlite:///{tmp_path}/prod.sqlite3",
        "ICJIS_HOME": str(tmp_path),
    }
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    hsts, frames, cookies = done.stdout.strip().splitlines()
    assert "max-age=31536000" in hsts and "includeSubDomains" in hsts
    assert frames == "DENY"
    assert cookies == "True True"
