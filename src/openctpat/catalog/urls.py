from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("", views.browse, name="browse"),
    path("criteria/<int:pk>/", views.criterion_detail, name="criterion"),
    path("changes/", views.changes, name="changes"),
]
