"""Roles: what each kind of official may read. Which acts a role may perform is declared on the
act kinds themselves (`roles=`), so the two cannot drift apart.

Read scopes (ARCHITECTURE "Access"): own — cases I am assigned to; unit — cases my unit holds in
any capacity; region — cases in my unit's territory subtree; agency — cases any unit of my agency
holds; national — every case; none — no case reads (statistics only).
"""

from __future__ import annotations

from dataclasses import dataclass

SCOPES = ("none", "own", "unit", "region", "agency", "national")


@dataclass(frozen=True)
class Role:
    name: str
    scope: str
    title_en: str
    title_ru: str
    title_ky: str
    read_only: bool = False


ROLES: dict[str, Role] = {
    r.name: r
    for r in [
        Role("registrar", "unit", "Registrar", "Регистратор", "Каттоочу"),
        Role("investigator", "unit", "Investigator", "Следователь", "Тергөөчү"),
        Role("unit_head", "unit", "Head of unit", "Начальник подразделения", "Бөлүм башчысы"),
        Role("prosecutor", "region", "Prosecutor", "Прокурор", "Прокурор"),
        Role("ivs_officer", "unit", "Detention officer", "Сотрудник ИВС", "УКЖ кызматкери"),
        Role("ivs_medic", "unit", "Detention medic", "Медик ИВС", "УКЖ медиги"),
        Role(
            "legal_aid_coordinator",
            "region",
            "Legal aid coordinator",
            "Координатор юридической помощи",
            "Юридикалык жардам координатору",
        ),
        Role("lawyer", "own", "Lawyer", "Адвокат", "Адвокат"),
        Role("expert", "own", "Forensic expert", "Эксперт", "Эксперт"),
        Role(
            "evidence_custodian",
            "unit",
            "Evidence custodian",
            "Хранитель вещдоков",
            "Далил сактоочу",
        ),
        Role(
            "investigating_judge",
            "region",
            "Investigating judge",
            "Следственный судья",
            "Тергөө судьясы",
        ),
        Role("court_clerk", "unit", "Court clerk", "Секретарь суда", "Сот катчысы"),
        Role("judge", "unit", "Judge", "Судья", "Судья"),
        Role("court_president", "unit", "Court president", "Председатель суда", "Соттун төрагасы"),
        Role(
            "appeal_judge",
            "region",
            "Appeal judge",
            "Судья апелляционной инстанции",
            "Апелляциялык судья",
        ),
        Role(
            "prison_officer", "unit", "Prison officer", "Сотрудник учреждения", "Мекеме кызматкери"
        ),
        Role(
            "probation_officer",
            "unit",
            "Probation officer",
            "Сотрудник пробации",
            "Пробация кызматкери",
        ),
        Role(
            "enforcement_officer",
            "unit",
            "Enforcement officer",
            "Судебный исполнитель",
            "Сот аткаруучу",
        ),
        Role(
            "offences_officer",
            "unit",
            "Offences officer",
            "Сотрудник по правонарушениям",
            "Укук бузуулар кызматкери",
        ),
        Role("dispatcher", "unit", "Dispatcher", "Диспетчер", "Диспетчер"),
        Role("analyst", "none", "Analyst", "Аналитик", "Аналитик"),
        Role("auditor", "national", "Auditor", "Аудитор", "Аудитор", read_only=True),
        # Oversees places of detention, not investigations: no case files, but every detention
        # register and custody clock nationwide, read only (icjis.detention.access).
        Role("ombudsperson", "none", "Ombudsperson", "Омбудсмен", "Акыйкатчы", read_only=True),
        Role("admin", "none", "Administrator", "Администратор", "Администратор"),
        Role("integration", "agency", "Integration client", "Внешняя система", "Тышкы система"),
    ]
}


def widest_scope(roles: list[str]) -> str:
    ranks = [SCOPES.index(ROLES[r].scope) for r in roles if r in ROLES]
    return SCOPES[max(ranks)] if ranks else "none"
