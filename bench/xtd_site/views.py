from django.shortcuts import get_object_or_404, render

from .models import Article


def article_detail(request, pk):
    article = get_object_or_404(Article, pk=pk)
    return render(request, "xtd_site/article_detail.html", {"object": article})
