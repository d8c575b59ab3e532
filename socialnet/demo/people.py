"""The demo company's people: Lumen & Co, a fictional lighting maker with five sites.

Pure data, no database access. The organisation is a tree: the CEO, one head per
department (role ``manager``) reporting to the CEO, team leads (``manager``)
reporting to their head, and employees reporting to a lead or a head. A few
people carry a special role (the IT ``admin``, the Communication
``community_manager``). Emails are ``first.last@lumen.example``; the handle
(what ``@mentions`` use) is the email's local part.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

DOMAIN = "lumen.example"
COMPANY = "Lumen & Co"
SITES = ("Lyon", "Paris", "Nantes", "Montréal", "Barcelona")


@dataclass(frozen=True)
class Person:
    """One employee as written in the org chart below."""

    first: str
    last: str
    title: str
    site: str = "Lyon"
    role: str = "employee"

    @property
    def display_name(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def handle(self) -> str:
        return slug(f"{self.first}.{self.last}")

    @property
    def email(self) -> str:
        return f"{self.handle}@{DOMAIN}"


@dataclass(frozen=True)
class Team:
    lead: Person
    members: tuple[Person, ...]


@dataclass(frozen=True)
class Department:
    name: str
    head: Person
    direct: tuple[Person, ...] = ()
    teams: tuple[Team, ...] = field(default=())


def slug(text: str) -> str:
    """ASCII, lowercase, ``[a-z0-9.-]`` only: ``Zoé Lefèvre`` → ``zoe.lefevre``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9.-]+", "", ascii_text.lower().replace(" ", "-"))


def _m(first: str, last: str, title: str, site: str = "Lyon") -> Person:
    """A manager (department head or team lead)."""
    return Person(first, last, title, site, "manager")


P = Person

CEO = Person("Hélène", "Marchand", "Présidente-directrice générale", "Lyon", "manager")

DEPARTMENTS: tuple[Department, ...] = (
    Department(
        "Production",
        _m("Marc", "Lefèvre", "Directeur de production"),
        teams=(
            Team(
                _m("Karim", "Benali", "Chef d'équipe assemblage"),
                (
                    P("Julie", "Moreau", "Opératrice d'assemblage"),
                    P("Thomas", "Girard", "Technicien de fabrication"),
                    P("Fatou", "Diallo", "Opératrice CNC"),
                    P("Lucas", "Bonnet", "Opérateur d'assemblage"),
                ),
            ),
            Team(
                _m("Sophie", "Roux", "Cheffe d'atelier", "Nantes"),
                (
                    P("Hugo", "Faure", "Technicien de maintenance", "Nantes"),
                    P("Inès", "Mercier", "Opératrice de production", "Nantes"),
                    P("Mehdi", "Haddad", "Régleur", "Nantes"),
                ),
            ),
        ),
    ),
    Department(
        "R&D",
        _m("Ana", "Martin", "Head of R&D"),
        teams=(
            Team(
                _m("Wei", "Zhang", "Optics team lead"),
                (
                    P("Priya", "Raman", "Optical engineer"),
                    P("Antoine", "Dubois", "Ingénieur optique"),
                    P("Léa", "Fontaine", "Ingénieure de recherche"),
                    P("Sven", "Larsson", "Photonics researcher"),
                ),
            ),
            Team(
                _m("João", "Silva", "Embedded software lead", "Barcelona"),
                (
                    P("Marta", "García", "Firmware engineer", "Barcelona"),
                    P("Nicolas", "Petit", "Ingénieur électronique"),
                    P("Yuki", "Tanaka", "Embedded developer", "Barcelona"),
                ),
            ),
        ),
    ),
    Department(
        "Sales",
        _m("Olivier", "Laurent", "Directeur commercial", "Paris"),
        teams=(
            Team(
                _m("Camille", "Rousseau", "Responsable grands comptes", "Paris"),
                (
                    P("Maxime", "Lambert", "Key account manager", "Paris"),
                    P("Chloé", "Garnier", "Commerciale sédentaire", "Paris"),
                    P("Samuel", "Cohen", "Ingénieur d'affaires", "Paris"),
                ),
            ),
            Team(
                _m("Émilie", "Tremblay", "Sales manager North America", "Montréal"),
                (
                    P("Kevin", "Nguyen", "Account executive", "Montréal"),
                    P("Olivia", "Brown", "Sales development rep", "Montréal"),
                    P("Gabriel", "Côté", "Représentant technique", "Montréal"),
                ),
            ),
        ),
    ),
    Department(
        "Marketing",
        _m("Isabelle", "Chevalier", "Directrice marketing", "Paris"),
        direct=(
            P("Laura", "Perrin", "Chef de produit", "Paris"),
            P("Daniel", "Schmidt", "Digital marketing manager", "Paris"),
            P("Clara", "Morel", "Chargée d'études", "Paris"),
            P("Pablo", "Fernández", "Content marketer", "Barcelona"),
            P("Charlotte", "Dumas", "Responsable événements", "Paris"),
        ),
    ),
    Department(
        "Communication",
        _m("Nathalie", "Blanc", "Directrice de la communication"),
        direct=(
            Person("Zoé", "Lefort", "Community manager", "Lyon", "community_manager"),
            P("Romain", "André", "Chargé de communication interne"),
            P("Aïcha", "Traoré", "Graphiste", "Paris"),
        ),
    ),
    Department(
        "HR",
        _m("Claire", "Dupont", "DRH"),
        direct=(
            P("Julien", "Robin", "Chargé de recrutement"),
            P("Sarah", "Lemoine", "Responsable formation"),
            P("Amélie", "Gauthier", "Gestionnaire paie", "Nantes"),
            P("Jessica", "Lavoie", "HR business partner", "Montréal"),
        ),
    ),
    Department(
        "Finance",
        _m("Philippe", "Bertrand", "Directeur administratif et financier", "Paris"),
        direct=(
            P("Nadia", "Khelifi", "Contrôleuse de gestion", "Paris"),
            P("François", "Roche", "Comptable"),
            P("Elena", "Rossi", "Financial analyst", "Barcelona"),
        ),
    ),
    Department(
        "IT",
        _m("Stéphane", "Meyer", "DSI"),
        direct=(
            Person("Alex", "Kowalski", "Administrateur systèmes", "Lyon", "admin"),
            P("Baptiste", "Caron", "Développeur"),
            P("Ngozi", "Okafor", "Data engineer", "Paris"),
            P("Victor", "Renaud", "Technicien support", "Nantes"),
        ),
    ),
    Department(
        "Logistics",
        _m("Patrick", "Leroy", "Responsable logistique", "Nantes"),
        direct=(
            P("Sébastien", "Marie", "Chef de quai", "Nantes"),
            P("Manon", "Colin", "Approvisionneuse", "Nantes"),
            P("Diego", "Martínez", "Supply chain analyst", "Barcelona"),
            P("Marie-Ève", "Gagnon", "Coordonnatrice logistique", "Montréal"),
            P("Ahmed", "Belkacem", "Cariste", "Nantes"),
        ),
    ),
    Department(
        "Quality",
        _m("Valérie", "Masson", "Responsable qualité"),
        direct=(
            P("Omar", "Saïdi", "Ingénieur qualité"),
            P("Hannah", "Müller", "QHSE engineer", "Nantes"),
            P("Jérôme", "Noël", "Technicien métrologie"),
            P("Lucie", "Vidal", "Auditrice qualité fournisseurs"),
        ),
    ),
)

#: The four accounts printed after seeding, one per persona worth trying.
DEMO_LOGINS: tuple[tuple[str, str], ...] = (
    ("admin", "alex.kowalski"),
    ("community manager", "zoe.lefort"),
    ("manager", "marc.lefevre"),
    ("employee", "julie.moreau"),
)


def org_chart() -> list[tuple[Person, str, str | None]]:
    """Everyone as ``(person, department, manager handle)``, managers before their reports."""
    rows: list[tuple[Person, str, str | None]] = [(CEO, "Direction", None)]
    for dept in DEPARTMENTS:
        rows.append((dept.head, dept.name, CEO.handle))
        rows.extend((p, dept.name, dept.head.handle) for p in dept.direct)
        for team in dept.teams:
            rows.append((team.lead, dept.name, dept.head.handle))
            rows.extend((p, dept.name, team.lead.handle) for p in team.members)
    return rows
