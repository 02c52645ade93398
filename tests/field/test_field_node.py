"""The field node (module N): officers of an office cut off from the centre record acts in the
node's journal, with the node's clock; when the link returns the journal goes to the central
system over real HTTP, in order, each entry signed with the node's key; there each act is
performed by the officer who recorded it, with the server's clock as its time and the node's
kept beside it, an entry may name the case an earlier one registered, and an act refused there
is kept with its reason. Nothing is lost, nothing is back-dated, a journal sent twice is received
once, and a journal altered or sent out of order is refused."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.test import Client

from icjis.core import clock
from icjis.core.checkpoints import public_key_hex, signing_key
from icjis.core.models import Case, CaseOfficer, CaseParticipant, Event
from icjis.core.refusals import Conflict, Forbidden, Invalid
from icjis.exchange.envelope import RECEIVER, sign
from icjis.exchange.field import entry_hash
from icjis.exchange.management.commands.exchange import make_key
from icjis.exchange.models import FieldEntry, Member
from icjis.field import journal
from icjis.field.models import Answer, JournalEntry

NODE = "FIELD-GB-UVD"


@pytest.fixture
def node(live_server, committing_db, world, settings, tmp_path, as_user):
    """This install as the node of the Bishkek police department, the central system the live
    server (one database holds both: the node's journal and the centre's ledger are separate
    tables), the node admitted to the exchange with its key."""
    key = make_key(tmp_path / "node.pem")
    settings.FIELD_NODE = NODE
    settings.FIELD_KEY_FILE = tmp_path / "node.pem"
    settings.CENTRAL_URL = live_server.url
    settings.CENTRAL_KEY = public_key_hex(signing_key())
    member = {
        "code": NODE,
        "name": "Полевой узел: УВД Бишкека",
        "public_key": public_key_hex(key),
        "services": ["field-act"],
        "unit": "GB-UVD",
    }
    assert as_user("admin").act("exchange.member.register", member).status_code == 201
    return key


def kept(username, kind, data, case=None):
    from icjis.core.models import User

    user = User.objects.get(username=username)
    return journal.record(user, kind, case, data, key=f"{username}-{JournalEntry.objects.count()}")


REPORT = {"channel": "in_person", "summary": "Кража скота", "place": {"region": "KG-GB"}}
SUSPECT = {
    "role": "suspect",
    "person": {"surname": "Полевой", "given_name": "Тест", "sex": "M", "birth_date": "1990-05-01"},
}


def test_a_journal_recorded_offline_is_performed_in_order_when_the_link_returns(node):
    first = kept("registrar", "registry.report.register", REPORT)
    kept("unit_head", "registry.case.assign", {"officer": "investigator"}, case=f"field:{first}")
    kept("investigator", "registry.participant.add", SUSPECT, case=f"field:{first}")
    # Refused there: the Criminal Code has no article 999.
    kept("investigator", "registry.case.open", {"article": "999", "part": 1}, case=f"field:{first}")
    entries = list(JournalEntry.objects.order_by("seq"))
    assert [e.seq for e in entries] == [1, 2, 3, 4]
    assert all(e.prev_hash == (entries[i - 1].hash if i else "") for i, e in enumerate(entries))
    assert Event.objects.filter(kind="registry.report.register").count() == 0  # nothing sent yet

    clock.advance(timedelta(hours=3))  # the link comes back three hours later
    sent = journal.send()
    assert (sent.received, sent.stopped, sent.waiting) == ([1, 2, 3, 4], "", 0)

    # The report: by the registrar, at the server's time, the node's time kept beside it.
    report = Event.objects.get(kind="registry.report.register")
    assert (report.actor, report.actor_unit) == ("registrar", "GB-UVD")
    assert report.claimed_at == entries[0].recorded_at
    assert report.recorded_at - report.claimed_at >= timedelta(hours=3)
    number = report.stream.removeprefix("case/")
    case = Case.objects.get(pk=number)
    assert CaseOfficer.objects.filter(case=case, username="investigator").exists()
    assert CaseParticipant.objects.filter(case=case, role="suspect").count() == 1
    # Each entry received on the node's stream, signed, with what became of it.
    rows = {f.seq: f for f in FieldEntry.objects.filter(member_id=NODE)}
    assert [rows[s].case for s in (1, 2, 3)] == [number] * 3
    assert rows[4].event_stream == "" and rows[4].refusal["error"] == "invalid"
    receive = Event.objects.filter(stream=f"member/{NODE}", kind="exchange.message.receive")
    assert receive.count() == 4
    assert json.loads(receive.last().data)["field"]["refused"]["message"]
    states = [journal.state(e).status for e in JournalEntry.objects.order_by("seq")]
    assert states == ["performed", "performed", "performed", "refused"]

    # Sent again, nothing is sent; a message replayed by hand gets its first receipt, nothing new.
    assert journal.send().received == []
    before = Event.objects.count()
    first_sent = journal.envelope(entries[0], node)  # the very bytes the node sent
    assert first_sent == journal.state(entries[0]).message
    again = Client().post("/api/v1/exchange/messages", first_sent, content_type="application/json")
    assert again.status_code == 200 and again.json()["field"]["case"] == number
    assert Event.objects.count() == before
    call_command("verify_ledger")
    call_command("rebuild_projections", check=True)

    # The node's page: each entry with its state, the refusal in the reader's language.
    browser = Client(HTTP_ACCEPT_LANGUAGE="ru")
    browser.force_login(_user("registrar"))
    page = browser.get("/field/").content.decode()
    assert "Полевой журнал" in page and number in page
    assert page.count("записано там") == 3


def _user(username):
    from icjis.core.models import User

    return User.objects.get(username=username)


def test_a_journal_altered_or_sent_out_of_order_is_refused_and_nothing_is_written(node):
    kept("registrar", "registry.report.register", REPORT)
    kept("registrar", "registry.report.register", {**REPORT, "summary": "Кража велосипеда"})
    first, second = JournalEntry.objects.order_by("seq")

    def post(entry_body, seq):
        message = {
            "id": f"{NODE}-{seq}",
            "sender": NODE,
            "receiver": RECEIVER,
            "service": "field-act",
            "sent_at": clock.now().isoformat(),
            "body": entry_body,
        }
        return Client().post(
            "/api/v1/exchange/messages",
            {**message, "signature": sign(message, node)},
            content_type="application/json",
        )

    before = Event.objects.count()
    assert post(journal.body(second), 2).status_code == 409  # entry 1 first
    altered = {**journal.body(first), "data": {**REPORT, "summary": "Иное"}}
    assert post(altered, 1).status_code == 400  # its hash no longer fits
    resealed = {**altered, "hash": entry_hash(altered)}
    assert post(resealed, 1).status_code == 201  # a node may send what it signs …
    dropped = {**journal.body(second), "seq": 3}
    dropped["hash"] = entry_hash(dropped)
    assert post(dropped, 3).status_code == 409  # … but not skip an entry
    forged = {**journal.body(second), "prev_hash": "0" * 64}
    forged["hash"] = entry_hash(forged)
    assert post(forged, 2).status_code == 409  # nor rewrite the chain
    assert Event.objects.count() == before + 2  # the one entry received and its report
    other = Ed25519PrivateKey.generate()
    message = {
        "id": f"{NODE}-2",
        "sender": NODE,
        "receiver": RECEIVER,
        "service": "field-act",
        "sent_at": clock.now().isoformat(),
        "body": journal.body(second),
    }
    forged_signature = Client().post(
        "/api/v1/exchange/messages",
        {**message, "signature": sign(message, other)},
        content_type="application/json",
    )
    assert forged_signature.status_code == 403


def test_an_officer_of_another_unit_or_without_the_role_now_is_refused_there_and_kept(node):
    kept("registrar", "registry.report.register", REPORT)
    assert journal.send().received == [1]
    # An officer of Osh recorded on this node: refused there, the entry kept with the reason.
    osh = _user("registrar_osh")
    journal.record(osh, "registry.report.register", None, REPORT, key="osh-1")
    # An officer whose role was taken away at the centre since: refused there too.
    kept("registrar", "registry.report.register", {**REPORT, "summary": "Кража велосипеда"})
    registrar = _user("registrar")
    registrar.roles = ["ivs_officer"]
    registrar.save(update_fields=["roles"])
    sent = journal.send()
    assert sent.received == [2, 3]
    refused = FieldEntry.objects.get(member_id=NODE, seq=2)
    assert "not an active officer of GB-UVD" in refused.refusal["message"]
    no_role = FieldEntry.objects.get(member_id=NODE, seq=3).refusal
    assert no_role["error"] == "forbidden" and "registry.report.register" in no_role["message"]
    assert Event.objects.filter(kind="registry.report.register").count() == 1


def test_an_administrators_entry_is_refused_there(node):
    """A node's key does not carry the administrator's acts, whoever holds it."""
    admin = _user("admin")
    admin.unit_id = "GB-UVD"
    admin.save(update_fields=["unit"])
    member = {
        "code": "ROGUE-1",
        "name": "Чужая система",
        "public_key": "ab" * 32,
        "services": ["crime-report"],
        "unit": "GB-UVD",
    }
    journal.record(admin, "exchange.member.register", None, member, key="admin-1")
    assert journal.send().received == [1]
    assert FieldEntry.objects.get(member_id=NODE, seq=1).refusal["error"] == "forbidden"
    assert not Member.objects.filter(pk="ROGUE-1").exists()


def test_the_node_refuses_what_it_can_check_alone_and_keeps_a_form_sent_twice_once(node):
    registrar = _user("registrar")
    with pytest.raises(Forbidden, match="does not allow"):
        journal.record(registrar, "registry.case.open", "X", {"article": "205"}, key="a")
    with pytest.raises(Invalid, match="summary"):
        journal.record(registrar, "registry.report.register", None, {**REPORT, "summary": ""}, "b")
    assert journal.record(registrar, "registry.report.register", None, REPORT, "c") == 1
    assert journal.record(registrar, "registry.report.register", None, REPORT, "c") == 1
    other = {**REPORT, "summary": "Кража велосипеда"}
    with pytest.raises(Conflict, match="other values"):
        journal.record(registrar, "registry.report.register", None, other, "c")
    assert JournalEntry.objects.count() == 1


def test_with_the_central_system_unreachable_nothing_is_lost(node, settings):
    central = settings.CENTRAL_URL
    kept("registrar", "registry.report.register", REPORT)
    settings.CENTRAL_URL = "http://127.0.0.1:9"  # nothing listens there
    sent = journal.send()
    assert sent.received == [] and sent.stopped_at == 1 and sent.waiting == 1
    assert journal.state(JournalEntry.objects.get()).status == "unreached"
    assert journal.send().stopped_at == 1  # tried again, still down: no second answer kept
    assert Answer.objects.count() == 1
    assert Event.objects.filter(kind="registry.report.register").count() == 0
    # The link returns: the same message, signed as first sent, is received.
    first = journal.state(JournalEntry.objects.get()).message
    settings.CENTRAL_URL = central
    assert journal.send().received == [1]
    assert journal.state(JournalEntry.objects.get()).message == first
    report = Event.objects.get(kind="registry.report.register")
    assert report.claimed_at == JournalEntry.objects.get().recorded_at


def test_an_answer_lost_on_the_way_back_is_not_taken_for_a_new_message(node):
    """The centre received the entry but the node never heard (nothing kept of the attempt):
    sent again later, the same bytes get the first receipt, and the act is recorded once."""
    kept("registrar", "registry.report.register", REPORT)
    entry = JournalEntry.objects.get()
    lost = Client().post(
        "/api/v1/exchange/messages", journal.envelope(entry, node), content_type="application/json"
    )
    assert lost.status_code == 201
    clock.advance(timedelta(minutes=10))
    assert journal.send().received == [1]
    assert journal.state(entry).status == "performed"
    assert Event.objects.filter(kind="registry.report.register").count() == 1


def test_a_receipt_not_signed_by_the_centre_is_not_taken_and_the_entry_is_sent_again(
    node, settings
):
    kept("registrar", "registry.report.register", REPORT)
    central = settings.CENTRAL_KEY
    settings.CENTRAL_KEY = public_key_hex(Ed25519PrivateKey.generate())  # not the centre's
    sent = journal.send()
    assert (sent.received, sent.reason, sent.stopped_at) == ([], "bad_receipt", 1)
    assert journal.state(JournalEntry.objects.get()).status == "rejected"
    settings.CENTRAL_KEY = f"{settings.CENTRAL_KEY},{central}"  # the centre's among those trusted
    assert journal.send().received == [1]
    assert Event.objects.filter(kind="registry.report.register").count() == 1


def test_a_fault_of_the_act_is_kept_as_its_refusal_and_a_database_fault_is_sent_again(
    node, monkeypatch
):
    from django.db import OperationalError

    import icjis.exchange.field as central

    kept("registrar", "registry.report.register", REPORT)
    kept("registrar", "registry.report.register", {**REPORT, "summary": "Кража велосипеда"})

    def broken(*args, **kwargs):
        raise ValueError("a fault of the act")

    monkeypatch.setattr(central, "perform", broken)
    first = journal.send()
    assert first.received == [1, 2]  # neither holds up the journal
    assert FieldEntry.objects.get(member_id=NODE, seq=1).refusal["error"] == "internal"
    kept("registrar", "registry.report.register", {**REPORT, "summary": "Угон"})

    def down(*args, **kwargs):
        raise OperationalError("the database went away")

    monkeypatch.setattr(central, "perform", down)
    second = journal.send()
    assert (second.received, second.reason, second.stopped_at) == ([], "unreached", 3)
    monkeypatch.undo()
    assert journal.send().received == [3]
    assert FieldEntry.objects.get(member_id=NODE, seq=3).event_stream.startswith("case/")


def test_the_journal_cannot_be_edited_and_a_node_without_its_key_sends_nothing(node, settings):
    from django.db import DatabaseError, transaction

    kept("registrar", "registry.report.register", REPORT)
    with pytest.raises(DatabaseError), transaction.atomic():
        JournalEntry.objects.update(data={**REPORT, "summary": "Иное"})
    with pytest.raises(DatabaseError), transaction.atomic():
        JournalEntry.objects.all().delete()
    settings.FIELD_KEY_FILE = settings.FIELD_KEY_FILE.with_name("missing.pem")
    sent = journal.send()
    assert (sent.received, sent.reason, sent.waiting) == ([], "no_key", 1)
    assert not Answer.objects.exists()


def test_a_node_clock_ahead_or_reset_blocks_nothing_and_claims_no_time(node, monkeypatch):
    """The node's clock a day fast, then reset to 1990: both entries are received and performed
    (the node's time is only ever a claim), their acts claim no time, and the signed entries
    keep what the node said."""
    from types import SimpleNamespace

    now = clock.now()
    for when in (now + timedelta(days=1), datetime(1990, 1, 1, 12, tzinfo=UTC)):
        monkeypatch.setattr(journal, "clock", SimpleNamespace(now=lambda when=when: when))
        kept("registrar", "registry.report.register", {**REPORT, "summary": f"Кража {when.year}"})
    monkeypatch.undo()
    assert journal.send().received == [1, 2]
    reports = Event.objects.filter(kind="registry.report.register").order_by("id")
    assert [r.claimed_at for r in reports] == [None, None]
    assert all(r.recorded_at <= clock.now() for r in reports)
    node_times = [f.recorded_on_node_at.year for f in FieldEntry.objects.order_by("seq")]
    assert node_times == [(now + timedelta(days=1)).year, 1990]
