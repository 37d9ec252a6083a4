"""Bulk import and export (django-import-export): recognition statuses and trust lists.

Each row is validated like a single change on the web: names are looked up in the user's scope,
the model's ``full_clean`` runs, and a status change goes through ``certificates.workflow`` (one
step, by the right persona). Every problem becomes a row-level error ("row 12, status: …"); the
import runs in one transaction that is rolled back when any row fails, so nothing or everything
is written.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets

from certificates import findings, workflow
from certificates.models import (
    CACertificate,
    RecognitionRecord,
    RecognitionScope,
    RecognitionStatus,
    TrustListEntry,
)
from supervision.models import CAVendor, Platform

MAX_ROWS = 5000
YES = {"1", "true", "yes", "y", "是", "含", "√", "✓"}
NO = {"0", "false", "no", "n", "否", "不含", "", "none"}


class ScopedModelWidget(widgets.Widget):
    """A related object named in the file, looked up among what the user may see."""

    def __init__(self, queryset_for, lookups: tuple[str, ...], label: str, required: bool = True):
        super().__init__()
        self.queryset_for = queryset_for
        self.lookups = lookups
        self.label = label
        self.required = required
        self.user = None

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if not text:
            if self.required:
                raise ValueError(_("%(what)s is missing.") % {"what": self.label})
            return None
        condition = Q()
        for lookup in self.lookups:
            condition |= Q(**{lookup: text})
        found = list(self.queryset_for(self.user).filter(condition)[:2])
        if len(found) != 1:
            raise ValueError(
                _("No %(what)s “%(value)s” that you may use.") % {"what": self.label, "value": text}
                if not found
                else _("“%(value)s” names more than one %(what)s.") % {"what": self.label, "value": text}
            )
        return found[0]

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return getattr(value, "short_name", None) or getattr(value, "name", None) or str(value)


class ChoiceWidget(widgets.Widget):
    """A choice written as its key (``same_vendor``) or its label in either language."""

    def __init__(self, choices, label: str):
        super().__init__()
        self.choices = choices
        self.label = label

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        for key, name in self.choices.choices:
            if text.lower() == key or text == str(name) or text == str(name).split(" (")[0]:
                return key
        for key, name in self.choices.choices:  # Chinese part of "English (中文)" labels
            if "（" in str(name) or "(" in str(name):
                inner = str(name).split("(")[-1].rstrip(")")
                if text == inner:
                    return key
        raise ValueError(
            _("“%(value)s” is not a valid %(what)s (use one of: %(keys)s).")
            % {"value": text, "what": self.label, "keys": ", ".join(self.choices.values)}
        )

    def render(self, value, obj=None, **kwargs):
        return value or ""


class YesNoWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = str(value if value is not None else "").strip().lower()
        if text in YES:
            return True
        if text in NO:
            return False
        raise ValueError(_("“%(value)s” is neither yes nor no.") % {"value": value})

    def render(self, value, obj=None, **kwargs):
        return "yes" if value else "no"


class ScopedResource(resources.ModelResource):
    """A resource that knows its user: lookups and the instance loader use ``visible_to``."""

    def __init__(self, user, via: str = "import"):
        super().__init__()
        self.user = user
        self.via = via
        for field in self.fields.values():
            if isinstance(field.widget, ScopedModelWidget):
                field.widget.user = user

    def get_queryset(self):
        return self._meta.model.objects.visible_to(self.user)

    def before_import(self, dataset, **kwargs):
        if dataset.height > MAX_ROWS:
            raise ValidationError(_("At most %(max)d rows per import.") % {"max": MAX_ROWS})
        super().before_import(dataset, **kwargs)


class RecognitionResource(ScopedResource):
    vendor = fields.Field(
        attribute="vendor",
        column_name="vendor",
        widget=ScopedModelWidget(
            lambda u: CAVendor.objects.visible_to(u), ("short_name", "name"), gettext_lazy("CA vendor")
        ),
    )
    platform = fields.Field(
        attribute="platform",
        column_name="platform",
        widget=ScopedModelWidget(lambda u: Platform.objects.visible_to(u), ("name",), gettext_lazy("platform")),
    )
    scope = fields.Field(
        attribute="scope", column_name="scope", widget=ChoiceWidget(RecognitionScope, gettext_lazy("scope"))
    )
    other_vendor = fields.Field(
        attribute="other_vendor",
        column_name="other_vendor",
        widget=ScopedModelWidget(
            lambda u: CAVendor.objects.all(), ("short_name", "name"), gettext_lazy("other vendor"), required=False
        ),
    )
    seals_included = fields.Field(attribute="seals_included", column_name="seals_included", widget=YesNoWidget())
    status = fields.Field(
        attribute="target_status", column_name="status", widget=ChoiceWidget(RecognitionStatus, gettext_lazy("status"))
    )
    note = fields.Field(attribute="import_note", column_name="note")

    class Meta:
        model = RecognitionRecord
        fields = ("vendor", "platform", "scope", "other_vendor", "seals_included", "status", "note")
        export_order = fields
        import_id_fields = ("vendor", "platform", "scope", "other_vendor", "seals_included")
        clean_model_instances = True
        skip_diff = True
        store_row_values = True

    def get_queryset(self):
        return super().get_queryset().select_related("vendor", "platform", "platform__region", "other_vendor")

    def dehydrate_status(self, record):
        return record.status

    def dehydrate_note(self, record):
        return ""

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or instance.pk is None:
            return False
        return (
            getattr(instance, "target_status", instance.status) == instance.status
            and not (getattr(instance, "import_note", "") or "").strip()
        )

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        super().validate_instance(instance, import_validation_errors, validate_unique)
        user = self.user
        if instance.pk is None:
            if not user.has_perm(RecognitionRecord.get_perm("add")) or not user.has_perm(
                RecognitionRecord.get_perm("change"), instance
            ):
                raise ValidationError(
                    {"vendor": _("You may not create recognition records for this vendor and platform.")}
                )

    def save_instance(self, instance, is_create, row, **kwargs):
        target = getattr(instance, "target_status", None) or RecognitionStatus.NOT_STARTED
        note = (getattr(instance, "import_note", "") or "").strip()
        if is_create:
            record = workflow.create_record(
                user=self.user,
                via=self.via,
                vendor=instance.vendor,
                platform=instance.platform,
                scope=instance.scope,
                other_vendor=instance.other_vendor,
                seals_included=instance.seals_included,
            )
            instance.pk = record.pk
        else:
            record = RecognitionRecord.objects.select_related("vendor", "platform", "platform__region").get(
                pk=instance.pk
            )
        if target != record.status:
            try:
                workflow.transition(record, target, user=self.user, note=note, via=self.via)
            except ValidationError as exc:
                raise ValidationError({"status": exc.messages}) from exc


class CertificateWidget(widgets.Widget):
    """A CA certificate named by its SHA-256 fingerprint (colons, spaces and case ignored)."""

    def __init__(self):
        super().__init__()
        self.user = None

    def clean(self, value, row=None, **kwargs):
        text = "".join(ch for ch in str(value or "") if ch.isalnum()).upper()
        if len(text) != 64:
            raise ValueError(_("Give the certificate's SHA-256 fingerprint (64 hexadecimal digits)."))
        found = CACertificate.objects.visible_to(self.user).filter(sha256_fingerprint=text).first()
        if found is None:
            raise ValueError(
                _("No stored CA certificate has the SHA-256 fingerprint %(value)s; upload it first.") % {"value": text}
            )
        return found

    def render(self, value, obj=None, **kwargs):
        return value.sha256_fingerprint if value is not None else ""


class TrustListResource(ScopedResource):
    platform = fields.Field(
        attribute="platform",
        column_name="platform",
        widget=ScopedModelWidget(lambda u: Platform.objects.visible_to(u), ("name",), gettext_lazy("platform")),
    )
    certificate = fields.Field(attribute="certificate", column_name="sha256", widget=CertificateWidget())
    note = fields.Field(attribute="note", column_name="note")
    vendor = fields.Field(column_name="vendor", readonly=True)
    subject = fields.Field(column_name="subject", readonly=True)
    chain_status = fields.Field(column_name="chain_status", readonly=True)

    class Meta:
        model = TrustListEntry
        fields = ("platform", "certificate", "note", "vendor", "subject", "chain_status")
        export_order = fields
        import_id_fields = ("platform", "certificate")
        clean_model_instances = True
        skip_diff = True
        store_row_values = True

    def __init__(self, user, via: str = "import"):
        super().__init__(user, via)
        self.fields["certificate"].widget.user = user
        self.touched_platforms: set[int] = set()

    def get_queryset(self):
        return super().get_queryset().select_related("platform", "certificate", "certificate__vendor")

    def dehydrate_vendor(self, entry):
        vendor = entry.certificate.vendor
        return vendor.short_name if vendor is not None else ""  # a certificate no claim holds yet

    def dehydrate_subject(self, entry):
        return entry.certificate.subject

    def dehydrate_chain_status(self, entry):
        return entry.certificate.chain_status

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        super().validate_instance(instance, import_validation_errors, validate_unique)
        if not self.user.has_perm(TrustListEntry.get_perm("change"), instance):
            raise ValidationError({"platform": _("You may not change the trust list of this platform.")})

    def save_instance(self, instance, is_create, row, **kwargs):
        if is_create:
            instance.added_by = self.user
        instance._history_user = self.user
        super().save_instance(instance, is_create, row, **kwargs)
        self.touched_platforms.add(instance.platform_id)

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        if kwargs.get("dry_run") or result.has_errors() or result.has_validation_errors():
            return

        for platform in Platform.objects.filter(pk__in=self.touched_platforms):
            findings.after_trust_list_change(platform, by=self.user)
