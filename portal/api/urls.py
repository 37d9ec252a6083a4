"""/api/v1/: every app's router, the token endpoint; /api/schema/ and /api/docs/ (served locally)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from certificates.api.urls import router as certificates_router
from fees.api.urls import router as fees_router
from portal.api.views import ObtainToken, SchemaView
from supervision.api.urls import router as supervision_router
from trial.api.urls import router as trial_router

router = DefaultRouter()
for app_router in (supervision_router, certificates_router, fees_router, trial_router):
    router.registry.extend(app_router.registry)

urlpatterns = [
    path("v1/auth/token/", ObtainToken.as_view(), name="api-token"),
    path("v1/", include(router.urls)),
    path("schema/", SchemaView.as_view(), name="schema"),
    # The page and its start-up script are two requests: the Content-Security-Policy allows no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
]
