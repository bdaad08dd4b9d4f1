from django.urls import URLPattern, URLResolver, path
from wagtail import views as wagtail_views

from knowledge_base import views

app_name = "knowledge_base"
urlpatterns: list[URLPattern | URLResolver] = [
    # The knowledge home is the Wagtail site root; this name lets other apps link to it.
    path("", wagtail_views.serve, {"path": ""}, name="home"),
    path("zoeken/", views.search, name="search"),
    path("onderwerp/<int:topic_id>/naar-les/", views.promote_topic, name="promote_topic"),
    path("les/<int:page_id>/bespreken/", views.discuss, name="discuss"),
    path("thema/<int:page_id>/volgen/", views.follow_theme, name="follow_theme"),
    path("voorstellen/", views.proposals, name="proposals"),
    path("voorstellen/<int:proposal_id>/besluit/", views.decide_proposal, name="decide_proposal"),
]
