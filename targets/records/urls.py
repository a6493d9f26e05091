"""Records organizations supply themselves (families REP, MODEL, DOC, DUE), under /records/."""

from django.urls import path

from targets.records import views

app_name = "records"
urlpatterns = [
    path("figures/", views.figure_list, name="figure_list"),
    path("figures/add/", views.figure_create, name="figure_create"),
    path("figures/<int:pk>/edit/", views.figure_edit, name="figure_edit"),
    path("models/", views.model_list, name="model_list"),
    path("models/add/", views.model_create, name="model_create"),
    path("models/<int:pk>/edit/", views.model_edit, name="model_edit"),
    path("documents/", views.document_list, name="document_list"),
    path("documents/<int:organization>/<int:year>/", views.document_edit, name="document_edit"),
    path("submissions/", views.submission_list, name="submission_list"),
    path("submissions/add/", views.submission_create, name="submission_create"),
    path("submissions/owed/", views.submission_owed, name="submission_owed"),
    path("submissions/<int:pk>/edit/", views.submission_edit, name="submission_edit"),
]
