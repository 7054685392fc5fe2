from django.urls import path

from . import views

app_name = "moderation"

urlpatterns = [
    path("comments/<int:pk>/report/", views.report_comment, name="report"),
]
