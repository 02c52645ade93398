"""Projections of the courts (module F).

Sections: the investigating judge's preventive measures (petitions, measures in force, appeals
against the rulings). The trial court's tables come in their own section below.
"""

from __future__ import annotations

from typing import Any

from django.db import models

# --- Investigating judge: preventive measures (CPC 104-116, 266) --------------------------------

MEASURES = ("undertaking", "electronic_monitoring", "bail", "house_arrest", "custody")
"""Preventive measures an investigating judge may be petitioned for, mildest first (CPC 104(2);
supervision by a military command and a child's supervision are not decided by the judge)."""

TERMED_MEASURES = ("house_arrest", "custody")
"""Measures ordered for a term of at most 2 months at a time (CPC 115(1))."""

CONSENT_NEEDED = ("bail", "house_arrest", "custody")
"""Measures the investigator petitions for only with the prosecutor's consent (CPC 106(3));
extensions of custody and house arrest too (CPC 115(2))."""


class Petition(models.Model):
    """An investigator's petition to the investigating judge for a preventive measure for a
    suspect or accused (CPC 106(3)) or for extending custody or house arrest (CPC 115(2)-(3)),
    with the prosecutor's consent where the law asks it, and the judge's ruling on it (CPC 266).
    Its id, `MP-<case>-<n>`, is recorded in the event that made it."""

    id = models.CharField(primary_key=True, max_length=40)
    case = models.ForeignKey("core.Case", on_delete=models.PROTECT, related_name="petitions")
    person = models.ForeignKey("core.Person", on_delete=models.PROTECT, related_name="+")
    measure = models.CharField(max_length=24)
    months = models.PositiveSmallIntegerField(null=True, blank=True)
    kind = models.CharField(max_length=16)  # initial | extension
    extends = models.CharField(max_length=40, blank=True)  # the petition that ordered it
    grounds = models.TextField()
    state = models.CharField(max_length=16, db_index=True)  # submitted | consented | decided
    submitted_by = models.CharField(max_length=64)
    submitted_at = models.DateTimeField()
    consent_by = models.CharField(max_length=64, blank=True)
    consent_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.CharField(max_length=64, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    court = models.ForeignKey(
        "core.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    granted = models.BooleanField(null=True, blank=True)
    ordered_measure = models.CharField(max_length=24, blank=True)
    until = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["case", "person", "state"], name="petition_case_person_idx"),
            models.Index(fields=["state", "submitted_at"], name="petition_state_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.id} ({self.measure}, {self.state})"


class Measure(models.Model):
    """A preventive measure ordered by the investigating judge for a person in a case, from the
    ruling that ordered it; an extension moves `until` (CPC 115(2)); a later ruling ordering
    another measure ends it (CPC 104(3): one measure at a time, 116). `counted_from` is when
    this stretch of custody began — the hour of detention where the ledger records one
    (CPC 115(5)-(6)) — and is what the one-year cap adds up (CPC 115(7), (11))."""

    case = models.ForeignKey("core.Case", on_delete=models.PROTECT, related_name="measures")
    person = models.ForeignKey("core.Person", on_delete=models.PROTECT, related_name="+")
    measure = models.CharField(max_length=24)
    petition = models.OneToOneField(Petition, on_delete=models.PROTECT, related_name="ordered")
    last_petition = models.ForeignKey(Petition, on_delete=models.PROTECT, related_name="+")
    ordered_from = models.DateTimeField()
    counted_from = models.DateTimeField()
    until = models.DateField(null=True, blank=True)  # the last day, to 24:00 local time
    extensions = models.PositiveSmallIntegerField(default=0)
    state = models.CharField(max_length=16, default="active")  # active | ended
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["case", "person", "state"], name="measure_case_person_idx"),
            models.Index(fields=["state", "until"], name="measure_state_until_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.measure} of {self.person_id} in {self.case_id} until {self.until}"


class MeasureAppeal(models.Model):
    """An appeal against the investigating judge's ruling on a measure, filed within 5 days
    (CPC 106(7), 115(8), 266(10)). It does not suspend the ruling."""

    petition = models.ForeignKey(Petition, on_delete=models.PROTECT, related_name="appeals")
    filed_by = models.CharField(max_length=64)
    filed_role = models.CharField(max_length=32)
    filed_at = models.DateTimeField()
    grounds = models.TextField()
    start_seq = models.PositiveBigIntegerField()

    def __str__(self) -> str:
        return f"appeal by {self.filed_by} against {self.petition_id}"


# --- Trial court: intake, assignment of judges, hearings (CPC 277-283) -------------------------


class CourtCase(models.Model):
    """A criminal case registered in a court, keeping the national case number and getting the
    court's own number (`<court register>-<year>-<seq>`), recorded in the intake event."""

    id = models.CharField(primary_key=True, max_length=40)  # the court number
    case = models.ForeignKey("core.Case", on_delete=models.PROTECT, related_name="court_cases")
    court = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="+")
    instance = models.CharField(max_length=16, default="first")  # first | appeal
    registered_at = models.DateTimeField()
    judge = models.CharField(max_length=64, blank=True)  # presiding judge's username
    panel = models.JSONField(default=list)  # usernames, when the case needs a panel
    jury = models.BooleanField(default=False)
    state = models.CharField(max_length=24, default="registered", db_index=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["court", "state"], name="courtcase_court_state_idx")]

    def __str__(self) -> str:
        return f"{self.id} ({self.case_id})"


class JudgeDraw(models.Model):
    """One automatic assignment: the candidates, their weights, the algorithm version and the
    seed committed before the draw — everything needed to re-run it and get the same judge."""

    id = models.CharField(primary_key=True, max_length=60)  # "<court case>#<n>"
    court_case = models.ForeignKey(CourtCase, on_delete=models.PROTECT, related_name="draws")
    drawn_at = models.DateTimeField()
    algorithm = models.CharField(max_length=32)
    candidates = models.JSONField()  # [{"judge": …, "weight": …, "load": …, "specialisation": …}]
    commitment = models.CharField(max_length=64)  # SHA-256 of the seed, recorded first
    seed = models.CharField(max_length=64)
    chosen = models.CharField(max_length=64)
    reason = models.CharField(max_length=32, default="intake")  # intake | recusal | reassignment

    def __str__(self) -> str:
        return f"draw {self.id} → {self.chosen}"


class JudgeAvailability(models.Model):
    """A judge's leave or other absence from the draw (an act of the court's president)."""

    judge = models.CharField(max_length=64, db_index=True)
    court = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField()
    ends_on = models.DateField()
    reason = models.CharField(max_length=200)

    def __str__(self) -> str:
        return f"{self.judge} away {self.starts_on}–{self.ends_on}"


class AssignmentSettings(models.Model):
    """A court's assignment settings (specialisations, weighting) taking effect no sooner than
    the next working day after they are set; earlier versions are kept."""

    court = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="+")
    effective_from = models.DateField()
    settings = models.JSONField()  # {"judges": {username: {"specialisations": [...], ...}}}
    set_at = models.DateTimeField()
    set_seq = models.PositiveBigIntegerField()

    def __str__(self) -> str:
        return f"{self.court_id} from {self.effective_from}"


class Recusal(models.Model):
    """A judge's recusal (self-recusal or on a party's challenge) with reasons (CPC 62-67)."""

    court_case = models.ForeignKey(CourtCase, on_delete=models.PROTECT, related_name="recusals")
    judge = models.CharField(max_length=64)
    reason = models.TextField()
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.judge} recused in {self.court_case_id}"


class Hearing(models.Model):
    """A scheduled hearing: parties notified at least 5 days before (CPC 280(6)); postponements
    are new events with reasons, the row keeps the current time and the count."""

    id = models.CharField(primary_key=True, max_length=60)
    court_case = models.ForeignKey(CourtCase, on_delete=models.PROTECT, related_name="hearings")
    court = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField(db_index=True)
    room = models.CharField(max_length=32)
    judge = models.CharField(max_length=64)
    state = models.CharField(max_length=16, default="scheduled")  # scheduled | held | postponed
    postponements = models.PositiveSmallIntegerField(default=0)
    last_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [models.Index(fields=["court", "starts_at"], name="hearing_court_day_idx")]

    def __str__(self) -> str:
        return f"{self.id} {self.starts_at} room {self.room}"


# --- Verdicts, the register of decisions, appeals (CPC 285-300, 400-426) ------------------------


class Verdict(models.Model):
    """A verdict, structured per defendant (see `VerdictDefendant`), with an ECLI-style
    identifier `ECLI:KG:<court>:<year>:<number>` in the register of court decisions."""

    id = models.CharField(primary_key=True, max_length=60)  # the ECLI
    court_case = models.ForeignKey(CourtCase, on_delete=models.PROTECT, related_name="verdicts")
    case = models.ForeignKey("core.Case", on_delete=models.PROTECT, related_name="verdicts")
    court = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="+")
    judge = models.CharField(max_length=64)
    delivered_at = models.DateTimeField(db_index=True)
    # delivered | in_force (for every defendant, CPC 426(3)) | quashed
    state = models.CharField(max_length=16, default="delivered")
    in_force_at = models.DateTimeField(null=True, blank=True)
    modified_by = models.CharField(max_length=60, blank=True)  # appeal id that modified it
    executed_at = models.DateTimeField(null=True, blank=True)  # turned to execution (CPC 426(4))
    execution_orders = models.JSONField(default=list, blank=True)  # which body got which sentence

    def __str__(self) -> str:
        return self.id


class VerdictDefendant(models.Model):
    """The verdict for one defendant and article: outcome and sentence."""

    verdict = models.ForeignKey(Verdict, on_delete=models.PROTECT, related_name="defendants")
    person = models.ForeignKey("core.Person", on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=16)  # convicted | acquitted
    article = models.CharField(max_length=16)
    part = models.PositiveSmallIntegerField(null=True, blank=True)
    code = models.CharField(max_length=16)
    sentence_kind = models.CharField(max_length=32, blank=True)
    months = models.PositiveIntegerField(null=True, blank=True)
    amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    regime = models.CharField(max_length=32, blank=True)
    probation_months = models.PositiveIntegerField(null=True, blank=True)
    custody_credit_days = models.PositiveIntegerField(null=True, blank=True)
    # When the verdict entered into force for this defendant: with co-defendants, for those who
    # did not appeal when the appeal term lapsed, even while another's appeal awaits the appeal
    # court (CPC 426(3)).
    in_force_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.person_id} {self.outcome} art. {self.article} ({self.verdict_id})"


class Appeal(models.Model):
    """An appeal against a verdict (30 days; a detainee's from service of the copy, CPC 400),
    decided by the appeal court within 2 months (+1) (CPC 410)."""

    id = models.CharField(primary_key=True, max_length=60)
    verdict = models.ForeignKey(Verdict, on_delete=models.PROTECT, related_name="appeals")
    case = models.ForeignKey("core.Case", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        "core.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    filed_by = models.CharField(max_length=64)
    filed_at = models.DateTimeField()
    grounds = models.TextField()
    state = models.CharField(max_length=16, default="pending")  # pending | decided | withdrawn
    outcome = models.CharField(max_length=16, blank=True)  # upheld | modified | quashed
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"appeal {self.id} ({self.state})"


def active_measure(case: Any, person: str) -> Measure | None:
    """The preventive measure in force for `person` in `case` (one at a time, CPC 104(3))."""
    return (
        Measure.objects.filter(case=case, person_id=person, state="active")
        .order_by("-ordered_from")
        .first()
    )
