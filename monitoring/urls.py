from django.urls import path

from monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("landelijk/", views.national, name="national"),
    path("netwerkanalyse/", views.network_setting, name="network_setting"),
    path("<slug:slug>/", views.dashboard, name="dashboard"),
    path("<slug:slug>/export.csv", views.export_csv, name="export"),
    path("<slug:slug>/netwerk.graphml", views.network_graphml, name="network_graphml"),
    path("<slug:slug>/netwerk.csv", views.network_csv, name="network_csv"),
    path("<slug:slug>/quickscan/", views.scan, name="scan"),
    path("<slug:slug>/quickscan/beheer/", views.scan_action, name="scan_action"),
    path("<slug:slug>/verhalen/", views.stories, name="stories"),
    path("<slug:slug>/verhalen/<int:story_id>/als-les/", views.story_propose, name="story_propose"),
]
