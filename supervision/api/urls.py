from rest_framework.routers import DefaultRouter

from supervision.api import views

router = DefaultRouter()
router.register("regions", views.RegionViewSet)
router.register("authorities", views.AuthorityViewSet)
router.register("business-domains", views.BusinessDomainViewSet)
router.register("platforms", views.PlatformViewSet)
router.register("vendors", views.CAVendorViewSet)
router.register("contacts", views.ContactViewSet)
