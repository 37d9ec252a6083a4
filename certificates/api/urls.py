from rest_framework.routers import DefaultRouter

from certificates.api import views

router = DefaultRouter()
router.register("ca-certificates", views.CACertificateViewSet)
router.register("certificate-claims", views.CertificateClaimViewSet)
router.register("certificate-uploads", views.CertificateUploadViewSet)
router.register("products", views.ProductViewSet)
router.register("shared-apps", views.SharedAppViewSet)
router.register("trust-list-entries", views.TrustListEntryViewSet)
router.register("recognition-records", views.RecognitionRecordViewSet)
router.register("recognition-matrix", views.RecognitionMatrixViewSet, basename="recognition-matrix")
