from django.urls import include, path

from . import views

urlpatterns = [
    path("articles/<int:pk>/", views.article_detail, name="article"),
    # xtd's own URLs (reply, flag, like, its web API, and django_comments' post and permalink
    # redirect), which its comment tree template reverses for every comment.
    path("comments/", include("django_comments_xtd.urls")),
]
