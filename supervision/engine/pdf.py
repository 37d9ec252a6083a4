"""PDF documents (WeasyPrint, with the Noto CJK fonts from Debian's fonts-noto-cjk)."""

import logging

from django.conf import settings

from supervision.engine.messages import render

# WeasyPrint reports every layout step at INFO; keep the logs for what matters.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def render_pdf(template: str, context: dict) -> bytes:
    from weasyprint import HTML

    html = render(template, context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
