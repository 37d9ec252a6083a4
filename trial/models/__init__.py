"""The 2023 national trial's models (发改办法规〔2023〕54号), re-exported here."""

from trial.models.agreements import Agreement, AgreementParty, DecryptionIncident, RemedyPlan
from trial.models.feedback import Feedback
from trial.models.national import AnnouncementDisplay, WrittenReport
from trial.models.rounds import Announcement, Coverage, ReportingPeriod, TrialParticipant, TrialRound
from trial.models.usage import UsageLine, UsageReport

__all__ = [
    "Agreement",
    "AgreementParty",
    "Announcement",
    "AnnouncementDisplay",
    "Coverage",
    "DecryptionIncident",
    "Feedback",
    "RemedyPlan",
    "ReportingPeriod",
    "TrialParticipant",
    "TrialRound",
    "UsageLine",
    "UsageReport",
    "WrittenReport",
]
