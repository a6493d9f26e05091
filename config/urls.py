from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from config import views
from members.register import urls as register_urls
from organizations import urls as organizations_urls

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("", include("core.urls")),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    # Reset by e-mail, or by a one-time link an administrator makes (password_reset_link) where there is no e-mail.
    path("password/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("password/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("password/link/<int:pk>/", views.password_reset_link, name="password_reset_link"),
    # The tree's pages, with those about an organization that the register computes (its composition).
    path("organizations/", include((organizations_urls.urlpatterns + register_urls.organization_patterns,
                                    organizations_urls.app_name))),
    path("members/", include("members.register.urls")),
    path("ratings/", include("members.ratings.urls")),
    path("admissions/", include("members.admissions.urls")),
    path("meetings/", include("meetings.urls")),
    path("inspections/", include("inspections.urls")),
    path("dashboard/", include("targets.dashboards.urls")),
    path("targets/", include("targets.engine.urls")),
    path("records/", include("targets.records.urls")),
    path("api/", include("targets.api.urls")),
    path("reports/", include("reports.urls")),
    path("boards/", include("targets.boards.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler403 = "config.views.error_403"
handler404 = "config.views.error_404"
handler500 = "config.views.error_500"
