"""Who is in the demo: staff, teams, companies and customers, built without the database.

Everything comes from ``fixtures/people.toml`` plus a seeded random generator, so the
same seed always yields the same people (and the loader can find them again to reset).
"""

import random
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED = 2026
# Demo only: printed by `rapport demo`, never used outside a demo installation.
DEMO_PASSWORD = "demo-rapport-2026"
LANGUAGES = ("en", "ru", "zh-hans", "sr")
_CYRILLIC = {"ru", "sr"}
_PHONE_PREFIX = {"en": ("+447700900", 3), "ru": ("+7916", 7), "zh-hans": ("+86138", 8),
                 "sr": ("+38164", 7)}


def seeded_random(seed: int) -> random.Random:
    # Demo data must be reproducible from its seed, not unpredictable.
    return random.Random(seed)  # noqa: S311


@dataclass(frozen=True)
class AgentSpec:
    username: str
    first_name: str
    last_name: str
    latin: str
    native: str
    role: str
    languages: tuple[str, ...]
    skills: tuple[str, ...]
    teams: tuple[str, ...]
    gender: str = "m"
    lead: bool = False
    domain: str = ""

    @property
    def email(self) -> str:
        return f"{self.username}@{self.domain}"

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def signature_name(self, language: str) -> str:
        """Agents sign in their own script where the customer reads it, else in Latin."""
        if language == self.native or {language, self.native} <= _CYRILLIC:
            return self.first_name
        return self.latin


@dataclass(frozen=True)
class CompanySpec:
    name: str
    domain: str
    language: str
    share_tickets: bool
    notes: str


@dataclass(frozen=True)
class CustomerSpec:
    name: str
    email: str
    language: str
    gender: str = "m"
    company: str = ""
    phone: str = ""
    extra_email: str = ""


@dataclass(frozen=True)
class Roster:
    company: str
    teams: tuple[tuple[str, str], ...]
    agents: tuple[AgentSpec, ...]
    companies: tuple[CompanySpec, ...]
    customers: tuple[CustomerSpec, ...]
    carriers: tuple[str, ...]
    promo_codes: tuple[str, ...]
    error_codes: tuple[str, ...]

    def agent(self, username: str) -> AgentSpec:
        return next(a for a in self.agents if a.username == username)

    def team_members(self, team: str) -> list[AgentSpec]:
        return [a for a in self.agents if team in a.teams]


@cache
def people_data() -> dict:
    with (FIXTURES / "people.toml").open("rb") as fh:
        return tomllib.load(fh)


def _phone(rng: random.Random, language: str) -> str:
    prefix, digits = _PHONE_PREFIX[language]
    return prefix + "".join(str(rng.randint(0, 9)) for _ in range(digits))


def _customers(data: dict, companies: list[CompanySpec], rng: random.Random) -> list[CustomerSpec]:
    domains = data["customer_domains"]
    by_language = {c.language: c for c in companies}
    result = []
    for language in LANGUAGES:
        names = data["customers"][language]
        company = by_language.get(language)
        members = set(rng.sample(range(len(names)), 4 if company and company.share_tickets else 3))
        for index, (name, local, gender) in enumerate(names):
            employer = company if company is not None and index in members else None
            domain = employer.domain if employer else rng.choice(domains)
            second = ""
            if employer or rng.random() < 0.12:
                second = f"{local}@{rng.choice([d for d in domains if d != domain])}"
            result.append(CustomerSpec(
                name=name, email=f"{local}@{domain}", language=language, gender=gender,
                company=employer.name if employer else "",
                phone=_phone(rng, language) if rng.random() < (0.7 if employer else 0.4) else "",
                extra_email=second,
            ))
    return result


def build_roster(seed: int = SEED) -> Roster:
    data = people_data()
    rng = seeded_random(seed)
    agents = tuple(
        AgentSpec(
            username=a["username"], first_name=a["first_name"], last_name=a["last_name"],
            latin=a["latin"], native=a["native"], role=a["role"],
            languages=tuple(a["languages"]), skills=tuple(a["skills"]), teams=tuple(a["teams"]),
            gender=a["gender"], lead=a.get("lead", False), domain=data["staff_domain"],
        )
        for a in data["agents"]
    )
    companies = [CompanySpec(**c) for c in data["companies"]]
    return Roster(
        company=data["company"],
        teams=tuple((t["name"], t["description"]) for t in data["teams"]),
        agents=agents,
        companies=tuple(companies),
        customers=tuple(_customers(data, companies, rng)),
        carriers=tuple(data["carriers"]),
        promo_codes=tuple(data["promo_codes"]),
        error_codes=tuple(data["error_codes"]),
    )
