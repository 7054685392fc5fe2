import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Factories create many users; real password hashing would dominate the run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
