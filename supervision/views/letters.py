"""Issuing a supervision letter (督办函) from an overdue duty's page: preview (a PDF in a new tab, nothing
saved) or issue (numbered, then generated and sent to the party)."""

from django.contrib import messages
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

from portal.actions import ObjectActionView
from supervision import forms
from supervision.engine import letters as letter_flow
from supervision.models import Obligation


class ObligationLetter(ObjectActionView):
    model = Obligation
    permission = "supervise"
    form_class = forms.LetterForm
    select_related = ("directive", "vendor", "platform", "authority")
    pdf: bytes | None = None
    letter = None

    def act(self, obligation, data):
        options = {"by": self.request.user, "respond_by": data["respond_by"], "requirement": data["requirement"]}
        if "preview" in self.request.POST:
            self.pdf = letter_flow.preview_letter(obligation, **options)
        else:
            self.letter = letter_flow.issue_letter(obligation, **options)
        return obligation

    def succeeded(self, obligation) -> None:
        if self.letter is not None:
            messages.success(
                self.request,
                _("Supervision letter %(number)s issued: its PDF is being generated and sent to %(party)s.")
                % {"number": self.letter.number, "party": obligation.party},
            )

    def respond(self, obligation):
        if self.pdf is not None:
            response = HttpResponse(self.pdf, content_type="application/pdf")
            response["Content-Disposition"] = 'inline; filename="preview.pdf"'
            return response
        return super().respond(obligation)
