from django.urls import path, re_path

from . import feeds, views

app_name = "comments"

urlpatterns = [
    path("<int:pk>/", views.permalink, name="permalink"),
    path("<int:pk>/thread/", views.thread, name="thread"),
    path("post/<int:post_id>/", views.new_comment, name="post"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/delete/", views.delete, name="delete"),
    path("<int:pk>/like/", views.like, name="like"),
    re_path(
        r"^avatar/(?P<key>[0-9a-f]{20})-(?P<signature>[0-9a-f]{12})\.png$",
        views.avatar,
        name="avatar",
    ),
    path("feed/", feeds.LatestCommentsFeed(), name="feed"),
    path("feed/<slug:slug>/", feeds.PostCommentsFeed(), name="post_feed"),
]
