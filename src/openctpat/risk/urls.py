from django.urls import path

from . import resources, views

app_name = "risk"
urlpatterns = [
    *resources.matrix.urlpatterns(),
    *resources.assessments.urlpatterns(),
    *resources.lanes.urlpatterns(),
    *resources.nodes.urlpatterns(),
    path("reference/", views.reference, name="reference"),
    path("<int:pk>/", views.assessment_detail, name="detail"),
    path("<int:pk>/lanes/", views.lanes, name="lanes"),
    path("<int:pk>/lanes/import/", views.lanes_import, name="lanes_import"),
    path("<int:pk>/threats/", views.threats, name="threats"),
    path("<int:pk>/vulnerabilities/", views.vulnerabilities, name="vulnerabilities"),
    path("<int:pk>/risks/", views.risk_list, name="risks"),
    path("<int:pk>/method/", views.method, name="method"),
    path("<int:pk>/sign-off/", views.sign_off, name="sign_off"),
    path("<int:pk>/copy-forward/", views.copy_forward, name="copy_forward"),
    path("<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
    path("<int:pk>/report.xlsx", views.report_xlsx, name="report_xlsx"),
    path("lanes/<int:pk>/", views.lane_detail, name="lane"),
    path("<int:pk>/threats/rate-open/", views.country_rate_open, name="country_rate_open"),
    path("nodes/<int:pk>/rate-open/", views.node_rate_open, name="node_rate_open"),
    path("threats/<int:pk>/rate/", views.threat_rate, name="threat_rate"),
    path("vulnerabilities/<int:pk>/rate/", views.vulnerability_rate, name="vulnerability_rate"),
    path("actions/<int:pk>/", views.action_edit, name="action"),
]
