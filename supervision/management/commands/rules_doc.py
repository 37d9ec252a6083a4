"""Write ``docs/rules.md``, the rule register as text, in Chinese (the language of the directives)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

from supervision.register import markdown

DOC = Path(settings.BASE_DIR) / "docs" / "rules.md"


class Command(BaseCommand):
    help = "Write docs/rules.md from the rule register (portal.clauses)."

    def handle(self, *args, **options):
        with translation.override("zh-hans"):
            text = markdown()
        DOC.parent.mkdir(exist_ok=True)
        DOC.write_text(text, encoding="utf-8")
        self.stdout.write(f"{DOC}: {text.count('### ')} rules")
