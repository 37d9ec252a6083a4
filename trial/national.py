"""The national level of the trial (发改办法规〔2023〕54号): 法规司 publishes a round; each lead department
(牵头部门) or participating enterprise collects its platforms' statistics and reports them in writing
(书面报送) with a numbered cover letter and Attachment 2; the feedback the regions mark for national
attention (需要国家层面统筹解决的) reaches 法规司's inbox and weekly digest."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.models import Role, User
from supervision.engine import notify
from supervision.engine.digest import DigestSection
from supervision.engine.documents import next_number
from supervision.engine.pdf import render_pdf
from supervision.engine.recipients import Recipient
from supervision.models import Authority, Obligation
from supervision.services import fulfil_obligations
from trial import clauses, rounds
from trial.models import Feedback, ReportingPeriod, TrialParticipant, TrialRound, UsageLine, UsageReport, WrittenReport
from trial.models.usage import COUNT_FIELDS

# --- publishing a round ------------------------------------------------------------------------------


def publish_round(trial_round: TrialRound, by) -> int:
    """法规司 publishes the round: from now its notice is in force and every duty exists (the
    participants', their lead departments' written reports). Publishing again only syncs."""
    with transaction.atomic():
        locked = TrialRound.objects.select_for_update().get(pk=trial_round.pk)
        if locked.published_at is None:
            locked.published_at = timezone.now()
            locked.published_by = by
            locked._history_user = by
            locked.save(update_fields=["published_at", "published_by", "updated"])
        created = rounds.sync_round(locked, by)
    trial_round.refresh_from_db()
    return created


# --- collecting: Attachment 2 of one reporting body ----------------------------------------------------


def column_labels(trial_round: TrialRound) -> list[tuple[str, str]]:
    return [(name, str(UsageLine._meta.get_field(name).verbose_name)) for name in trial_round.columns()]


@dataclass
class Collected:
    period: ReportingPeriod
    reporter: Authority
    columns: list[tuple[str, str]]
    cumulative: bool
    rows: list[dict] = field(default_factory=list)  # one per platform: name, figures, report or None
    totals: dict = field(default_factory=dict)

    @property
    def missing(self) -> list[str]:
        return [row["platform"] for row in self.rows if not row["reported"]]

    @property
    def reported(self) -> int:
        return sum(1 for row in self.rows if row["reported"])

    def as_table(self) -> dict:
        """What is kept with the written report, as sent."""
        return {
            "columns": [[name, label] for name, label in self.columns],
            "cumulative": self.cumulative,
            "rows": [
                {"platform": r["platform"], "reported": r["reported"], "figures": r["figures"], "values": r["values"]}
                for r in self.rows
            ],
            "totals": self.totals,
            "total_values": [self.totals[name] for name, _label in self.columns],
            "layout_confirmed": self.period.round.columns_confirmed,
        }


def collect(reporter: Authority, period: ReportingPeriod) -> Collected:
    """The statistics of the platforms ``reporter`` reports for, for ``period`` (or, when the round is
    cumulative, every period of the round due up to it)."""
    trial_round = period.round
    columns = column_labels(trial_round)
    participants = list(
        TrialParticipant.objects.filter(round=trial_round, reporter=reporter)
        .select_related("platform")
        .order_by("platform__name")
    )
    periods = (
        ReportingPeriod.objects.filter(round=trial_round, due_date__lte=period.due_date)
        if trial_round.cumulative
        else ReportingPeriod.objects.filter(pk=period.pk)
    )
    reports = UsageReport.objects.filter(platform__in=[p.platform_id for p in participants], period__in=periods)
    reported = set(reports.filter(period=period).values_list("platform_id", flat=True))
    sums: dict[int, dict] = {}
    for line in UsageLine.objects.filter(report__in=reports).values("report__platform_id", *COUNT_FIELDS):
        figures = sums.setdefault(line["report__platform_id"], dict.fromkeys(COUNT_FIELDS, 0))
        for name in COUNT_FIELDS:
            figures[name] += line[name]
    collected = Collected(period, reporter, columns, trial_round.cumulative)
    totals = dict.fromkeys((name for name, _label in columns), 0)
    for participant in participants:
        figures = sums.get(participant.platform_id, dict.fromkeys(COUNT_FIELDS, 0))
        shown = {name: figures[name] for name, _label in columns}
        for name, value in shown.items():
            totals[name] += value
        collected.rows.append(
            {
                "platform": participant.platform.name,
                "platform_id": participant.platform_id,
                "reported": participant.platform_id in reported,
                "figures": shown,
                "values": [shown[name] for name, _label in columns],
            }
        )
    collected.totals = totals
    return collected


def default_letter(collected: Collected) -> str:
    period = collected.period
    missing = "、".join(collected.missing)
    text = (
        f"国家发展改革委法规司：\n根据《国家发展改革委办公厅关于在部分地方公共资源交易平台和企业招标采购平台试运行招标投标领域"
        f"数字证书跨区域兼容互认功能的通知》（{clauses.TRIAL_NOTICE}）要求，现将{collected.reporter.name}负责的参与互认平台"
        f"{period.starts_on:%Y年%m月%d日}至{period.ends_on:%Y年%m月%d日}网络共享数字证书实际应用情况"
        f"{'（累计）' if collected.cumulative else ''}报送如下，详见附件2。"
    )
    if missing:
        text += f"\n以下平台尚未报送本期统计，数字暂缺：{missing}。"
    return text + "\n特此报告。"


def may_report_for(user, reporter: Authority) -> bool:
    return user.is_superuser or (user.role == Role.LEAD_DEPARTMENT and user.authority_id == reporter.pk)


def submit_written_report(*, reporter: Authority, period: ReportingPeriod, by, letter: str = "") -> WrittenReport:
    """Number the cover letter (文号, the body's own sequence), keep the table as sent, fulfil the
    body's duty (late if after the due date) and tell 法规司. Refused: another body's report, a period
    already reported, no platform's statistics at all."""
    if not may_report_for(by, reporter):
        raise ValidationError(_("You may only submit the written report of the body you work for."))
    collected = collect(reporter, period)
    if not collected.rows:
        raise ValidationError(_("No platform of this round reports through this body."))
    if not collected.reported:
        raise ValidationError(_("None of your platforms has reported its statistics for this period yet."))
    now = timezone.now()
    today = timezone.localdate(now)
    try:
        with transaction.atomic():
            Authority.objects.select_for_update().filter(pk=reporter.pk).first()
            if WrittenReport.objects.filter(period=period, reporter=reporter).exists():
                raise ValidationError(_("The written report of this period has already been submitted."))
            report = WrittenReport(
                period=period,
                reporter=reporter,
                number=next_number(reporter, today.year),
                title=f"关于报送网络共享数字证书实际应用情况的报告（{period.label}）",
                letter=letter.strip() or default_letter(collected),
                table=collected.as_table(),
                cumulative=collected.cumulative,
                submitted_at=now,
                submitted_by=by,
                is_late=today > period.due_date,
            )
            report._history_user = by
            report.save()
            late = "（逾期报送）" if report.is_late else ""
            fulfil_obligations(
                party=reporter,
                kind=Obligation.Kind.WRITTEN_REPORT,
                key=rounds.period_key(period),
                evidence=f"{report.number}，{today:%Y-%m-%d}书面报送{period.label}统计{late}。",
                by=by,
            )
            tell_national_office(
                topic=f"trial:written:{report.pk}",
                subject=f"书面报送：{reporter.name} {report.number}{late}",
                body=f"{reporter.name}已书面报送{period.label}网络共享数字证书实际应用情况（{report.number}）{late}。",
                link=report.get_absolute_url(),
            )
    except IntegrityError as exc:
        raise ValidationError(_("The written report of this period has already been submitted.")) from exc
    return report


def letter_pdf(report: WrittenReport) -> bytes:
    return render_pdf("trial/pdf/written_report.html", {"report": report, "table": report.table})


# --- telling 法规司 ------------------------------------------------------------------------------------


def national_recipients() -> list[Recipient]:
    """The national administrators' inboxes and the office's mailbox."""
    found = [
        Recipient("inbox", str(user.pk), user.name or user.username, user_id=user.pk)
        for user in User.objects.filter(role=Role.NATIONAL_ADMIN, is_active=True).order_by("pk")
    ]
    office = rounds.national_office()
    if office is not None:
        for contact in office.contacts.exclude(email="").order_by("-is_shared_mailbox", "pk")[:1]:
            found.append(Recipient("email", contact.email.strip().lower(), contact.name))
    return found


def tell_national_office(*, topic: str, subject: str, body: str, link: str) -> int:
    return len(
        notify.write(
            topic=topic,
            stage="sent",
            recipients=national_recipients(),
            subject=subject[:300],
            body=body,
            link=f"{settings.BASE_URL}{link}",
        )
    )


def feedback_marked(feedback: Feedback) -> int:
    """ "需要国家层面统筹解决的，及时提出": the item reaches 法规司's inbox at once."""
    return tell_national_office(
        topic=f"trial:feedback:national:{feedback.pk}",
        subject=f"需国家层面统筹解决：{feedback.platform.name}（{feedback.tracking_number}）",
        body=f"{feedback.get_category_display()}：{feedback.description[:500]}\n\n{feedback.national_note}",
        link=feedback.get_absolute_url(),
    )


def digest_section(authority: Authority, today: datetime.date) -> DigestSection | None:
    """法规司's weekly digest lists the feedback awaiting national attention (not closed)."""
    if authority.name != rounds.NATIONAL_OFFICE:
        return None
    waiting = (
        Feedback.objects.filter(national_attention=True)
        .exclude(status=Feedback.Status.CLOSED)
        .select_related("platform")
        .order_by("marked_at", "pk")
    )
    lines = [f"{f.tracking_number} {f.platform.name}：{f.national_note[:80]}" for f in waiting[:20]]
    return DigestSection(title="需要国家层面统筹解决的意见建议", count=waiting.count(), lines=lines)
