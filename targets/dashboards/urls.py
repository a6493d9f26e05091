"""Leadership dashboards (targets/dashboard_views.py), included at /dashboard/."""

from django.urls import path

from targets.dashboards import views

app_name = "dashboard"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("overview.xlsx", views.overview_xlsx, name="overview_xlsx"),
    path("targets/<int:pk>/<int:org>/<int:year>/", views.target_detail, name="target"),
    path("targets/<int:pk>/<int:org>/<int:year>/records/", views.records, name="records"),
    path("resolutions/<int:pk>/trends/", views.trends, name="trends"),
]
