from django.urls import path

from . import resources, views

app_name = "profiles"
urlpatterns = [
    path("<int:pk>/", views.profile_detail, name="profile"),
    path("<int:pk>/gaps/", views.gap_list, name="gaps"),
    path("<int:pk>/export.pdf", views.export_pdf, name="export_pdf"),
    path("<int:pk>/export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("<int:pk>/import/", views.import_xlsx, name="import_xlsx"),
    path("<int:pk>/migrate/", views.migrate, name="migrate"),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/review/action/", views.review_action, name="review_action"),
    path("answers/<int:pk>/evidence/", views.answer_link, name="answer_link"),
    path(
        "answers/<int:pk>/evidence/<int:document_pk>/unlink/",
        views.answer_unlink,
        name="answer_unlink",
    ),
    path("answers/<int:pk>/comments/", views.answer_comment, name="answer_comment"),
    path("evidence/<int:pk>/", views.evidence_detail, name="evidence"),
    path("evidence/<int:pk>/v/<int:number>/file", views.evidence_download, name="evidence_file"),
    *(
        pattern
        for resource in (
            resources.sites,
            resources.profiles,
            resources.answers,
            resources.documents,
            resources.reviews,
        )
        for pattern in resource.urlpatterns()
    ),
]
