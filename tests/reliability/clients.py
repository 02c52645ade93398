"""Concurrent HTTP clients that record every answer, for the reliability tests."""

from __future__ import annotations

import http.client
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.reliability.server import call


@dataclass
class Answer:
    key: str
    case: str
    request: dict[str, Any]
    status: int
    headers: dict[str, str]
    body: Any


@dataclass
class Tally:
    answers: list[Answer] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # connection-level failures (no answer)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def acknowledged(self) -> list[Answer]:
        return [a for a in self.answers if a.status == 201]


def witness(n: int, client: int) -> dict[str, Any]:
    return {
        "role": "witness",
        "person": {"surname": "Свидетелев", "given_name": f"Тест{client}x{n}", "sex": "M"},
    }


def run_clients(
    port: int,
    token: str,
    cases: list[str],
    *,
    clients: int,
    acts_each: int | None = None,
    until: Callable[[], bool] | None = None,
) -> Tally:
    """`clients` threads, client i appending to cases[i % len(cases)], each act with a fresh
    idempotency key, for `acts_each` acts or until `until()` is true."""
    tally = Tally()
    barrier = threading.Barrier(clients)

    def client(i: int) -> None:
        barrier.wait()
        n = 0
        while (acts_each is None or n < acts_each) and not (until and until()):
            key = uuid.uuid4().hex
            case = cases[i % len(cases)]
            body = {
                "kind": "registry.participant.add",
                "case": case,
                "data": witness(n, i),
                "idempotency_key": key,
            }
            try:
                status, headers, answer = call(port, "POST", "/api/v1/acts", body, token)
            except (OSError, http.client.HTTPException) as exc:
                # No answer, or one cut off mid-body by the kill (IncompleteRead): unanswered.
                with tally.lock:
                    tally.errors.append(f"{key} {case}: {type(exc).__name__}")
                    tally.answers.append(Answer(key, case, body, 0, {}, None))
                time.sleep(0.05)
            else:
                with tally.lock:
                    tally.answers.append(Answer(key, case, body, status, headers, answer))
            n += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    return tally


def register_cases(port: int, token: str, n: int) -> list[str]:
    numbers = []
    for _ in range(n):
        status, _, body = call(
            port,
            "POST",
            "/api/v1/acts",
            {
                "kind": "registry.report.register",
                "data": {
                    "channel": "in_person",
                    "summary": "Кража телефона",
                    "place": {"region": "KG-GB"},
                },
            },
            token,
        )
        assert status == 201, body
        numbers.append(body["result"]["case"])
    return numbers
