"""The names of the purposes of a read, of the lists and searches that show persons, and of a
read's outcome, as the auditor's pages and the access reports given to persons
(`core.transparency`) say them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

PURPOSE_LABELS = {
    "supervision": gettext_lazy("Supervision of the case"),
    "court": gettext_lazy("Court proceedings"),
    "defence": gettext_lazy("Defence"),
    "detention": gettext_lazy("Detention"),
    "audit": gettext_lazy("Audit"),
    "oversight": gettext_lazy("Oversight"),
    "search": gettext_lazy("Search for a person"),
}

# The access log as the auditor reads it. "caseload" is the purpose of a read within the reader's
# own cases, where none is asked, and of a read for which none was given.
AUDIT_PURPOSE_LABELS = {"caseload": gettext_lazy("Case work"), **PURPOSE_LABELS}
# The lists and searches that name persons, by the kind of read they log (`log_read`).
LIST_LABELS = {
    "persons": gettext_lazy("search for a person"),
    "alerts": gettext_lazy("alerts"),
    "detention": gettext_lazy("detention records"),
    "appointments": gettext_lazy("legal aid appointments"),
    "prisons": gettext_lazy("prisoners"),
    "probation": gettext_lazy("probation"),
    "fines": gettext_lazy("fines"),
    "petitions": gettext_lazy("petitions for preventive measures"),
    "measures": gettext_lazy("preventive measures"),
    "verdicts": gettext_lazy("register of court decisions"),
    "verdict": gettext_lazy("a court decision"),
    "feed": gettext_lazy("event feed"),
    "deadlines": gettext_lazy("list of terms"),
    "orders": gettext_lazy("protection orders"),
    "order": gettext_lazy("a protection order"),
    "offences": gettext_lazy("register of offences"),
    "offence": gettext_lazy("an offence case"),
    "detentions-coo": gettext_lazy("administrative detentions"),
    "prints": gettext_lazy("fingerprints of a case"),
    "filings": gettext_lazy("motions and complaints of a case"),
    "detention-coo": gettext_lazy("an administrative detention"),
    "expertise": gettext_lazy("forensic expertises"),
    "evidence": gettext_lazy("material evidence"),
    "incidents": gettext_lazy("incidents of the dispatch centre"),
    "incident": gettext_lazy("an incident"),
    "crews": gettext_lazy("patrol crews"),
    "hazards": gettext_lazy("hazards at an address"),
    "hazard": gettext_lazy("a hazard"),
}
OUTCOME_LABELS = {
    "shown": gettext_lazy("shown"),
    "denied": gettext_lazy("refused: not in the reader's scope"),
    "not_found": gettext_lazy("not found"),
}
