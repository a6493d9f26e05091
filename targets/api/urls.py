"""The read-only JSON API (targets/api.py) and its OpenAPI schema."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.routers import SimpleRouter

from targets.api import views as api

app_name = "api"

# SimpleRouter: list and detail routes only (no format suffixes), so every URL name here is one the access test
# classifies; the root (the list of endpoints) is a view of its own.
router = SimpleRouter()
router.register("resolutions", api.ResolutionViewSet, basename="resolution")
router.register("targets", api.TargetViewSet, basename="target")
router.register("attainments", api.AttainmentViewSet, basename="attainment")

urlpatterns = [
    path("", api.ApiRoot.as_view(), name="root"),
    # The schema describes every endpoint and field: for signed-in users (session or token) only.
    path("schema/", SpectacularAPIView.as_view(permission_classes=[IsAuthenticated],
                                               authentication_classes=api.ScopedReadOnlyViewSet.authentication_classes),
         name="schema"),
    *router.urls,
]
