"""The login page: demo logins, refusals, lock-out, one-time codes, `next`, idle lock, logout."""

from __future__ import annotations

import time

import pytest
from django.test import Client, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from icjis.core.models import LoginAttempt

LOCKED = "locked after 5 failed attempts"


def post_login(client: Client, username: str, password: str, **extra: str):
    return client.post("/login/", {"username": username, "password": password, **extra})


def test_it_shows_a_login_form_with_labelled_fields(client, world):
    response = client.get("/login/")
    assert response.status_code == 200
    html = response.content.decode()
    for field in ("username", "password", "otp"):
        assert f'<label for="id_{field}"' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_it_logs_in_with_demo_demo_and_lands_on_the_work_list(client, world):
    response = post_login(client, "registrar", "demo")
    assert response.status_code == 302
    assert response["Location"] == "/"
    page = client.get("/")
    assert page.status_code == 200
    assert "Demo registrar" in page.content.decode()
    assert LoginAttempt.objects.filter(username="registrar", success=True, channel="web").exists()


def test_it_shows_the_reason_when_the_password_is_wrong(client, world):
    response = post_login(client, "registrar", "wrong")
    assert response.status_code == 200
    assert "Wrong username or password." in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("language", "wrong", "locked"),
    [
        ("ky", "Колдонуучунун аты же сырсөз туура эмес.", "5 ийгиликсиз аракеттен кийин"),
        ("ru", "Неверное имя пользователя или пароль.", "неудачных попыток входа (5)"),
    ],
    ids=["ky", "ru"],
)
def test_it_gives_the_reason_in_the_readers_language(world, language, wrong, locked):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    assert wrong in post_login(client, "prosecutor", "wrong").content.decode()
    for _ in range(4):
        post_login(client, "prosecutor", "wrong")
    html = post_login(client, "prosecutor", "demo").content.decode()
    assert locked in html and LOCKED not in html


def test_it_locks_the_account_after_five_failures_even_for_the_right_password(client, world):
    for _ in range(5):
        refused = post_login(client, "investigator", "wrong").content.decode()
        assert "Wrong username or password." in refused
    response = post_login(client, "investigator", "demo")
    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302


def test_it_keeps_the_username_but_not_the_password_after_a_refusal(client, world):
    html = post_login(client, "registrar", "secret-typo").content.decode()
    assert 'value="registrar"' in html
    assert "secret-typo" not in html


def test_it_asks_for_the_one_time_code_of_a_user_with_an_authenticator(client, world):
    device = TOTPDevice.objects.create(user=world["prosecutor"], name="phone", confirmed=True)
    refused = post_login(client, "prosecutor", "demo")
    assert "one-time code" in refused.content.decode()
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    assert post_login(client, "prosecutor", "demo", otp=code).status_code == 302


@override_settings(REQUIRE_TOTP=True)
def test_it_marks_the_code_required_when_every_account_needs_one(client, world):
    html = client.get("/login/").content.decode()
    otp_input = html[html.index('name="otp"') - 200 : html.index('name="otp"') + 300]
    assert "required" in otp_input


@pytest.mark.parametrize(
    ("next_url", "landing"),
    [
        ("/cases/26-0101-000001-0/", "/cases/26-0101-000001-0/"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example/", "/"),
    ],
)
def test_it_follows_next_only_to_a_local_path(client, world, next_url, landing):
    response = post_login(client, "registrar", "demo", next=next_url)
    assert response.status_code == 302
    assert response["Location"] == landing


def test_it_locks_an_idle_session_and_says_why(client, world):
    assert post_login(client, "registrar", "demo").status_code == 302
    assert client.get("/").status_code == 200
    session = client.session
    session["last_seen"] = time.time() - 31 * 60
    session.save()
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?idle=1")
    page = client.get(response["Location"])
    assert "locked after 30 minutes without activity" in page.content.decode()
    assert client.get("/").status_code == 302


def test_it_keeps_a_session_active_within_thirty_minutes(client, world):
    assert post_login(client, "registrar", "demo").status_code == 302
    client.get("/")
    session = client.session
    session["last_seen"] = time.time() - 29 * 60
    session.save()
    assert client.get("/").status_code == 200


def test_it_logs_out_on_post_only(client, world):
    assert post_login(client, "registrar", "demo").status_code == 302
    assert client.get("/logout/").status_code == 405
    response = client.post("/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert "You have logged out." in client.get("/login/").content.decode()
    assert client.get("/").status_code == 302


def test_it_sends_a_logged_in_user_from_the_login_page_to_the_work_list(client, world):
    post_login(client, "registrar", "demo")
    response = client.get("/login/")
    assert response.status_code == 302
    assert response["Location"] == "/"
