"""Official document numbers (文号): each authority numbers its documents per year, e.g. 豫公管办〔2026〕3号."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentSequence(models.Model):
    """The last number an authority gave to its documents of one year. Incremented by one conditional
    UPDATE inside the issuing transaction, so two notices issued at the same moment never share a number."""

    authority = models.ForeignKey(
        "supervision.Authority", on_delete=models.CASCADE, related_name="+", verbose_name=_("authority")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number given"), default=0)

    class Meta:
        verbose_name = _("document number sequence")
        verbose_name_plural = _("document number sequences")
        constraints = [models.UniqueConstraint(fields=["authority", "year"], name="document_sequence_once_a_year")]

    def __str__(self) -> str:
        return f"{self.authority} {self.year}: {self.last}"
