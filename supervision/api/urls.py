from rest_framework.routers import DefaultRouter

from supervision.api import deadline_views, documents, views

router = DefaultRouter()
router.register("regions", views.RegionViewSet)
router.register("authorities", views.AuthorityViewSet)
router.register("business-domains", views.BusinessDomainViewSet)
router.register("platforms", views.PlatformViewSet)
router.register("vendors", views.CAVendorViewSet)
router.register("contacts", views.ContactViewSet)
router.register("directives", deadline_views.DirectiveViewSet)
router.register("obligations", deadline_views.ObligationViewSet)
router.register("findings", deadline_views.FindingViewSet)
router.register("cases", deadline_views.CaseViewSet)
router.register("criticisms", deadline_views.CriticismViewSet)
router.register("letters", documents.SupervisionLetterViewSet)
router.register("progress-reports", documents.ProgressReportViewSet)
router.register("inbox", deadline_views.InboxViewSet, basename="inbox")
router.register("notifications", deadline_views.NotificationViewSet)
router.register("reminder-policy", deadline_views.ReminderPolicyViewSet)
