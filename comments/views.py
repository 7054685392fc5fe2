from django.shortcuts import get_object_or_404, redirect

from .models import Comment


def permalink(request, pk):
    comment = get_object_or_404(Comment.objects.select_related("post"), pk=pk)
    return redirect(f"{comment.post.get_absolute_url()}#comment-{comment.pk}")
