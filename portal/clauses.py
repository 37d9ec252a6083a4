"""The rule register: every rule of the portal, with the clause it rests on, in one place.

A rule is a duty the portal creates or a finding it raises. Each app declares its rules in its own
``clauses`` module as ``RULES`` (a list of :class:`Rule`; the name ``rules`` is taken by django-rules,
which imports every app's ``rules`` module). A rule carries its :class:`Basis` as data: the directive's
document number, the clause and the sentence quoted from the document (``portal/data/directives/``).
The register page (``/registry/rules/``) and ``docs/rules.md`` list them; the tests check that every
obligation and finding kind is produced by a rule, that the code and the tests a rule names exist, and
that ``docs/rules.md`` is in step (``python manage.py rules_doc``).

Where a result appears (an obligation, a finding, a reminder, a notice, an export) it shows its basis:
a finding's own (stored in its facts when it was raised), else its duty's, else its kind's rule's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import import_module

from portal.seeding import app_modules


@dataclass(frozen=True)
class Basis:
    directive: str  # document number (文号)
    clause: str  # e.g. "三"
    quote: str  # the sentence, quoted from the document

    @property
    def citation(self) -> str:
        return f"{self.directive} {self.clause}：“{self.quote}”"

    def __str__(self) -> str:
        return self.citation

    def as_facts(self) -> dict:
        return {"basis": {"directive": self.directive, "clause": self.clause, "quote": self.quote}}

    @classmethod
    def from_facts(cls, facts) -> Basis | None:
        data = facts.get("basis") if isinstance(facts, dict) else None
        if not isinstance(data, dict) or not data.get("directive"):
            return None
        return cls(str(data["directive"]), str(data.get("clause", "")), str(data.get("quote", "")))


@dataclass(frozen=True)
class Rule:
    """One rule: what it produces (``"obligation:<kind>"`` or ``"finding:<kind>"``), on which basis,
    where the code that applies it lives and which tests hold it."""

    code: str
    summary: str  # what the portal does, in one sentence (a lazy translation)
    basis: Basis
    produces: tuple[str, ...]
    implemented_in: str  # dotted path of the function or class
    tested_in: tuple[str, ...] = field(default_factory=tuple)  # test files, from the project root
    note: str = ""  # the portal's reading, where the clause leaves a choice
    # Where several rules produce one kind of duty: a part of the deduplication key of each duty this
    # rule creates (the pilot cities' coverage ":coverage:", the other localities' ":coverage-all:").
    keys: tuple[str, ...] = ()

    @property
    def app(self) -> str:
        return self.implemented_in.split(".", 1)[0]

    def target(self):
        """The function or class ``implemented_in`` names (a method as ``module.Class.method``)."""
        parts = self.implemented_in.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            try:
                found = import_module(".".join(parts[:cut]))
            except ModuleNotFoundError:
                continue
            for name in parts[cut:]:
                found = getattr(found, name)
            return found
        raise ImportError(self.implemented_in)


@cache
def register() -> tuple[Rule, ...]:
    """Every app's ``clauses.RULES``, in the apps' order."""
    return tuple(rule for module in app_modules("clauses") for rule in getattr(module, "RULES", ()))


def rules_producing(what: str, kind: str) -> list[Rule]:
    """The rules that produce an ``obligation`` or a ``finding`` of ``kind``."""
    wanted = f"{what}:{kind}"
    return [rule for rule in register() if wanted in rule.produces]


def rule_of(what: str, kind: str, directive: str = "", key: str = "") -> Rule | None:
    """The rule of a duty or finding of ``kind``: when several rules produce the kind, the one whose
    ``keys`` are part of its deduplication ``key``, else the rule of its directive; else the kind's first
    rule; None for what no rule produces (a duty entered by hand)."""
    rules = rules_producing(what, kind)
    for rule in rules:
        if key and any(part in key for part in rule.keys):
            return rule
    for rule in rules:
        if directive and rule.basis.directive == directive:
            return rule
    return rules[0] if rules else None


def basis_of(what: str, kind: str, directive: str = "", key: str = "") -> Basis | None:
    """The basis of a duty or finding of ``kind`` (the basis of its rule, see ``rule_of``)."""
    rule = rule_of(what, kind, directive, key)
    return rule.basis if rule else None


@cache
def supervising() -> dict[str, Basis]:
    """For a directive (by its number), the sentence under which its issuing level urges the parties of
    its duties (a supervision letter's basis): every app's ``clauses.SUPERVISES``."""
    found: dict[str, Basis] = {}
    for module in app_modules("clauses"):
        found.update(getattr(module, "SUPERVISES", {}))
    return found


@cache
def supervising_locally() -> dict[str, Basis]:
    """For a directive, the sentence under which an office of a lower level urges its own region's
    parties of the directive's duties (``clauses.SUPERVISES_LOCALLY``); the issuing level's if none."""
    found: dict[str, Basis] = {}
    for module in app_modules("clauses"):
        found.update(getattr(module, "SUPERVISES_LOCALLY", {}))
    return found


def supervising_basis(directive: str, default: Basis, *, by_issuer: bool = True) -> Basis:
    """The basis to urge a duty of ``directive`` on: the sentence for the directive's own issuing level
    (``by_issuer``) or for a lower level's office, else ``default``."""
    if not by_issuer and directive in supervising_locally():
        return supervising_locally()[directive]
    return supervising().get(directive, default)
