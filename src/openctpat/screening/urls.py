from django.urls import path

from . import resources, views

app_name = "screening"
urlpatterns = [
    *resources.alerts.urlpatterns(),
    path("alerts/<int:pk>/decide/", views.alert_decide, name="decide"),
    path("search/", views.search, name="search"),
    path("lists/", views.list_versions, name="lists"),
    *resources.settings.urlpatterns(),
    path("partners/<int:pk>/screen/", views.screen_partner, name="screen_partner"),
]
