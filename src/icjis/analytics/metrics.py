"""The metrics of the uniform statistical reporting (module L), each defined once, here: what it
counts, from which recorded acts, broken down by what, and in which measures. The definitions
are published beside the figures (`GET /api/v1/statistics/metrics`, the public statistics page),
so anyone can see what a figure means and recompute it from the ledger.

Every measure is an additive count (a number of reports, persons, hours, minutes, days), so a
figure broken down by region, sex or age adds up exactly to its total; a mean is a sum divided by
a count, never a stored average.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from icjis.analytics import terms

BREAKDOWNS = ("region", "article", "category", "sex", "age", "kind", "place")
"""The columns a figure may be broken down by; a metric uses some of them, the rest are blank."""

AGE_BANDS = ("0-17", "18-29", "30-49", "50+")
"""Age at the time of the act, from the birth date recorded for the person; blank if unknown."""

BREAKDOWN_TITLES = {
    "region": _("Region"),
    "article": _("Article"),
    "category": _("Category"),
    "sex": _("Sex"),
    "age": _("Age"),
    "kind": _("Kind"),
    "place": _("Facility or office"),
}


@dataclass(frozen=True)
class Metric:
    name: str
    title: str  # gettext_noop: translated where shown
    definition: str  # gettext_noop
    source: tuple[str, ...]  # the event kinds it reads
    breakdowns: tuple[str, ...]
    measures: tuple[str, ...]
    persons: bool  # counts persons: small cells are withheld from public outputs
    stock: bool = False  # a population at the end of the month, not a flow during it


METRICS: tuple[Metric, ...] = (
    Metric(
        "reports.registered",
        gettext_noop("Crime reports registered"),
        gettext_noop(
            "Reports of crimes entered in the register (CPC 145) in the month, by the region of "
            "the place of the crime and the channel the report came by."
        ),
        ("registry.report.register",),
        ("region", "kind"),
        ("count",),
        persons=False,
    ),
    Metric(
        "cases.opened",
        gettext_noop("Criminal cases opened"),
        gettext_noop(
            "Decisions to open a criminal case (CPC 156) in the month, by region, by the article "
            "of the Criminal Code first named and by its category of gravity (CC 19)."
        ),
        ("registry.case.open",),
        ("region", "article", "category"),
        ("count",),
        persons=False,
    ),
    Metric(
        "cases.decided",
        gettext_noop("Decisions on reports and cases"),
        gettext_noop(
            "Procedural decisions in the month: a case opened, a case refused, suspended, "
            "resumed or terminated, an indictment approved and sent to court (a case cleared), "
            "an indictment returned for further investigation; by region and kind."
        ),
        (
            "registry.case.open",
            "registry.case.refuse",
            "registry.case.suspend",
            "registry.case.resume",
            "registry.case.terminate",
            "registry.indictment.approve",
            "registry.indictment.return",
        ),
        ("region", "kind"),
        ("count",),
        persons=False,
    ),
    Metric(
        "persons.charged",
        gettext_noop("Persons charged"),
        gettext_noop(
            "Persons charged as accused (CPC 240) in the month — each once per case, under the "
            "first article charged — by region, article, category, sex and age at the charge."
        ),
        ("registry.charge",),
        ("region", "article", "category", "sex", "age"),
        ("count",),
        persons=True,
    ),
    Metric(
        "detention.ended",
        gettext_noop("Detentions ended and the custody clock"),
        gettext_noop(
            "Detentions in temporary detention that ended in the month — by release, by a court's "
            "decision on custody, or by hand-over to a pre-trial facility — with the hours held "
            "from the hour of detention, and how many ended within the limit of the rule pack in "
            "force (48 hours, 24 for a child). By region, sex and age at detention."
        ),
        (
            "detention.arrest",
            "detention.release",
            "detention.transfer",
            "courts.measure.decide",
        ),
        ("region", "sex", "age"),
        ("count", "with_limit", "within_limit", "hours"),
        persons=True,
    ),
    Metric(
        "detention.held",
        gettext_noop("Persons held in temporary detention"),
        gettext_noop(
            "Persons held in temporary detention at the end of the month without a court's "
            "custody order, and how many of them had been held past the limit of the rule pack "
            "in force by then; by region, sex and age at detention."
        ),
        (
            "detention.arrest",
            "detention.release",
            "detention.transfer",
            "courts.measure.decide",
        ),
        ("region", "sex", "age"),
        ("count", "past_limit"),
        persons=True,
        stock=True,
    ),
    Metric(
        "legalaid.responses",
        gettext_noop("Legal aid response times"),
        gettext_noop(
            "Appointed lawyers who accepted in the month, with the minutes from the offer to the "
            "acceptance and how many answered later than the roster's response time; by region."
        ),
        ("legalaid.accept",),
        ("region",),
        ("count", "minutes", "late"),
        persons=True,
    ),
    Metric(
        "courts.defendants",
        gettext_noop("Defendants in first-instance verdicts"),
        gettext_noop(
            "Defendants in verdicts delivered in the month — each once per verdict, under the "
            "first article named, convicted if convicted under any — by region, article, "
            "category, sex, age, outcome (convicted or acquitted) and sentence kind, with the "
            "days from the court's registration of the case to the verdict."
        ),
        ("courts.case.register", "courts.verdict.deliver"),
        ("region", "article", "category", "sex", "age", "kind"),
        ("count", "days"),
        persons=True,
    ),
    Metric(
        "courts.appeals",
        gettext_noop("Appeals decided"),
        gettext_noop(
            "Appeals against verdicts decided by the appeal court in the month (a verdict "
            "quashed disposes of every appeal pending against it), by region and outcome "
            "(upheld, modified, quashed), with the days from each appeal's filing to the "
            "decision."
        ),
        ("courts.appeal.file", "courts.appeal.decide"),
        ("region", "kind"),
        ("count", "days"),
        persons=True,
    ),
    Metric(
        "offences.decided",
        gettext_noop("Offence cases decided"),
        gettext_noop(
            "Decisions on cases under the Code of Offences in the month — a penalty imposed, the "
            "case terminated, or a decision of the police cancelled by the prosecutor — by the "
            "region of the offence, the article and the outcome."
        ),
        ("offences.protocol.register", "offences.decision.make", "offences.decision.cancel"),
        ("region", "article", "kind"),
        ("count",),
        persons=True,
    ),
    Metric(
        "fines.enforced",
        gettext_noop("Fines imposed and paid"),
        gettext_noop(
            "Fines whose enforcement opened in the month (from a verdict or an offence "
            "decision) and payments recorded in it, with their sums in whole som; by the region "
            "where the fine is enforced and kind (imposed or paid, and its source)."
        ),
        ("fines.file.open", "fines.file.open_offence", "fines.payment.record"),
        ("region", "kind"),
        ("count", "som"),
        persons=True,
    ),
    Metric(
        "dispatch.incidents",
        gettext_noop("Calls for service answered"),
        gettext_noop(
            "Incidents opened by a call for service and cleared in the month, by the region of "
            "the place and the type of call: how many had a crew sent and the whole minutes "
            "from the call to the first crew sent, how many had a crew on the scene and the "
            "minutes from the call to its arrival (a mean divides the minutes by the incidents "
            "that had a crew sent, or on the scene)."
        ),
        (
            "dispatch.call.receive",
            "dispatch.incident.dispatch",
            "dispatch.incident.arrive",
            "dispatch.incident.clear",
        ),
        ("region", "kind"),
        ("count", "dispatched", "dispatch_minutes", "arrived", "arrival_minutes"),
        persons=False,
    ),
    Metric(
        "deadlines.kept",
        gettext_noop("Procedural terms kept"),
        gettext_noop(
            "Terms of the rule pack met by the act that ends them in the month — a decision on "
            "a report, the investigation, custody, the trial — by the unit holding the case "
            "then, the region of the crime and the term, with how many were met only after "
            "they had run out and the whole hours by which they had. The engine that counts "
            "them for the pages counts them here again from the recorded acts; a party's time "
            "to act (an appeal window) is not a term anyone keeps, and a term cancelled is not "
            "counted."
        ),
        tuple(sorted(terms.kinds())),
        ("region", "place", "kind"),
        ("count", "missed", "hours_over"),
        persons=False,
    ),
    Metric(
        "deadlines.overdue",
        gettext_noop("Procedural terms overdue"),
        gettext_noop(
            "Terms of the rule pack running at the end of the month whose due time had passed "
            "by then, with no act yet to meet them, by the unit holding the case then, the "
            "region of the crime and the term: the overdue lists of that evening, without the "
            "terms met late by then. A term suspended (the investigation suspended) is not "
            "overdue while it is; a party's time to act is never overdue."
        ),
        tuple(sorted(terms.kinds())),
        ("region", "place", "kind"),
        ("count",),
        persons=False,
        stock=True,
    ),
    Metric(
        "prisons.population",
        gettext_noop("Prison population"),
        gettext_noop(
            "Convicts held at the end of the month: admitted and not released, by facility, sex "
            "and age at admission; transfers move a person between facilities."
        ),
        ("prisons.admit", "prisons.transfer", "prisons.release"),
        ("place", "sex", "age"),
        ("count",),
        persons=True,
        stock=True,
    ),
    Metric(
        "probation.population",
        gettext_noop("Probation caseload"),
        gettext_noop(
            "Persons on the probation register at the end of the month (registered and not "
            "completed), by office, type of probation, sex and age at registration."
        ),
        ("probation.register", "probation.complete"),
        ("place", "kind", "sex", "age"),
        ("count",),
        persons=True,
        stock=True,
    ),
)

BY_NAME = {m.name: m for m in METRICS}
SOURCE_KINDS = frozenset(k for m in METRICS for k in m.source) | {
    # Facts the metrics draw on: the region of a case, and the persons and their birth dates.
    "registry.report.register",
    "registry.participant.add",
    "registry.case.split_from",
    "persons.register",
    "offences.order.request",
}
METHOD = "4"
"""The version of these definitions; a release records it, and a change of any definition
that alters a figure takes a new version (2: the calls for service answered were added; 3: the
procedural terms kept and overdue; 4: the prosecutor's cancellations among the offence
decisions)."""
