from .site import site_context


def site(request):
    """`site`, `social_links` and `nav_categories` for the header and footer (cached)."""
    # The post page reads it with the post's terms (PostDetailView.get_object).
    return getattr(request, "site_context", None) or site_context()
