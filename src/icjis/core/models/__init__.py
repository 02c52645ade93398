"""Core models: identity, ledger, the shared case projection, persons, outbox."""

from icjis.core.models.alerts import Alert
from icjis.core.models.cases import Case, CaseOfficer, CaseParticipant, CaseUnit, NumberCounter
from icjis.core.models.identity import Agency, ApiToken, LoginAttempt, Territory, Unit, User
from icjis.core.models.ledger import (
    AccessRecord,
    ActReceipt,
    Checkpoint,
    Event,
    PersonSighting,
    SimClock,
    StreamHead,
)
from icjis.core.models.outbox import FeedEntry, OutboxMessage
from icjis.core.models.persons import DuplicateFlag, Person

__all__ = [
    "AccessRecord",
    "Alert",
    "ActReceipt",
    "Agency",
    "ApiToken",
    "Case",
    "CaseOfficer",
    "CaseParticipant",
    "CaseUnit",
    "Checkpoint",
    "DuplicateFlag",
    "Event",
    "FeedEntry",
    "LoginAttempt",
    "NumberCounter",
    "OutboxMessage",
    "Person",
    "PersonSighting",
    "SimClock",
    "StreamHead",
    "Territory",
    "Unit",
    "User",
]
