"""The 2023 trial's rules, each with its clause of 发改办法规〔2023〕54号 as data (see ``portal.clauses``).
The sentences are quoted as the notice stands in ``portal/data/directives/fagai-banfagui-2023-54.txt``."""

from django.utils.translation import gettext_lazy as _

from fees.clauses import PROHIBITED_FEE
from portal.clauses import Basis, Rule
from portal.facts import Fact, choice

TRIAL_NOTICE = "发改办法规〔2023〕54号"

ANNOUNCEMENT = Basis(
    TRIAL_NOTICE,
    "一",
    "各参与互认平台要在公共资源交易中心场所、交易平台网站和招标公告公示信息指定发布媒介的显著位置,通过公告、通知等"
    "形式向市场主体广泛宣传网络共享数字证书启动试运行这一利企惠企举措",
)
NO_REFUSAL = Basis(
    TRIAL_NOTICE,
    "一",
    "在各参与互认平台开展交易的招标投标项目,不得拒绝市场主体使用网络共享数字证书跨区域投标",
)
REMEDY_PLAN = Basis(
    TRIAL_NOTICE,
    "二",
    "要根据《网络共享数字证书技术标准》,自行研发部署或者通过协议约定应用中国招标投标公共服务平台提供的数字证书解密失败的"
    "防范和救济保障方案,保障交易顺畅开展",
)
COMPONENT_AGREEMENT = Basis(
    TRIAL_NOTICE,
    "二",
    "中国招标投标公共服务平台与各参与互认平台签订《网络共享数字证书互认组件技术运行服务协议》,清晰界定双方对前置机侧"
    "数字证书共享组件的应急保障和运维责任,确保交易网络安全正常运行",
)
COVERAGE = Basis(
    TRIAL_NOTICE,
    "三",
    "首批6个营商环境创新试点城市公共资源交易平台要落实国务院营商环境创新试点工作要求,在市、区(县)两级全部招标投标领域"
    "部署应用网络共享数字证书",
)
NO_TECHNICAL_BARRIER = Basis(
    TRIAL_NOTICE,
    "二",
    "各参与互认平台要严格按照《网络共享数字证书技术标准》规范开展数字证书跨区域兼容互认,不得通过自行修改标准或设置技术障碍,"
    "增加市场主体使用难度和负担",
)
COVERAGE_OTHERS = Basis(
    TRIAL_NOTICE,
    "三",
    "其他地方也要加快工作节奏,尽快实现应用网络共享数字证书的招标投标领域全覆盖",
)
DISPATCH = Basis(
    TRIAL_NOTICE,
    "四",
    "国家发展改革委法规司将定期调度各参与互认平台试运行招标投标领域数字证书跨区域兼容互认功能的进展和成效,"
    "总结推广好经验好做法,督促解决存在的问题",
)
LOCAL_GUIDANCE = Basis(
    TRIAL_NOTICE,
    "一",
    "有关地方公共资源交易平台整合工作牵头部门、招标投标指导协调工作牵头部门应当加强对本地区参与互认平台的督促指导",
)
# A supervision letter about a duty of the notice: 法规司 urges under its dispatching (四); a local office
# under the local lead departments' 督促指导 (一); never under Henan's 23号 五.
SUPERVISES = {TRIAL_NOTICE: DISPATCH}
SUPERVISES_LOCALLY = {TRIAL_NOTICE: LOCAL_GUIDANCE}
FEEDBACK_CHANNEL = Basis(
    TRIAL_NOTICE,
    "四",
    "各参与互认平台要畅通市场主体意见建议反映渠道,主动收集和解决市场主体在应用网络共享数字证书过程中出现的问题",
)
USAGE_REPORT = Basis(
    TRIAL_NOTICE,
    "末段",
    "请各有关地方公共资源交易平台整合工作牵头部门和有关企业分别于2月15日、3月31日前统计试运行期间参与互认平台网络共享"
    "数字证书实际应用情况,书面报送国家发展改革委法规司",
)

# The basis of the finding an upheld feedback becomes, by its category.
FEEDBACK_BASIS = {
    "refusal": NO_REFUSAL,
    "technical_barrier": NO_TECHNICAL_BARRIER,
    "prohibited_fee": PROHIBITED_FEE,
    "decryption": REMEDY_PLAN,
}

RULES = [
    Rule(
        code="trial_announcement",
        summary=_("Each participating platform publishes its announcement of the network-shared certificate."),
        basis=ANNOUNCEMENT,
        produces=("obligation:announcement",),
        implemented_in="trial.rounds.duties",
        tested_in=("tests/trial/test_rounds.py",),
    ),
    Rule(
        code="trial_remedy_plan",
        summary=_("Each participating platform deploys a remedy plan for decryption failures."),
        basis=REMEDY_PLAN,
        produces=("obligation:remedy_plan",),
        implemented_in="trial.rounds.duties",
        tested_in=("tests/trial/test_rounds.py",),
    ),
    Rule(
        code="trial_incident_without_plan",
        summary=_(
            "A decryption failure the platform records with no remedy applied, after its remedy-plan duty became "
            "overdue with no plan recorded, is a finding (once per platform); a plan recorded resolves it."
        ),
        basis=REMEDY_PLAN,
        produces=("finding:incident_without_plan",),
        implemented_in="trial.checks.incident_finding",
        tested_in=("tests/trial/test_rounds.py", "tests/trial/test_trial_api.py", "tests/trial/test_story.py"),
    ),
    Rule(
        code="trial_component_agreement",
        summary=_("Each participating platform signs the component operation agreement with the national platform."),
        basis=COMPONENT_AGREEMENT,
        produces=("obligation:component_agreement",),
        implemented_in="trial.rounds.duties",
        tested_in=("tests/trial/test_rounds.py",),
    ),
    Rule(
        code="trial_agreement_renewal",
        summary=_("A component agreement whose term ends is renewed before it ends."),
        basis=COMPONENT_AGREEMENT,
        produces=("obligation:agreement_renewal",),
        implemented_in="trial.workflow.agreement_saved",
        tested_in=("tests/trial/test_rounds.py",),
    ),
    Rule(
        code="trial_coverage",
        summary=_(
            "The pilot cities cover every tendering domain at city and county level; gaps left at the end of the "
            "round's check date are a finding, which complete coverage resolves."
        ),
        basis=COVERAGE,
        produces=("obligation:coverage", "finding:coverage_incomplete"),
        keys=(":coverage:",),
        implemented_in="trial.checks.coverage_finding",
        tested_in=("tests/trial/test_rounds.py",),
    ),
    Rule(
        code="trial_usage_statistics",
        summary=_("The usage statistics of each period are reported in writing by 15 February and 31 March."),
        basis=USAGE_REPORT,
        produces=("obligation:usage_statistics",),
        implemented_in="trial.rounds.duties",
        tested_in=("tests/trial/test_story.py",),
    ),
    Rule(
        code="trial_coverage_others",
        summary=_(
            "The other local participating platforms cover every tendering domain as soon as possible: a duty "
            "with no date, reminded by its age."
        ),
        basis=COVERAGE_OTHERS,
        produces=("obligation:coverage",),
        keys=(":coverage-all:",),
        implemented_in="trial.rounds.duties",
        tested_in=("tests/trial/test_national.py",),
        note=_(
            "The portal reads 其他地方 as the participating public-resource trading platforms that are not pilot "
            "cities; a field counts as covered at either level. The enterprises' platforms are not 地方."
        ),
    ),
    Rule(
        code="trial_written_report",
        summary=_(
            "Each lead department and participating enterprise reports its platforms' statistics in writing to "
            "法规司 by each period's date, with a numbered cover letter and Attachment 2."
        ),
        basis=USAGE_REPORT,
        produces=("obligation:written_report",),
        implemented_in="trial.rounds.reporter_duties",
        tested_in=("tests/trial/test_national.py",),
        note=_(
            "Attachment 2's columns are omitted in the notice (（略）): the table's layout is the portal's own, "
            "chosen per round, until the real one is loaded."
        ),
    ),
    Rule(
        code="trial_technical_barrier",
        summary=_(
            "A bidder's report that a platform modified the standard or set a technical barrier, once upheld, is "
            "a finding against the platform."
        ),
        basis=NO_TECHNICAL_BARRIER,
        produces=("finding:technical_barrier",),
        implemented_in="trial.feedback.to_finding",
        tested_in=("tests/trial/test_national.py",),
    ),
    Rule(
        code="trial_refusal",
        summary=_(
            "A bidder's report that a platform refused a network-shared certificate, once upheld, is a finding "
            "against the platform."
        ),
        basis=NO_REFUSAL,
        produces=("finding:refusal",),
        implemented_in="trial.feedback.to_finding",
        tested_in=("tests/trial/test_story.py",),
    ),
    Rule(
        code="trial_feedback",
        summary=_(
            "Other feedback the administrator upholds becomes a finding against the platform or the vendor; a "
            "prohibited fee goes to the vendor, and outside the province whose rules forbid it (23号 三) it is "
            "feedback upheld against the platform under this clause."
        ),
        basis=FEEDBACK_CHANNEL,
        produces=("finding:complaint_upheld",),
        implemented_in="trial.feedback.to_finding",
        tested_in=("tests/trial/test_story.py",),
    ),
]

# What the trial's rules record in a finding's facts (``portal.facts``).
FACTS = {
    "feedback": Fact(_("feedback tracking number")),
    "category": Fact(_("category"), choice("trial.Feedback", "category")),
    "received": Fact(_("received on")),
    "round": Fact(_("trial round")),
    "checked_on": Fact(_("checked on")),
    "missing": Fact(_("missing")),
    "incidents": Fact(_("decryption failures with no remedy applied")),
    "first_incident": Fact(_("first incident on")),
    "overdue_from": Fact(_("overdue from")),
    "remedy_plan": Fact(_("remedy plan on record")),
}
