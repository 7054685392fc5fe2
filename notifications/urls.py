from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("preferences/<str:token>/", views.preferences, name="preferences"),
    path("my-comments/", views.data_request, name="data_request"),
    path("my-comments/<str:token>/", views.data, name="data"),
    path("my-comments/<str:token>/export.json", views.data_export, name="data_export"),
]
