from django import template

from blog.site import absolute_url

register = template.Library()


@register.inclusion_tag("includes/picture.html")
def cover_picture(post, sizes="100vw", loading="lazy", priority=False):
    """A post's cover as <picture>: WebP and JPEG srcsets, with width and height set."""
    return {
        "post": post,
        "cover": post.cover,
        "sizes": sizes,
        "loading": loading,
        "priority": priority,
    }


@register.filter
def absolute(path):
    """`{{ post.get_absolute_url|absolute }}`: the address with scheme and host."""
    return absolute_url(path)


@register.filter
def display_name(user):
    return user.get_full_name() or user.get_username()
