from django.urls import path

from certificates.views import claims, imports, matrix, recognition, registry

app_name = "certificates"

urlpatterns = [
    path("certificates/", registry.CertificateList.as_view(), name="certificate_list"),
    path("certificates/upload/", registry.UploadCertificates.as_view(), name="certificate_add"),
    path("certificates/<int:pk>/", registry.CertificateDetail.as_view(), name="certificate_detail"),
    path("uploads/<int:pk>/", claims.upload_detail, name="upload_detail"),
    path("uploads/<int:pk>/progress/", claims.upload_progress, name="upload_progress"),
    path("claims/", claims.ClaimViews.view("list").as_view(), name="claim_list"),
    path("claims/upload/", registry.UploadCertificates.as_view(), name="claim_add"),
    path("claims/conflicts/", claims.conflicts, name="claim_conflicts"),
    path("claims/<int:pk>/", claims.ClaimDetail.as_view(), name="claim_detail"),
    path("claims/<int:pk>/confirm/", claims.ClaimDecision.as_view(decision="confirm"), name="claim_confirm"),
    path("claims/<int:pk>/reject/", claims.ClaimDecision.as_view(decision="reject"), name="claim_reject"),
    *registry.ProductViews.urls("products", "product"),
    *registry.SharedAppViews.urls("shared-apps", "sharedapp"),
    *registry.TrustListViews.urls(
        "trust-lists",
        "trustlistentry",
        list=registry.TrustListList,
        detail=registry.TrustListDetail,
        create=registry.TrustListCreate,
    ),
    path("trust-lists/<int:pk>/delete/", registry.TrustListDelete.as_view(), name="trustlistentry_delete"),
    path("recognition/", recognition.RecognitionViews.view("list").as_view(), name="recognitionrecord_list"),
    path("recognition/new/", recognition.RecognitionCreate.as_view(), name="recognitionrecord_add"),
    path("recognition/<int:pk>/", recognition.RecognitionDetail.as_view(), name="recognitionrecord_detail"),
    path("recognition/<int:pk>/step/", recognition.RecognitionStep.as_view(), name="recognitionrecord_step"),
    path("matrix/", matrix.province, name="matrix_province"),
    path("matrix/national/", matrix.national, name="matrix_national"),
    path("import/<slug:kind>/", imports.upload, name="import"),
    path("import/<slug:kind>/template.xlsx", imports.template, name="import_template"),
    path("export/<slug:kind>.xlsx", imports.export, name="export"),
]
