from django.urls import path

from . import link_views, resources, views

app_name = "partners"
urlpatterns = [
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("import/", views.import_upload, name="import"),
    path("import/<int:pk>/", views.import_detail, name="import_detail"),
    path("import/<int:pk>/progress/", views.import_progress, name="import_progress"),
    *resources.tier_settings.urlpatterns(),
    *resources.templates.urlpatterns(),
    *resources.questions.urlpatterns(),
    path("templates/<int:pk>/", views.template_detail, name="template"),
    path("<int:pk>/documents/", views.document_link, name="document_link"),
    path("<int:pk>/documents/unlink/", views.document_unlink, name="document_unlink"),
    path("<int:pk>/actions/", views.action_add, name="action_add"),
    path("<int:pk>/questionnaires/", views.questionnaire_send, name="send"),
    *resources.partners.urlpatterns(),
    *resources.contacts.urlpatterns(),
    *resources.certifications.urlpatterns(),
    *resources.actions.urlpatterns(),
    path("questionnaires/<int:pk>/", views.questionnaire_detail, name="questionnaire"),
    path("questionnaires/<int:pk>/revoke/", views.questionnaire_revoke, name="revoke"),
    path("questionnaires/<int:pk>/reissue/", views.questionnaire_reissue, name="reissue"),
    path(
        "questionnaires/<int:pk>/weaknesses/",
        views.questionnaire_weaknesses,
        name="mark_weaknesses",
    ),
    path("questionnaires/<int:pk>/review/", views.questionnaire_review, name="review"),
    path("items/<int:pk>/review/", views.item_review, name="item_review"),
]

# The partner link: the only page a business partner reaches, with no login.
link_urlpatterns = (
    [path("<int:org_id>/<str:token>/", link_views.answer, name="answer")],
    "partner_link",
)
