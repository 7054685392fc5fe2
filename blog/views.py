from django.shortcuts import get_object_or_404, render

from .models import Post


def home(request):
    posts = Post.objects.published().for_listing()[:10]
    return render(request, "blog/home.html", {"posts": posts})


def post_detail(request, slug):
    post = get_object_or_404(Post.objects.published(), slug=slug)
    return render(request, "blog/post_detail.html", {"post": post})


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)
