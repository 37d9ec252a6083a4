"""Facts of the 2023 trial: 发改办法规〔2023〕54号, its issuer, the 2023 round with the two reporting
dates (15 February, 31 March), the participants of Attachment 1 with the six pilot cities, and the
participants' duties as obligations. The daily check of the trial's own rules is scheduled too."""

import datetime
import zoneinfo

from portal.accounts.models import NATIONAL_SEAT, Role, User
from portal.seeding import DATA_DIR, DEMO_MARK, Log, ensure_schedules, platform_name, read_csv, upsert
from supervision.models import Authority, BusinessDomain, Contact, Directive, Platform, Region
from trial.checks import run_checks
from trial.models import ReportingPeriod, TrialParticipant, TrialRound
from trial.rounds import NATIONAL_OFFICE, sync_round
from trial.workflow import waive_standard_renewals

NOTICE = "发改办法规〔2023〕54号"
ISSUER = "国家发展改革委办公厅"
NATIONAL_REGION = NATIONAL_SEAT
ROUND_CODE = "2023"
ROUND = {
    "name": "2023年招标投标领域数字证书跨区域兼容互认功能试运行",
    "starts_on": datetime.date(2023, 1, 19),
    "published_at": datetime.datetime(2023, 1, 19, 9, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")),
}
# The notice asks for the statistics "by 15 February and 31 March"; each period ends the day before.
PERIODS = [
    ("第一次统计（2月15日前报送）", datetime.date(2023, 1, 19), datetime.date(2023, 2, 14), datetime.date(2023, 2, 15)),
    ("第二次统计（3月31日前报送）", datetime.date(2023, 2, 15), datetime.date(2023, 3, 30), datetime.date(2023, 3, 31)),
]
# "在市、区（县）两级全部招标投标领域部署应用": every field of the registry (the round may narrow it).
# A round still holding the first seed's choice (the bidding field alone) is widened once.
OLD_PILOT_DOMAINS = {"construction"}
CHECK_TASK = "trial: checks (pilot-city coverage, incidents without a plan)"


def load_directive() -> tuple[Directive, int]:
    written = 0
    issuer, changed = upsert(
        Authority, {"name": ISSUER}, {"kind": Authority.Kind.MANAGEMENT_OFFICE, "region_id": NATIONAL_REGION}
    )
    written += changed
    directive, changed = upsert(
        Directive,
        {"number": NOTICE},
        {
            "title": "国家发展改革委办公厅关于在部分地方公共资源交易平台和企业招标采购平台试运行招标投标领域数字证书跨区域兼容互认功能的通知",
            "issuer_id": issuer.pk,
            "year": 2023,
            "issued_on": datetime.date(2023, 1, 19),
            "text": (DATA_DIR / "directives" / "fagai-banfagui-2023-54.txt").read_text(encoding="utf-8"),
            "forwards_id": None,
        },
    )
    return directive, written + changed


def load_round(directive: Directive) -> tuple[TrialRound, int]:
    trial_round, written = upsert(TrialRound, {"code": ROUND_CODE}, {**ROUND, "directive_id": directive.pk})
    wanted = set(BusinessDomain.objects.values_list("pk", flat=True))
    chosen = set(trial_round.coverage_domains.values_list("code", flat=True))
    if wanted and (not chosen or chosen == OLD_PILOT_DOMAINS):  # later the administrators decide
        trial_round.coverage_domains.set(wanted)
        written = True
    for label, starts_on, ends_on, due in PERIODS:
        written += upsert(
            ReportingPeriod,
            {"round_id": trial_round.pk, "due_date": due},
            {"label": label, "starts_on": starts_on, "ends_on": ends_on},
        )[1]
    return trial_round, written


def load_national_office() -> tuple[Authority, int]:
    """法规司, which schedules the trial and receives the written reports."""
    return upsert(
        Authority, {"name": NATIONAL_OFFICE}, {"kind": Authority.Kind.MANAGEMENT_OFFICE, "region_id": NATIONAL_REGION}
    )


def reporting_body(row: dict) -> tuple[Authority, int]:
    """The body that reports a participant's statistics: the locality's lead department (the notice
    names it by function only, "公共资源交易平台整合工作牵头部门"), or the participating enterprise itself
    (a central enterprise with no region reports from the national seat)."""
    if row["kind"] == "public":
        locality = row["operator"].removesuffix("公共资源交易中心")
        return upsert(
            Authority,
            {"name": f"{locality}公共资源交易平台整合工作牵头部门"},
            {"kind": Authority.Kind.LEAD_DEPARTMENT, "region_id": row["region_code"]},
        )
    return upsert(
        Authority,
        {"name": row["operator"]},
        {"kind": Authority.Kind.ENTERPRISE, "region_id": row["region_code"] or NATIONAL_REGION},
    )


def load_participants(trial_round: TrialRound) -> int:
    written = 0
    for row in read_csv("trial-platforms.csv"):
        platform = Platform.objects.get(name=platform_name(row["operator"], row["kind"]))
        reporter, changed = reporting_body(row)
        written += changed
        written += upsert(
            TrialParticipant,
            {"round_id": trial_round.pk, "platform_id": platform.pk},
            {"is_pilot_city": row["pilot_city"] == "yes", "reporter_id": reporter.pk},
        )[1]
    return written


def load_schedule() -> int:
    return ensure_schedules({CHECK_TASK: ("trial.checks", "45", "7", "*")})


def load_facts(log: Log) -> int:
    written = load_national_office()[1]
    directive, changed = load_directive()
    written += changed
    trial_round, changed = load_round(directive)
    written += changed + load_participants(trial_round)
    # Obligations: created once, then left to the engine; the 2023 dates had passed when they were
    # loaded, so they start "to be confirmed" (rule 6), not overdue.
    written += sync_round(trial_round)
    written += waive_standard_renewals()
    written += load_schedule()
    log(f"trial facts: {written} rows written")
    return written


# --- demonstration data -----------------------------------------------------------------------------

HENAN = "410000"
HENAN_LEAD = "河南省公共资源交易平台整合工作牵头部门"
DEMO_USERS = [
    ("fagui", "法规司工作人员（示例）", Role.NATIONAL_ADMIN, NATIONAL_OFFICE),
    ("lead-henan", "河南省牵头部门联络员（示例）", Role.LEAD_DEPARTMENT, HENAN_LEAD),
    ("huaneng", "华能集团招标采购联络员（示例）", Role.LEAD_DEPARTMENT, "中国华能集团有限公司"),
]


def load_demo(log: Log, password: str) -> int:
    """The national office's and two reporting bodies' demo users and mailboxes; Henan shares its
    supervision data with the national office (a province's own choice: demonstration only)."""
    written = 0
    for username, name, role, authority_name in DEMO_USERS:
        authority = Authority.objects.get(name=authority_name)
        values = {
            "name": name,
            "role": role,
            "region_id": NATIONAL_REGION if role == Role.NATIONAL_ADMIN else None,
            "authority_id": authority.pk,
            "vendor_id": None,
            "platform_id": None,
            "is_staff": False,
            "email": f"{username}@example.com",
        }
        user, changed = upsert(User, {"username": username}, values)
        if not user.has_usable_password() or not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
            changed = True
        written += changed
        written += upsert(
            Contact,
            {"authority_id": authority.pk, "is_shared_mailbox": True},
            {
                "name": f"{authority.name}公共邮箱（{DEMO_MARK}）",
                "email": f"{username}-office@example.com",
                "is_demo": True,
            },
        )[1]
    written += upsert(Region, {"code": HENAN}, {"shares_with_national": True})[1]
    log(f"trial demo data: {written} rows written")
    return written


def sweep_demo(log: Log) -> None:
    """Today's checks of the trial (beat: 07:45)."""
    log(f"trial checks: {run_checks()}")
