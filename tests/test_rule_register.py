"""The rule register (``portal.clauses``): every duty and finding kind rests on a rule, every rule quotes
its directive word for word, names code and tests that exist, and shows where its results appear."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

from portal.clauses import basis_of, register, supervising, supervising_locally
from supervision.models import Directive, Finding, Obligation
from supervision.register import markdown

ROOT = Path(settings.BASE_DIR)
MANUAL = {"obligation:custom", "finding:other"}  # entered by a person, who gives the directive or evidence


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_every_kind_of_duty_and_finding_is_produced_by_a_rule():
    kinds = {f"obligation:{k}" for k in Obligation.Kind.values} | {f"finding:{k}" for k in Finding.Kind.values}
    produced = {what for rule in register() for what in rule.produces}
    assert kinds - MANUAL <= produced, sorted(kinds - MANUAL - produced)
    for what in sorted(kinds - MANUAL):
        family, kind = what.split(":")
        basis = basis_of(family, kind)
        assert basis.directive and basis.clause and len(basis.quote) > 10, what


@pytest.mark.parametrize("rule", register(), ids=lambda rule: rule.code)
def test_each_rule_quotes_its_directive_and_names_real_code_and_tests(registry, rule):
    """The quote stands word for word in the directive's full text as the portal holds it (seeded from
    ``portal/data/directives/``; line breaks of the scan aside)."""
    document = squeeze(Directive.objects.get(number=rule.basis.directive).text)
    assert squeeze(rule.basis.quote) in document, f"{rule.code}: the quote is not in {rule.basis.directive}"
    assert callable(rule.target())
    assert rule.tested_in and all((ROOT / path).is_file() for path in rule.tested_in), rule.tested_in


def test_each_directive_is_urged_under_its_own_quoted_sentence(registry):
    """A supervision letter rests on the sentence of the duty's directive that lets its office urge the
    parties (``clauses.SUPERVISES``): quoted word for word, and of that directive."""
    bases = supervising()
    assert {"豫公管办〔2019〕23号", "发改办法规〔2023〕54号"} <= set(bases)
    for number, basis in [*bases.items(), *supervising_locally().items()]:
        assert squeeze(basis.quote) in squeeze(Directive.objects.get(number=basis.directive).text), number
        assert basis.directive in (number, "豫公管办〔2019〕23号"), number  # its own, or the one it forwards


def test_rule_codes_are_unique():
    codes = [rule.code for rule in register()]
    assert len(codes) == len(set(codes))


def test_docs_rules_md_is_in_step_with_the_register():
    with translation.override("zh-hans"):
        expected = markdown()
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == expected, (
        "docs/rules.md is out of step: run `python manage.py rules_doc`"
    )


def test_rules_doc_command_writes_the_file(tmp_path, monkeypatch):
    from supervision.management.commands import rules_doc

    monkeypatch.setattr(rules_doc, "DOC", tmp_path / "docs" / "rules.md")
    call_command("rules_doc", stdout=open(tmp_path / "out.txt", "w"))
    assert "豫公管办〔2019〕23号 三" in (tmp_path / "docs" / "rules.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("persona", ["province", "puyang", "szca", "platform-puyang"])
def test_the_register_page_lists_every_rule_for_every_role(client_for, persona):
    page = client_for(persona).get("/registry/rules/")
    assert page.status_code == 200
    html = page.content.decode()
    for rule in register():
        assert f'id="rule-{rule.code}"' in html
    assert "要以目前省辖市公共资源交易平台数字证书最低收费标准为参照" in html
    assert "supervision.engine.sweep.Sweep.overdue_finding" in html
    assert 'href="/registry/directives/' in html  # the directives are linked


def test_the_register_page_needs_a_log_in(client_for):
    assert client_for("anonymous").get("/registry/rules/").status_code == 302


def test_every_finding_and_rule_made_duty_of_the_demo_shows_its_basis(registry, client_for):
    findings = list(Finding.objects.select_related("obligation"))
    assert findings
    for finding in findings:
        assert finding.basis is not None, finding
    for obligation in Obligation.objects.exclude(kind=Obligation.Kind.CUSTOM):
        assert obligation.basis is not None, obligation
    client = client_for("province")
    finding = Finding.objects.filter(kind=Finding.Kind.OVERCHARGE).first()
    html = client.get(finding.get_absolute_url()).content.decode()
    assert "豫公管办〔2019〕23号 三" in html and "降至全省最低收费标准以下" in html
    duty = Obligation.objects.get(dedup_key="2019-3:cross_vendor_recognition:SZCA")
    html = client.get(duty.get_absolute_url()).content.decode()
    assert "濮公共交易〔2019〕3号 四" in html and "尽快实现与不同电子认证服务机构" in html
