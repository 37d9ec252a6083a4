from rest_framework.routers import DefaultRouter

from trial.api import views

router = DefaultRouter()
router.register("trial-rounds", views.TrialRoundViewSet)
router.register("trial-periods", views.ReportingPeriodViewSet)
router.register("trial-participants", views.TrialParticipantViewSet)
router.register("trial-announcements", views.AnnouncementViewSet)
router.register("trial-coverage", views.CoverageViewSet)
router.register("trial-agreements", views.AgreementViewSet)
router.register("trial-agreement-parties", views.AgreementPartyViewSet)
router.register("trial-remedy-plans", views.RemedyPlanViewSet)
router.register("trial-incidents", views.IncidentViewSet)
router.register("trial-usage-reports", views.UsageReportViewSet)
router.register("trial-usage-lines", views.UsageLineViewSet)
router.register("trial-feedback", views.FeedbackViewSet)
router.register("trial-announcement-displays", views.AnnouncementDisplayViewSet)
router.register("trial-written-reports", views.WrittenReportViewSet)
