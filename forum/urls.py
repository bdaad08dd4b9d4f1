from django.urls import URLPattern, URLResolver

app_name = "forum"
urlpatterns: list[URLPattern | URLResolver] = []
