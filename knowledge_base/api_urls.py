from knowledge_base.api import api_router

app_name = "kennisbank_api"
urlpatterns = api_router.get_urlpatterns()
