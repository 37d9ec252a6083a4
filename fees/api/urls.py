from rest_framework.routers import DefaultRouter

from fees.api import views

router = DefaultRouter()
router.register("fee-products", views.ProductKindViewSet)
router.register("fee-items", views.FeeItemViewSet)
router.register("fee-filings", views.FeeFilingViewSet)
router.register("fee-filing-lines", views.FeeFilingLineViewSet)
router.register("fee-tariffs", views.TariffViewSet, basename="fee-tariff")
router.register("fee-benchmarks", views.BenchmarkViewSet, basename="fee-benchmark")
router.register("fee-complaints", views.FeeComplaintViewSet)
