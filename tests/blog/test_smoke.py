import pytest

from tests.factories import PostFactory

pytestmark = pytest.mark.django_db


def test_a_published_post_is_readable(client):
    post = PostFactory(title="Hello readers")
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    assert "Hello readers" in response.text


def test_a_draft_post_is_a_404_for_visitors(client):
    post = PostFactory(status="draft", published_at=None)
    assert client.get(post.get_absolute_url()).status_code == 404
