"""32 clients over HTTP (gunicorn, PostgreSQL) appending to one shared case and to cases of their
own: no lost or duplicated seq, every 201 present afterwards, every chain valid."""

from __future__ import annotations

from collections import defaultdict

import pytest
from tests.reliability.clients import register_cases, run_clients

from icjis.core.models import Event
from icjis.core.verification import check_heads, verify_chains

pytestmark = pytest.mark.postgres


def test_it_keeps_every_acknowledged_act_of_32_clients_in_gap_free_chains(server):
    registrar, investigator = server.token("registrar"), server.token("investigator")
    shared = register_cases(server.port, registrar, 1)
    own = register_cases(server.port, registrar, 16)
    # Clients 0..31: the even ones all write to the shared case, each odd one to its own.
    cases = [shared[0] if i % 2 == 0 else own[i // 2] for i in range(32)]
    tally = run_clients(server.port, investigator, cases, clients=32, acts_each=4)

    assert tally.errors == []
    assert sorted({a.status for a in tally.answers}) == [201]
    assert len(tally.answers) == 32 * 4
    acknowledged = {(a.body["event"]["stream"], a.body["event"]["seq"]) for a in tally.answers}
    assert len(acknowledged) == 32 * 4, "two acts were acknowledged with the same seq"
    for a in tally.answers:
        stored = Event.objects.get(stream=a.body["event"]["stream"], seq=a.body["event"]["seq"])
        assert stored.hash == a.body["event"]["hash"]
        assert stored.kind == "registry.participant.add"
    per_stream = defaultdict(list)
    for stream, seq in Event.objects.filter(stream__startswith="case/").values_list(
        "stream", "seq"
    ):
        per_stream[stream].append(seq)
    for stream, seqs in per_stream.items():
        assert sorted(seqs) == list(range(1, len(seqs) + 1)), stream
    assert len(per_stream[f"case/{shared[0]}"]) == 1 + 16 * 4
    heads, faults = verify_chains()
    assert faults == []
    assert check_heads(heads) == []
