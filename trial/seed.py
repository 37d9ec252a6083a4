"""Facts of the 2023 trial: 发改办法规〔2023〕54号, its issuer, the 2023 round with the two reporting
dates (15 February, 31 March), the participants of Attachment 1 with the six pilot cities, and the
participants' duties as obligations. The daily check of the trial's own rules is scheduled too."""

import datetime

from portal.seeding import DATA_DIR, Log, ensure_schedules, platform_name, read_csv, upsert
from supervision.models import Authority, BusinessDomain, Directive, Platform
from trial.checks import run_checks
from trial.models import ReportingPeriod, TrialParticipant, TrialRound
from trial.rounds import sync_round

NOTICE = "发改办法规〔2023〕54号"
ISSUER = "国家发展改革委办公厅"
NATIONAL_REGION = "100000"
ROUND_CODE = "2023"
ROUND = {
    "name": "2023年招标投标领域数字证书跨区域兼容互认功能试运行",
    "starts_on": datetime.date(2023, 1, 19),
}
# The notice asks for the statistics "by 15 February and 31 March"; each period ends the day before.
PERIODS = [
    ("第一次统计（2月15日前报送）", datetime.date(2023, 1, 19), datetime.date(2023, 2, 14), datetime.date(2023, 2, 15)),
    ("第二次统计（3月31日前报送）", datetime.date(2023, 2, 15), datetime.date(2023, 3, 30), datetime.date(2023, 3, 31)),
]
# "在市、区（县）两级全部招标投标领域部署应用": the bidding field; the other fields are encouraged only.
PILOT_DOMAINS = ["construction"]
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
    wanted = set(BusinessDomain.objects.filter(code__in=PILOT_DOMAINS).values_list("pk", flat=True))
    if trial_round.coverage_domains.count() == 0 and wanted:  # later the administrators decide
        trial_round.coverage_domains.set(wanted)
        written = True
    for label, starts_on, ends_on, due in PERIODS:
        written += upsert(
            ReportingPeriod,
            {"round_id": trial_round.pk, "due_date": due},
            {"label": label, "starts_on": starts_on, "ends_on": ends_on},
        )[1]
    return trial_round, written


def load_participants(trial_round: TrialRound) -> int:
    written = 0
    for row in read_csv("trial-platforms.csv"):
        platform = Platform.objects.get(name=platform_name(row["operator"], row["kind"]))
        written += upsert(
            TrialParticipant,
            {"round_id": trial_round.pk, "platform_id": platform.pk},
            {"is_pilot_city": row["pilot_city"] == "yes"},
        )[1]
    return written


def load_schedule() -> int:
    return ensure_schedules({CHECK_TASK: ("trial.checks", "45", "7", "*")})


def load_facts(log: Log) -> int:
    directive, written = load_directive()
    trial_round, changed = load_round(directive)
    written += changed + load_participants(trial_round)
    # Obligations: created once, then left to the engine; the 2023 dates had passed when they were
    # loaded, so they start "to be confirmed" (rule 6), not overdue.
    written += sync_round(trial_round, loaded_from_facts=True)
    written += load_schedule()
    log(f"trial facts: {written} rows written")
    return written


def sweep_demo(log: Log) -> None:
    """Today's checks of the trial (beat: 07:45)."""
    log(f"trial checks: {run_checks()}")
