from django.db import models
from django.urls import reverse


class Article(models.Model):
    """The object the benchmark's discussion is posted to (xtd comments on any model)."""

    title = models.CharField(max_length=200)
    body = models.TextField()

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("article", args=[self.pk])
