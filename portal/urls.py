from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from portal import views
from trial import public

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("accounts/", include("portal.accounts.urls")),
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

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
