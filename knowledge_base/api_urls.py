from django.urls import URLPattern, URLResolver, path

from knowledge_base.api import api_index, api_router

app_name = "kennisbank_api"
urlpatterns: list[URLPattern | URLResolver] = [path("", api_index, name="index"), *api_router.get_urlpatterns()]
