"""The bidders' feedback channel: limits (rate per address, size and type of the attachment, length of
the text), submission and triage (answer, finding, national attention)."""

from __future__ import annotations

import hashlib
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import ratelimit
from portal.uploads import FileRule
from supervision import conf
from supervision.models import Finding
from supervision.services import raise_finding
from trial import clauses, national
from trial.models import Feedback

MAX_DESCRIPTION = 4000
FINDING_KINDS = {
    Feedback.Category.REFUSAL: Finding.Kind.REFUSAL,
    Feedback.Category.TECHNICAL_BARRIER: Finding.Kind.TECHNICAL_BARRIER,
    Feedback.Category.PROHIBITED_FEE: Finding.Kind.PROHIBITED_FEE,
}


def _setting(name: str, default):
    return getattr(settings, name, default)


def rate() -> tuple[int, int]:
    """(submissions, seconds) allowed per address: TRIAL_FEEDBACK_RATE, default 5 per hour."""
    return tuple(_setting("TRIAL_FEEDBACK_RATE", (5, 3600)))


# The bidder's optional attachment: a scan or a photo.
ATTACHMENT = FileRule(
    types=("pdf", "jpg", "jpeg", "png"),
    max_bytes=2 * 1024 * 1024,
    types_setting="TRIAL_FEEDBACK_ATTACHMENT_TYPES",
    size_setting="TRIAL_FEEDBACK_ATTACHMENT_MAX_BYTES",
)


def attachment_help() -> str:
    return _("Optional. %(accepted)s") % {"accepted": ATTACHMENT.help_text()}


def address_hash(address: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()


RATE_BUCKET = "trial-feedback"


def rate_used_up(request) -> bool:
    """True once the client's saved submissions reached the limit of the current window (nothing is
    counted: a post the form refuses costs the bidder nothing)."""
    limit, _seconds = rate()
    return ratelimit.used(request, RATE_BUCKET) >= limit


def count_submission(request) -> bool:
    """Count one submission about to be saved; False when it is over the limit (two at once)."""
    limit, seconds = rate()
    return ratelimit.hit(request, RATE_BUCKET, limit, seconds)


def validate_description(text: str) -> None:
    if len(text) > MAX_DESCRIPTION:
        raise ValidationError(
            _("At most %(max)d characters (this text has %(n)d).") % {"max": MAX_DESCRIPTION, "n": len(text)}
        )
    if not text.strip():
        raise ValidationError(_("Describe what happened."))


def validate_attachment(upload) -> None:
    ATTACHMENT.validate(upload)


def submit(form, request) -> Feedback:
    feedback = form.save(commit=False)
    feedback.sender_hash = address_hash(ratelimit.client_ip(request))
    if feedback.attachment:
        feedback.attachment_name = PurePath(feedback.attachment.name).name[:200]
    feedback.save()
    return feedback


# --- triage ----------------------------------------------------------------------------------------


def _locked(feedback: Feedback) -> Feedback:
    return Feedback.objects.select_for_update().get(pk=feedback.pk)


def answer(feedback: Feedback, *, text: str, by) -> Feedback:
    if not text.strip():
        raise ValidationError({"answer": _("Write the answer.")})
    with transaction.atomic():
        row = _locked(feedback)
        row.answer = text.strip()
        row.answered_at = timezone.now()
        row.answered_by = by
        if row.status == Feedback.Status.RECEIVED:
            row.status = Feedback.Status.ANSWERED
        row._history_user = by
        row.save()
    feedback.refresh_from_db()
    return feedback


# The party each category's clause binds: 54号 二 forbids the platforms to refuse a network-shared
# certificate or to set technical barriers; 23号 三 forbids the vendors the prohibited fees.
CATEGORY_PARTY = {
    Feedback.Category.REFUSAL: "platform",
    Feedback.Category.TECHNICAL_BARRIER: "platform",
    Feedback.Category.PROHIBITED_FEE: "vendor",
}


def under_provincial_rules(platform) -> bool:
    """Whether the supervising province's fee rules (23号 三) apply where the platform is."""
    return conf.in_supervising_province(platform.region_id)


def bound_party(feedback: Feedback) -> str | None:
    """The party the feedback's clause binds ("platform", "vendor"), None where the administrator names
    it. A prohibited fee is the vendor's where 23号 三 applies; elsewhere it is feedback the platform must
    collect and solve (54号 四), so the platform's."""
    if feedback.category == Feedback.Category.PROHIBITED_FEE and not under_provincial_rules(feedback.platform):
        return "platform"
    return CATEGORY_PARTY.get(feedback.category)


def to_finding(feedback: Feedback, *, by, party: str = "platform", summary: str = "") -> Finding:
    """Turn the feedback into a finding (once) against the party its category's clause binds: a refusal
    or a technical barrier against the platform, a prohibited fee against the vendor; other feedback
    against the party the administrator names. A prohibited fee outside the province whose rules forbid
    it is feedback upheld against the platform under the notice's feedback channel (54号 四), not a
    breach of 23号 三."""
    bound = bound_party(feedback)
    if bound and party != bound:
        raise ValidationError(
            {
                "party": _("This kind of feedback concerns the %(party)s: its clause binds only them.")
                % {"party": _("platform") if bound == "platform" else _("CA vendor")}
            }
        )
    if party == "vendor" and not feedback.vendor_id:
        raise ValidationError({"party": _("This feedback names no CA vendor.")})
    target = feedback.vendor if party == "vendor" else feedback.platform
    kind = FINDING_KINDS.get(feedback.category, Finding.Kind.COMPLAINT_UPHELD)
    basis = clauses.FEEDBACK_BASIS.get(feedback.category, clauses.FEEDBACK_CHANNEL)
    if feedback.category == Feedback.Category.PROHIBITED_FEE and not under_provincial_rules(feedback.platform):
        kind, basis = Finding.Kind.COMPLAINT_UPHELD, clauses.FEEDBACK_CHANNEL
    text = (
        summary.strip() or f"{feedback.get_category_display()}：{feedback.platform.name}（{feedback.tracking_number}）"
    )
    with transaction.atomic():
        row = _locked(feedback)
        finding, _new = raise_finding(
            kind=kind,
            party=target,
            dedup_key=f"trial:feedback:{feedback.pk}",
            summary=text,
            facts={
                "feedback": feedback.tracking_number,
                "category": feedback.category,
                "platform": feedback.platform.name,
                "vendor": feedback.vendor.name if feedback.vendor_id else "",
                "received": timezone.localtime(feedback.created).date().isoformat(),
            }
            | basis.as_facts(),
            evidence=feedback.description,
            raised_by=by,
        )
        row.finding = finding
        row.status = Feedback.Status.FINDING
        row._history_user = by
        row.save()
    feedback.refresh_from_db()
    return finding


def mark_national(feedback: Feedback, *, note: str, by) -> Feedback:
    if not note.strip():
        raise ValidationError({"note": _("Say what the national office should look at.")})
    with transaction.atomic():
        row = _locked(feedback)
        first = not row.national_attention
        row.national_attention = True
        row.national_note = note.strip()
        row.marked_at = timezone.now()
        row._history_user = by
        row.save()
        if first:
            national.feedback_marked(row)
    feedback.refresh_from_db()
    return feedback


def close(feedback: Feedback, *, by) -> Feedback:
    with transaction.atomic():
        row = _locked(feedback)
        row.status = Feedback.Status.CLOSED
        row._history_user = by
        row.save()
    feedback.refresh_from_db()
    return feedback
