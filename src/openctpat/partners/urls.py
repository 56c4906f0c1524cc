from django.urls import path

from . import link_views, resources, views

app_name = "partners"
urlpatterns = [
    path("", views.partner_list, name="list"),
    path("new/", views.partner_create, name="create"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("import/", views.import_upload, name="import"),
    path("import/<int:pk>/", views.import_detail, name="import_detail"),
    path("import/<int:pk>/progress/", views.import_progress, name="import_progress"),
    *resources.tier_settings.urlpatterns(),
    path("templates/", views.template_list, name="templates"),
    path("templates/<int:pk>/", views.template_detail, name="template"),
    path("questions/<int:pk>/", views.question_edit, name="question"),
    path("questions/<int:pk>/delete/", views.question_delete, name="question_delete"),
    path("<int:pk>/", views.partner_detail, name="detail"),
    path("<int:pk>/edit/", views.partner_edit, name="edit"),
    path("<int:pk>/delete/", views.partner_delete, name="delete"),
    path("<int:pk>/certifications/", views.certification_add, name="certification_add"),
    path("<int:pk>/contacts/", views.contact_add, name="contact_add"),
    path("<int:pk>/documents/", views.document_link, name="document_link"),
    path("<int:pk>/documents/unlink/", views.document_unlink, name="document_unlink"),
    path("<int:pk>/actions/", views.action_add, name="action_add"),
    path("<int:pk>/questionnaires/", views.questionnaire_send, name="send"),
    path("certifications/<int:pk>/", views.certification_edit, name="certification"),
    path(
        "certifications/<int:pk>/delete/",
        views.certification_delete,
        name="certification_delete",
    ),
    path("contacts/<int:pk>/", views.contact_edit, name="contact"),
    path("contacts/<int:pk>/delete/", views.contact_delete, name="contact_delete"),
    path("actions/<int:pk>/", views.action_edit, name="action"),
    path("actions/<int:pk>/delete/", views.action_delete, name="action_delete"),
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
