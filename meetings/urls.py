from django.urls import path

app_name = "meetings"
urlpatterns: list = []
