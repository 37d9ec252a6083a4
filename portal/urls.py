from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from portal import autocomplete, downloads, exports, views
from trial import public

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("accounts/", include("portal.accounts.urls")),
    path("files/<str:model>/<int:pk>/<str:field>/", downloads.download, name="download"),
    path("autocomplete/<str:model>/", autocomplete.autocomplete, name="autocomplete"),
    path("exports/<int:pk>/", exports.export_detail, name="export_detail"),
    path("exports/<int:pk>/progress/", exports.export_progress, name="export_progress"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("registry/", include("supervision.urls")),
    path("fees/", include("fees.urls")),
    path("ca/", include("certificates.urls")),
    path("trial/", include("trial.urls")),
    path("public/trial/", public.directory, name="public_directory"),
    path("public/trial/announcements/<int:pk>/", public.announcement, name="public_announcement"),
    path("public/trial/announcements/<int:pk>/preview/", public.announcement_preview, name="announcement_preview"),
    path("api/", include("portal.api.urls")),
    path("admin/", admin.site.urls),
]

# Uploaded files have no public route (no /media/, in development either): see portal.downloads.
