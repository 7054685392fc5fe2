from django.urls import path

from . import feeds, views

app_name = "blog"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("posts/<slug:slug>/", views.PostDetailView.as_view(), name="post_detail"),
    path("preview/<int:pk>/", views.post_preview, name="post_preview"),
    path("category/<slug:slug>/", views.CategoryView.as_view(), name="category"),
    path("category/<slug:slug>/rss/", feeds.CategoryRssFeed(), name="category_rss"),
    path("category/<slug:slug>/atom/", feeds.CategoryAtomFeed(), name="category_atom"),
    path("tag/<slug:slug>/", views.TagView.as_view(), name="tag"),
    path("tag/<slug:slug>/rss/", feeds.TagRssFeed(), name="tag_rss"),
    path("tag/<slug:slug>/atom/", feeds.TagAtomFeed(), name="tag_atom"),
    path("search/", views.search_view, name="search"),
    path("author/<str:username>/", views.AuthorView.as_view(), name="author"),
    path("archive/<int:year>/", views.YearView.as_view(), name="archive_year"),
    path("archive/<int:year>/<int:month>/", views.MonthView.as_view(), name="archive_month"),
    path("feeds/rss/", feeds.LatestRssFeed(), name="rss"),
    path("feeds/atom/", feeds.LatestAtomFeed(), name="atom"),
]
