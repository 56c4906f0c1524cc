from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("audit/", views.audit_list, name="audit_list"),
    path("audit/verify/", views.audit_verify, name="audit_verify"),
    path("audit/checkpoint.json", views.audit_head, name="audit_head"),
    path("audit/<int:pk>/", views.audit_detail, name="audit_detail"),
]
