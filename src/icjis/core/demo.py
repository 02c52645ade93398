"""The demo world (ARCHITECTURE "Demo data"): territory, agencies, units and one user per role
in Bishkek (KG-GB) and in Osh oblast (KG-O). Synthetic: no real person's data."""

from __future__ import annotations

import functools

from django.contrib.auth.hashers import make_password
from django.db import transaction

from icjis.core import clock
from icjis.core.models import Agency, Territory, Unit, User

COUNTRY = ("KG", "Кыргыз Республикасы", "Кыргызская Республика", "Kyrgyz Republic")
REGIONS = [
    ("KG-B", "Баткен облусу", "Баткенская область", "Batken Region"),
    ("KG-C", "Чүй облусу", "Чуйская область", "Chüy Region"),
    ("KG-J", "Жалал-Абад облусу", "Джалал-Абадская область", "Jalal-Abad Region"),
    ("KG-Y", "Ысык-Көл облусу", "Иссык-Кульская область", "Issyk-Kul Region"),
    ("KG-N", "Нарын облусу", "Нарынская область", "Naryn Region"),
    ("KG-O", "Ош облусу", "Ошская область", "Osh Region"),
    ("KG-T", "Талас облусу", "Таласская область", "Talas Region"),
    ("KG-GB", "Бишкек шаары", "город Бишкек", "Bishkek City"),
    ("KG-GO", "Ош шаары", "город Ош", "Osh City"),
]
DISTRICTS = [
    ("KG-GB-LEN", "KG-GB", "Ленин району", "Ленинский район", "Leninsky District"),
    ("KG-GB-OKT", "KG-GB", "Октябрь району", "Октябрьский район", "Oktyabrsky District"),
    ("KG-GB-PER", "KG-GB", "Биринчи Май району", "Первомайский район", "Pervomaisky District"),
    ("KG-GB-SVE", "KG-GB", "Свердлов району", "Свердловский район", "Sverdlovsky District"),
    ("KG-O-KSU", "KG-O", "Кара-Суу району", "Кара-Суйский район", "Kara-Suu District"),
    ("KG-O-NOO", "KG-O", "Ноокат району", "Ноокатский район", "Nookat District"),
    ("KG-O-UZG", "KG-O", "Өзгөн району", "Узгенский район", "Uzgen District"),
]
AGENCIES = [
    (
        "MVD",
        "police",
        "Ички иштер министрлиги",
        "Министерство внутренних дел",
        "Ministry of Internal Affairs",
    ),
    (
        "GP",
        "prosecution",
        "Башкы прокуратура",
        "Генеральная прокуратура",
        "Prosecutor General's Office",
    ),
    ("SUD", "court", "Соттор", "Суды", "Courts"),
    (
        "LAC",
        "legal_aid",
        "Мамлекеттик юридикалык жардам борбору",
        "Центр государственной юридической помощи",
        "State Legal Aid Centre",
    ),
    ("ADV", "bar", "Адвокатура", "Адвокатура", "Bar"),
    (
        "SSE",
        "forensics",
        "Соттук экспертиза кызматы",
        "Служба судебных экспертиз",
        "Forensic Expertise Service",
    ),
    (
        "GSIN",
        "prison",
        "Жазаларды аткаруу кызматы",
        "Служба исполнения наказаний",
        "Penitentiary Service",
    ),
    ("PROB", "probation", "Пробация департаменти", "Департамент пробации", "Probation Department"),
    (
        "ENF",
        "enforcement",
        "Сот аткаруучулар кызматы",
        "Служба судебных исполнителей",
        "Enforcement Service",
    ),
    ("OMB", "oversight", "Акыйкатчы (Омбудсмен)", "Акыйкатчы (Омбудсмен)", "Ombudsperson"),
    ("ICJIS", "admin", "ИКЖМС администрациясы", "Администрация ИСУУС", "ICJIS administration"),
]
# (code suffix, agency, kind, level, name_en, roles held there)
UNIT_PLAN = [
    (
        "UVD",
        "MVD",
        "police",
        "district",
        "Police Department",
        [
            "registrar",
            "investigator",
            "unit_head",
            "offences_officer",
            "evidence_custodian",
            "dispatcher",
        ],
    ),
    ("PROK", "GP", "prosecutor_office", "district", "Prosecutor's Office", ["prosecutor"]),
    ("IVS", "MVD", "ivs", "region", "Temporary Detention Facility", ["ivs_officer", "ivs_medic"]),
    ("LAC", "LAC", "legal_aid_office", "region", "Legal Aid Office", ["legal_aid_coordinator"]),
    ("ADV", "ADV", "bar_chamber", "region", "Bar Chamber", ["lawyer"]),
    ("SSE", "SSE", "forensic_lab", "region", "Forensic Laboratory", ["expert"]),
    (
        "SUD",
        "SUD",
        "court",
        "district",
        "District Court",
        ["court_clerk", "judge", "investigating_judge"],
    ),
    ("APP", "SUD", "appeal_court", "region", "Regional Court (appeal)", ["appeal_judge"]),
    ("COL", "GSIN", "prison", "region", "Correctional Colony", ["prison_officer"]),
    ("PROB", "PROB", "probation_office", "district", "Probation Office", ["probation_officer"]),
    ("ENF", "ENF", "enforcement_office", "district", "Enforcement Office", ["enforcement_officer"]),
]
NATIONAL = [
    ("GP-ANALYTICS", "GP", "analytics", "Statistics and Analytics Unit", ["analyst"]),
    ("GP-AUDIT", "GP", "audit", "Internal Audit", ["auditor"]),
    ("OMB-HQ", "OMB", "oversight", "Office of the Ombudsperson", ["ombudsperson"]),
    ("ICJIS-ADM", "ICJIS", "admin", "System Administration", ["admin"]),
]
# Prosecutors above the district level, who alone may extend an investigation beyond 4 months
# (CPC 162(4)-(5)): (unit code, territory, level, name_en, username).
PROSECUTION = [
    ("GB-PROK-CITY", "KG-GB", "region", "Bishkek City Prosecutor's Office", "prosecutor_city"),
    ("OSH-PROK-OBL", "KG-O", "region", "Osh Oblast Prosecutor's Office", "prosecutor_oblast_osh"),
    ("GP-HQ", "KG", "national", "Prosecutor General's Office", "deputy_prosecutor_general"),
]
SITES = [
    # (prefix, region, district, username suffix, register code of the police unit)
    ("GB", "KG-GB", "KG-GB-LEN", "", "0101"),
    ("OSH", "KG-O", "KG-O-KSU", "_osh", "0201"),
]
EXTRA_JUDGES = ("judge_2", "judge_3")
DEMO_PASSWORD = "demo"  # noqa: S105 - demo accounts exist only outside production


@functools.cache
def demo_password_hash() -> str:
    """The demo password's hash (Argon2, as every password's): made once per process, not per
    demo user or per test world — each costs about a tenth of a second by design, and the demo
    accounts share their public password anyway."""
    return make_password(DEMO_PASSWORD)


# The demo units' names in Kyrgyz and Russian, by their English name.
UNIT_NAMES = {
    "Police Department": ("Ички иштер башкармалыгы", "Управление внутренних дел"),
    "Prosecutor's Office": ("Прокуратура", "Прокуратура"),
    "Temporary Detention Facility": ("Убактылуу кармоо жайы", "Изолятор временного содержания"),
    "Legal Aid Office": ("Юридикалык жардам бөлүмү", "Отдел юридической помощи"),
    "Bar Chamber": ("Адвокатура", "Адвокатура"),
    "Forensic Laboratory": ("Соттук-эксперттик лаборатория", "Судебно-экспертная лаборатория"),
    "District Court": ("Райондук сот", "Районный суд"),
    "Regional Court (appeal)": ("Облустук сот (апелляция)", "Областной суд (апелляция)"),
    "Correctional Colony": ("Түзөтүү колониясы", "Исправительная колония"),
    "Probation Office": ("Пробация органы", "Орган пробации"),
    "Enforcement Office": ("Сот аткаруучулар бөлүмү", "Отдел судебных исполнителей"),
    "Statistics and Analytics Unit": (
        "Статистика жана талдоо бөлүмү",
        "Отдел статистики и аналитики",
    ),
    "Internal Audit": ("Ички аудит", "Внутренний аудит"),
    "Office of the Ombudsperson": (
        "Акыйкатчынын (Омбудсмендин) аппараты",
        "Аппарат Акыйкатчы (Омбудсмена)",
    ),
    "System Administration": ("Системаны башкаруу", "Администрирование системы"),
    "Bishkek City Prosecutor's Office": (
        "Бишкек шаарынын прокуратурасы",
        "Прокуратура города Бишкек",
    ),
    "Osh Oblast Prosecutor's Office": ("Ош облусунун прокуратурасы", "Прокуратура Ошской области"),
    "Prosecutor General's Office": ("Башкы прокуратура", "Генеральная прокуратура"),
}


# The names of the places units are named after (the country and the regions), by code.
PLACE_NAMES = {code: (ky, ru, en) for code, ky, ru, en in [COUNTRY, *REGIONS]}


def _names(en: str, territory: str) -> dict[str, str]:
    """A demo unit's name in each language: its own, then its territory's (from the tables
    above: `seed_world` builds every unit's defaults, so this asks the database nothing)."""
    ky, ru = UNIT_NAMES[en]
    place_ky, place_ru, place_en = PLACE_NAMES[territory]
    return {
        "name_en": f"{en}, {place_en}",
        "name_ru": f"{ru}, {place_ru}",
        "name_ky": f"{ky}, {place_ky}",
    }


@transaction.atomic
def seed_world() -> list[User]:
    """Create the demo territory, agencies, units and users (idempotent: skips what exists)."""
    code, ky, ru, en = COUNTRY
    Territory.objects.get_or_create(
        code=code,
        defaults={"level": "country", "name_ky": ky, "name_ru": ru, "name_en": en, "path": "KG/"},
    )
    for code, ky, ru, en in REGIONS:
        Territory.objects.get_or_create(
            code=code,
            defaults={
                "parent_id": "KG",
                "level": "region",
                "name_ky": ky,
                "name_ru": ru,
                "name_en": en,
                "path": f"KG/{code}/",
            },
        )
    for code, parent, ky, ru, en in DISTRICTS:
        Territory.objects.get_or_create(
            code=code,
            defaults={
                "parent_id": parent,
                "level": "district",
                "name_ky": ky,
                "name_ru": ru,
                "name_en": en,
                "path": f"KG/{parent}/{code}/",
            },
        )
    for code, kind, ky, ru, en in AGENCIES:
        Agency.objects.get_or_create(
            code=code, defaults={"kind": kind, "name_ky": ky, "name_ru": ru, "name_en": en}
        )

    password = demo_password_hash()
    now = clock.now()
    users: list[User] = []

    def add_user(username: str, unit: Unit, roles: list[str]) -> None:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "full_name": f"Demo {username}",
                "agency_id": unit.agency_id,
                "unit": unit,
                "roles": roles,
                "is_demo": True,
                "created_at": now,
                "password": password,
            },
        )
        users.append(user)

    for prefix, region, district, suffix, register in SITES:
        for code, agency, kind, level, en, roles in UNIT_PLAN:
            unit, _ = Unit.objects.get_or_create(
                code=f"{prefix}-{code}",
                defaults={
                    "agency_id": agency,
                    "kind": kind,
                    "level": level,
                    "territory_id": district if level == "district" else region,
                    "register_code": register if code == "UVD" else None,
                    "capacity": 40 if kind == "ivs" else (900 if kind == "prison" else None),
                    **_names(en, region),
                },
            )
            for role in roles:
                add_user(role + suffix, unit, [role])
            if code == "SUD":
                for judge in EXTRA_JUDGES:
                    add_user(judge + suffix, unit, ["judge"])
    for code, territory, level, en, username in PROSECUTION:
        unit, _ = Unit.objects.get_or_create(
            code=code,
            defaults={
                "agency_id": "GP",
                "kind": "prosecutor_office",
                "level": level,
                "territory_id": territory,
                **_names(en, territory),
            },
        )
        add_user(username, unit, ["prosecutor"])
    for code, agency, kind, en, roles in NATIONAL:
        unit, _ = Unit.objects.get_or_create(
            code=code,
            defaults={
                "agency_id": agency,
                "kind": kind,
                "level": "national",
                "territory_id": "KG",
                **_names(en, "KG"),
            },
        )
        for role in roles:
            add_user(role, unit, [role])
            add_user(role + "_osh", unit, [role])
    return users
