"""Security of the staff pages: login required, CSRF, headers, expired tokens, no inline code."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

import pytest
from django.test import Client, override_settings

from icjis.core import clock
from icjis.core.canonical import sha256_hex
from icjis.core.models import ApiToken
from icjis.core.numbering import format_number

STAFF_PAGES = ["/", f"/cases/{format_number(2026, '0101', 1)}/"]


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_it_sends_an_anonymous_visitor_of_a_staff_page_to_the_login_page(client, world, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={path}"


def test_it_forbids_browsers_to_cache_staff_pages(browser, new_case):
    client = browser("investigator")
    for path in ("/", f"/cases/{new_case()}/"):
        assert "no-store" in client.get(path)["Cache-Control"]


def test_it_refuses_a_login_post_without_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "registrar", "password": "demo"})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_it_accepts_a_login_post_with_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.get("/login/")
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/login/", {"username": "registrar", "password": "demo", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302


def test_it_refuses_a_logout_post_without_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["registrar"], backend="icjis.core.auth.LockoutBackend")
    assert client.post("/logout/").status_code == 403
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("path", ["/login/", "/"])
def test_it_sends_the_security_headers(browser, path):
    response = browser("registrar").get(path)
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_it_answers_an_expired_api_token_with_401_json(world):
    token = secrets.token_urlsafe(32)
    now = clock.wall()
    ApiToken.objects.create(
        key_hash=sha256_hex(token),
        user=world["investigator"],
        created_at=now - timedelta(hours=9),
        expires_at=now - timedelta(hours=1),
    )
    response = Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/v1/cases")
    assert response.status_code == 401
    body = response.json()
    assert body["error"] == "unauthenticated"
    assert body["message"]


def test_it_renders_pages_without_inline_script_style_or_outside_assets(browser, new_case):
    client = browser("investigator")
    number = new_case()
    pages = [Client().get("/login/?idle=1"), client.get("/"), client.get(f"/cases/{number}/")]
    for page in pages:
        html = page.content.decode()
        assert page.status_code == 200
        assert "<style" not in html
        assert " style=" not in html
        assert re.search(r"<script(?![^>]*\bsrc=)", html) is None
        assert re.search(r"""(src|href)=["']?(https?:)?//""", html) is None
        assert '<link rel="stylesheet" href="/static/web/app.css">' in html
        assert re.search(r'<html lang="(ky|ru|en)">', html)


@override_settings(WHITENOISE_USE_FINDERS=True)
def test_it_serves_the_stylesheet_through_whitenoise(client):
    response = client.get("/static/web/app.css")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")


def test_it_sets_the_chosen_language_and_returns_to_the_page(client, world):
    response = client.post("/language/", {"language": "en", "next": "/login/"})
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert response.cookies["django_language"].value == "en"


def test_it_names_each_language_in_itself_on_the_switcher(client, world):
    html = client.get("/login/").content.decode()
    for name in ("Кыргызча", "Русский", "English"):
        assert f">{name}</button>" in html
