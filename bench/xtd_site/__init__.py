"""A minimal Django site with django-comments-xtd, for bench/xtd.py only.

It runs in its own process: our project's settings and apps cannot share one with xtd
(both would claim the comment models and templates), and nothing here is imported by the site.
"""
