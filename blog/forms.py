from django import forms

from .images import validate_upload
from .models import Post


class CoverImageField(forms.ImageField):
    """An image field whose every rejection says plainly what was wrong with the file."""

    def to_python(self, data):
        if data in self.empty_values:
            return None
        validate_upload(data)
        return super().to_python(data)


class PostAdminForm(forms.ModelForm):
    class Meta:
        model = Post
        fields = [
            "title", "slug", "author", "standfirst", "body", "source", "dateline",
            "cover_image", "cover_alt", "status", "published_at", "categories", "tags",
            "comments_enabled", "comments_close_at",
        ]  # fmt: skip
        field_classes = {"cover_image": CoverImageField}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("cover_image") and not cleaned.get("cover_alt"):
            self.add_error("cover_alt", "Describe the cover picture for people who cannot see it.")
        if cleaned.get("status") == Post.Status.SCHEDULED and not cleaned.get("published_at"):
            self.add_error("published_at", "A scheduled post needs the time it should appear.")
        return cleaned
