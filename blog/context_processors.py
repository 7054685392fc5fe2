from .site import site_context


def site(request):
    """`site`, `social_links` and `nav_categories` for the header and footer (cached)."""
    return site_context()
