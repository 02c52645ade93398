"""Synthetic pre-trial stories for `icjis seed --cases N` (all names invented)."""

from __future__ import annotations

import base64
import random
from datetime import date, timedelta
from typing import Any

from icjis.core.seeding import Step, Story, generator
from icjis.core.synthetic_names import synthetic_name
from icjis.forensics.demo import synthetic_photo

SITES = [("", "KG-GB", "KG-GB-LEN"), ("_osh", "KG-O", "KG-O-KSU")]
DISTRICTS = {region: district for _, region, district in SITES}
ARTICLES = [
    {"article": "205", "part": 1},
    {"article": "205", "part": 2},
    {"article": "122", "part": 1},
    {"article": "209", "part": 1},
    {"article": "210", "part": 1},
    {"article": "280", "part": 1},
]
SUMMARIES = [
    "Кража мобильного телефона из сумки в общественном транспорте",
    "Телесные повреждения в ходе ссоры",
    "Мошенничество при продаже автомобиля через интернет",
    "Грабёж у торгового центра",
    "Хулиганство во дворе жилого дома",
]


def synthetic_person(rng: random.Random, region: str | None = None) -> dict[str, Any]:
    """An invented person; with `region`, living in the district of that site (CEC 30: where a
    sentence without isolation is executed). The residence draws nothing from `rng`."""
    surname, given, patronymic, sex = synthetic_name(rng)
    born = date(1960, 1, 1) + timedelta(days=rng.randint(0, 365 * 45))
    person = {
        "surname": surname,
        "given_name": given,
        "patronymic": patronymic,
        "birth_date": born.isoformat(),
        "sex": sex,
        "citizenship": "KGZ",
    }
    if region is not None:
        person["residence"] = DISTRICTS[region]
    return person


COURTS = {"": "GB-SUD", "_osh": "OSH-SUD"}


class Plot:
    """Builds one story's steps at growing offsets from its start."""

    def __init__(self, rng: random.Random, suffix: str) -> None:
        self.rng, self.suffix, self.at = rng, suffix, timedelta(0)
        self.steps: list[Step] = []

    def then(self, gap: timedelta, who: Any, kind: str, data: Any, case: bool = True) -> Plot:
        self.at += gap
        actor = (who + self.suffix) if isinstance(who, str) else who
        self.steps.append(Step(self.at, actor, kind, data, case=case))
        return self

    def hours(self, lo: int, hi: int) -> timedelta:
        return timedelta(hours=self.rng.randint(lo, hi))

    def days(self, lo: int, hi: int) -> timedelta:
        return timedelta(days=self.rng.randint(lo, hi), hours=self.rng.randint(0, 8))


def _last(kind: str, key: str) -> Any:
    def pick(state: dict[str, Any]) -> Any:
        found = state.get("by_kind", {}).get(kind)
        return found[-1].get(key) if found else None

    return pick


def _suspect(state: dict[str, Any]) -> str | None:
    return _last("registry.participant.add", "person")(state)


suspect_of = _suspect  # for the steps other modules add to a story


def _registered(rng: random.Random, suffix: str, region: str) -> Plot:
    plot = Plot(rng, suffix)
    report = {
        "channel": rng.choice(["in_person", "in_person", "phone", "online", "dispatch"]),
        "summary": rng.choice(SUMMARIES),
        "place": {"region": region},
        "applicant": synthetic_person(rng),
    }
    plot.then(timedelta(0), "registrar", "registry.report.register", report, case=False)
    return plot.then(
        plot.hours(1, 20), "unit_head", "registry.case.assign", {"officer": "investigator" + suffix}
    )


def _opened(
    rng: random.Random,
    suffix: str,
    region: str,
    qualification: dict[str, Any] | None = None,
    suspect: dict[str, Any] | None = None,
) -> Plot:
    plot = _registered(rng, suffix, region)
    plot.then(
        plot.days(0, 3),
        "investigator",
        "registry.participant.add",
        {"role": "suspect", "person": suspect or synthetic_person(rng, region)},
    )
    plot.then(
        plot.days(1, 8), "investigator", "registry.case.open", qualification or rng.choice(ARTICLES)
    )
    if rng.random() < 0.9:  # the copy to the prosecutor within 24 hours (CPC 156(3)), mostly
        plot.then(
            plot.hours(1, 20),
            "investigator",
            "registry.copy.send",
            {"document": "opening_decision"},
        )
    return plot


def _charged(
    rng: random.Random,
    suffix: str,
    region: str,
    qualification: dict[str, Any] | None = None,
    suspects: list[dict[str, Any]] | None = None,
) -> Plot:
    """Opened, the suspect notified and charged; `suspects` (given persons) adds co-defendants
    after the first, each added, notified and charged in turn."""
    first = suspects[0] if suspects else None  # none given: `_opened` makes one
    others = suspects[1:] if suspects else []
    plot = _opened(rng, suffix, region, qualification, first)
    _notified_and_charged(plot)
    for other in others:
        plot.then(
            plot.days(0, 3),
            "investigator",
            "registry.participant.add",
            {"role": "suspect", "person": other},
        )
        _notified_and_charged(plot)
    return plot


def _notified_and_charged(plot: Plot) -> None:
    plot.then(
        plot.days(1, 6),
        "investigator",
        "registry.suspicion.notify",
        lambda st: {"person": _suspect(st)} if _suspect(st) else None,
    )
    plot.then(
        plot.days(3, 20),
        "investigator",
        "registry.charge",
        lambda st: {"person": _suspect(st), **_qualification(st)} if _suspect(st) else None,
    )


def _qualification(state: dict[str, Any]) -> dict[str, Any]:
    opened = state.get("by_kind", {}).get("registry.case.open", [{}])[-1]
    return {"article": opened.get("article", "205"), "part": opened.get("part", 1)}


def _site(rng: random.Random) -> tuple[str, str]:
    suffix, region, _district = rng.choice(SITES)
    return suffix, region


@generator("refused", weight=0.25)
def refused(rng: random.Random, i: int) -> Story:
    """A report checked and refused (CPC 154); the applicant's appeal window runs."""
    suffix, region = _site(rng)
    plot = _registered(rng, suffix, region)
    plot.then(
        plot.days(2, 9),
        "investigator",
        "registry.case.refuse",
        {
            "grounds": rng.choice(
                ["Отсутствие события преступления", "Гражданско-правовые отношения"]
            )
        },
    )
    return Story(plot.steps)


@generator("undecided", weight=0.07)
def undecided(rng: random.Random, i: int) -> Story:
    """A report nobody decided on: its 10-day term runs out (for the oversight lists)."""
    suffix, region = _site(rng)
    return Story(_registered(rng, suffix, region).steps)


@generator("under_investigation", weight=0.28)
def under_investigation(rng: random.Random, i: int) -> Story:
    """A case opened, with a suspect notified and often charged, in some an item of evidence
    seized and stored (`evidence.seed`) and examined by an expert (`forensics.seed`); some run
    past their term."""
    suffix, region = _site(rng)
    from icjis.evidence.seed import store_an_item
    from icjis.forensics.seed import examine_the_item

    plot = _charged(rng, suffix, region) if rng.random() < 0.6 else _opened(rng, suffix, region)
    store_an_item(plot, i)
    examine_the_item(plot, i)
    if rng.random() < 0.25:
        plot.then(plot.days(20, 50), "prosecutor", "registry.term.extend", {"months": 3})
    return Story(plot.steps)


@generator("suspended", weight=0.08)
def suspended(rng: random.Random, i: int) -> Story:
    """A case suspended (CPC 246) and sometimes resumed; the investigation clock stops."""
    suffix, region = _site(rng)
    plot = _opened(rng, suffix, region)
    plot.then(
        plot.days(5, 25),
        "investigator",
        "registry.case.suspend",
        {"basis": "serious_illness", "grounds": "Тяжёлая болезнь подозреваемого"},
    )
    if rng.random() < 0.5:
        plot.then(
            plot.days(10, 40),
            "investigator",
            "registry.case.resume",
            {"grounds": "Подозреваемый выздоровел"},
        )
    return Story(plot.steps)


@generator("terminated", weight=0.05)
def terminated(rng: random.Random, i: int) -> Story:
    """A case terminated by the investigator (CPC 257-258)."""
    suffix, region = _site(rng)
    plot = _opened(rng, suffix, region)
    plot.then(
        plot.days(5, 30),
        "investigator",
        "registry.case.terminate",
        {"grounds": "Примирение сторон"},
    )
    return Story(plot.steps)


@generator("indicted", weight=0.15)
def indicted(rng: random.Random, i: int) -> Story:
    """A case investigated to the indictment, approved and sent to court (or returned once)."""
    suffix, region = _site(rng)
    plot = indicted_plot(rng, suffix, region)
    if rng.random() < 0.8:  # the drawn judge sets the first hearing (CPC 280(6), 283(1))
        plot.then(plot.days(1, 3), _drawn_judge, "courts.hearing.schedule", _hearing(rng))
    return Story(plot.steps)


def indicted_plot(
    rng: random.Random,
    suffix: str,
    region: str,
    qualification: dict[str, Any] | None = None,
    suspects: list[dict[str, Any]] | None = None,
) -> Plot:
    """A case investigated to the indictment (returned once by the prosecutor in some stories),
    approved and sent to the court of its site, where it is registered and a judge drawn.
    `qualification` fixes the article; `suspects` the accused (default: one invented person).
    Other modules' stories go on from here (see `icjis.courts.seed`)."""
    plot = _charged(rng, suffix, region, qualification, suspects)
    plot.then(plot.days(3, 25), "investigator", "registry.indictment.submit", {})
    if rng.random() < 0.15:
        plot.then(
            plot.days(1, 4),
            "prosecutor",
            "registry.indictment.return",
            {"reasons": "Неполнота следствия: не допрошены свидетели"},
        )
        plot.then(plot.days(5, 20), "investigator", "registry.indictment.submit", {})
    return plot.then(
        plot.days(1, 4), "prosecutor", "registry.indictment.approve", {"court": COURTS[suffix]}
    )


def _drawn_judge(state: dict[str, Any]) -> str | None:
    return _last("courts.judge.draw", "judge")(state)


def _hearing(rng: random.Random) -> Any:
    days, hour, room = rng.randint(6, 12), rng.choice([9, 10, 11, 14, 15, 16]), rng.randint(1, 6)

    def schedule(state: dict[str, Any]) -> dict[str, Any] | None:
        from datetime import datetime, time

        from icjis.core import clock
        from icjis.legal.counting import LOCAL_TZ

        if _drawn_judge(state) is None:
            return None
        day = clock.now().astimezone(LOCAL_TZ).date() + timedelta(days=days)
        starts = datetime.combine(day, time(hour), LOCAL_TZ)
        return {"starts_at": starts.isoformat(), "room": str(room)}

    return schedule


def _arrest_now(state: dict[str, Any]) -> dict[str, Any] | None:
    from icjis.core import clock

    person = _suspect(state)
    if person is None:
        return None
    detained = (clock.now() - timedelta(minutes=50)).replace(second=0, microsecond=0)
    return {
        "person": person,
        "detained_at": detained.isoformat(),
        "place": "Место задержания",
        "grounds": "Застигнут при совершении преступления (УПК 96)",
    }


def _appointed_lawyer(state: dict[str, Any]) -> str | None:
    return _last("legalaid.appoint", "lawyer")(state)


def _accept(state: dict[str, Any]) -> dict[str, Any] | None:
    appointment = _last("legalaid.appoint", "appointment")(state)
    return {"appointment": appointment} if appointment and _appointed_lawyer(state) else None


def _until_in(days: int) -> Any:
    def until(state: dict[str, Any]) -> dict[str, Any] | None:
        from icjis.core import clock
        from icjis.legal.counting import LOCAL_TZ

        petition = _last("courts.measure.petition", "petition")(state)
        if petition is None:
            return None
        day = clock.now().astimezone(LOCAL_TZ).date() + timedelta(days=days)
        return {"petition": petition, "granted": True, "until": day.isoformat()}

    return until


def _counsel_moves(plot: Plot, i: int) -> None:
    """Counsel asks the investigator for an expertise (CPC 123); of three such stories one
    motion is granted (after the client's statement of ill-treatment and the medical expertise
    it calls for, 179(11)), one refused with reasons and renewed before the investigating judge,
    who grants it (182), and one left to its 3 days (124(2)). Fixed delays and the story's
    number choose: no draw from the shared generator, so the other stories stay as they were."""
    plot.then(
        timedelta(hours=3),
        _appointed_lawyer,
        "registry.motion.file",
        lambda st: (
            {
                "person": _suspect(st),
                "subject": "expertise",
                "text": "Прошу назначить судебно-медицинскую экспертизу подзащитного.",
            }
            if _suspect(st) and _last("legalaid.accept", "appointment")(st)
            else None
        ),
    )
    if i % 3 == 2:  # noqa: PLR2004 - the third story leaves it undecided
        return
    if i % 3 == 0:  # the client states ill-treatment; the examination is ordered in hours
        _torture_stated(plot)
    outcome = "granted" if i % 3 == 0 else "refused"
    plot.then(
        timedelta(hours=20),
        "investigator",
        "registry.motion.decide",
        lambda st: (
            {
                "motion": _last("registry.motion.file", "motion")(st),
                "outcome": outcome,
                "grounds": None if outcome == "granted" else "Телесных повреждений не обнаружено.",
            }
            if _last("registry.motion.file", "motion")(st)
            else None
        ),
    )
    if outcome == "refused":  # counsel asks the investigating judge instead (CPC 182)
        _renewed_before_the_judge(plot)
        _complaint_taken_higher(plot)


def _torture_stated(plot: Plot) -> None:
    """Counsel brings the client's statement of ill-treatment (CPC 179(11)); the investigator
    orders the medical expertise of the person within the 12 hours."""
    plot.then(
        timedelta(hours=1),
        _appointed_lawyer,
        "registry.torture.report",
        lambda st: (
            {
                "person": _suspect(st),
                "text": "Подзащитный заявил, что при задержании его ударили по лицу.",
            }
            if _last("registry.motion.file", "motion")(st)
            else None
        ),
    )
    plot.then(
        timedelta(hours=4),
        "investigator",
        "forensics.expertise.order",
        lambda st: (
            {
                "kind": "medical",
                "grounds": "Заявление о применении насилия при задержании (ч. 11 ст. 179 УПК).",
                "questions": ["Имеются ли телесные повреждения, их характер и давность?"],
                "person": _suspect(st),
                "days": 5,
            }
            if _last("registry.torture.report", "person")(st)
            else None
        ),
    )
    # The expert examines the person the next days and photographs it (179(11)).
    plot.then(
        timedelta(days=2),
        lambda st: (_last("forensics.expertise.order", "experts")(st) or [None])[0],
        "forensics.opinion.submit",
        lambda st: (
            {
                "expertise": _last("forensics.expertise.order", "expertise")(st),
                "research": "Осмотр проведён с фотосъёмкой; на скуловой области слева кровоподтёк "
                "синюшного цвета размером 3×2 см.",
                "answers": ["Кровоподтёк скуловой области слева, давность 3-5 суток."],
                "photos": [base64.b64encode(synthetic_photo()).decode("ascii")],
            }
            if _last("registry.torture.report", "person")(st)
            and _last("forensics.expertise.order", "expertise")(st)
            else None
        ),
    )


def _city_prosecutor(state: dict[str, Any]) -> str:
    return "prosecutor_city"


def _oblast_prosecutor_osh(state: dict[str, Any]) -> str:
    return "prosecutor_oblast_osh"


# The office above each site's district prosecutor, by the site's suffix: functions (the plot
# adds the suffix to a name), defined once so that two builds of a story compare equal.
HIGHER_PROSECUTOR = {"": _city_prosecutor, "_osh": _oblast_prosecutor_osh}


def _complaint_taken_higher(plot: Plot) -> None:
    """Counsel complains to the prosecutor of the investigator's inaction (CPC 125); the
    prosecutor dismisses it, counsel takes the decision to the higher prosecutor (126(1)), who
    upholds it in part."""
    plot.then(
        timedelta(days=1),
        _appointed_lawyer,
        "registry.complaint.file",
        lambda st: (
            {
                "person": _suspect(st),
                "subject": "inaction",
                "text": "Следователь не вручил защитнику копию постановления об отказе.",
            }
            if _last("registry.motion.decide", "motion")(st)
            else None
        ),
    )
    plot.then(
        timedelta(days=2),
        "prosecutor",
        "registry.complaint.decide",
        lambda st: (
            {
                "complaint": _last("registry.complaint.file", "complaint")(st),
                "outcome": "dismissed",
                "grounds": "Копия постановления направлена защитнику почтой.",
            }
            if _last("registry.complaint.file", "complaint")(st)
            else None
        ),
    )
    plot.then(
        timedelta(days=1),
        _appointed_lawyer,
        "registry.complaint.contest",
        lambda st: (
            {
                "complaint": _last("registry.complaint.file", "complaint")(st),
                "text": "Копия не получена до сих пор; прошу проверить доводы жалобы.",
            }
            if _last("registry.complaint.decide", "outcome")(st) == "dismissed"
            else None
        ),
    )
    plot.then(
        timedelta(days=2),
        HIGHER_PROSECUTOR[plot.suffix],
        "registry.complaint.decide",
        lambda st: (
            {
                "complaint": _last("registry.complaint.contest", "complaint")(st),
                "outcome": "partly_upheld",
                "grounds": "Вручить защитнику копию постановления под расписку.",
            }
            if _last("registry.complaint.contest", "complaint")(st)
            else None
        ),
    )


def _renewed_before_the_judge(plot: Plot) -> None:
    """The refused expertise asked of the investigating judge, who grants it and orders it
    (CPC 182(6))."""
    plot.then(
        timedelta(days=1),
        _appointed_lawyer,
        "registry.motion.file",
        lambda st: (
            {
                "person": _suspect(st),
                "to": "investigating_judge",
                "subject": "expertise",
                "renews": _last("registry.motion.file", "motion")(st),
                "text": "Прошу назначить экспертизу, в которой отказал следователь (ст. 182 УПК).",
            }
            if _last("registry.motion.decide", "motion")(st)
            else None
        ),
    )
    plot.then(
        timedelta(days=2),
        "investigating_judge",
        "registry.motion.rule",
        lambda st: (
            {"motion": _last("registry.motion.file", "motion")(st), "outcome": "granted"}
            if len(st.get("by_kind", {}).get("registry.motion.file", [])) > 1
            else None
        ),
    )
    plot.then(
        timedelta(hours=2),
        "investigating_judge",
        "forensics.expertise.order",
        lambda st: (
            {
                "kind": "medical",
                "grounds": "Ходатайство защиты удовлетворено (ч. 6 ст. 182 УПК).",
                "questions": ["Имеются ли у подозреваемого телесные повреждения, их давность?"],
                "person": _suspect(st),
                "days": 10,
                "motion": _last("registry.motion.file", "motion")(st),
            }
            if _last("registry.motion.rule", "outcome")(st) == "granted"
            else None
        ),
    )


@generator("detained", weight=0.12)
def detained(rng: random.Random, i: int) -> Story:
    """A suspect caught in the act: arrested, the duty lawyer accepts, admitted and examined in
    the IVS, then released within 48 hours or remanded in custody by the investigating judge."""
    suffix, region = _site(rng)
    plot = _opened(rng, suffix, region)
    plot.then(plot.hours(1, 6), "investigator", "detention.arrest", _arrest_now)
    plot.then(timedelta(minutes=rng.randint(10, 50)), _appointed_lawyer, "legalaid.accept", _accept)
    plot.then(
        plot.hours(1, 8),
        "investigator",
        "registry.copy.send",
        lambda st: {"document": "detention_record", "person": _suspect(st)},
    )
    plot.then(
        plot.hours(1, 2),
        "ivs_officer",
        "detention.admit",
        lambda st: {"person": _suspect(st), "facility": ("GB" if not suffix else "OSH") + "-IVS"},
    )
    hurt = rng.random() < 0.04
    plot.then(
        plot.hours(1, 2),
        "ivs_medic",
        "detention.medical_exam",
        lambda st: {"person": _suspect(st), "injuries": hurt},
    )
    from icjis.evidence.seed import take_the_prints

    take_the_prints(plot, i)
    if rng.random() < 0.5:
        plot.then(
            plot.hours(10, 30),
            "investigator",
            "detention.release",
            lambda st: {"person": _suspect(st), "grounds": "custody_not_needed"},
        )
        _counsel_moves(plot, i)
        return Story(plot.steps)
    plot.then(
        plot.hours(10, 20),
        "investigator",
        "courts.measure.petition",
        lambda st: {
            "person": _suspect(st),
            "measure": "custody",
            "months": 2,
            "grounds": "Может скрыться от следствия",
        },
    )
    plot.then(
        plot.hours(1, 4),
        "prosecutor",
        "courts.measure.consent",
        lambda st: {"petition": _last("courts.measure.petition", "petition")(st)},
    )
    plot.then(plot.hours(2, 6), "investigating_judge", "courts.measure.decide", _until_in(55))
    # Remanded, the accused leaves the IVS for the pre-trial detention facility (CPC 101(1)).
    # A fixed delay: no draw from the shared generator, so the other stories stay as they were.
    plot.then(
        timedelta(hours=6),
        "ivs_officer",
        "detention.transfer",
        lambda st: {"person": _suspect(st), "to": "СИЗО-1 ГСИН" if not suffix else "СИЗО-5 ГСИН"},
    )
    _counsel_moves(plot, i)
    return Story(plot.steps)
