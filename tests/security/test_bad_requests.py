"""Every request we cannot read is a 4xx page in the site's style, never a 500.

Each case runs against the three forms a visitor can send (comments:post, moderation:report,
the admin login) with the CSRF check on and a CSRF cookie, as from a browser. Before
handler400 existed, a charset=utf-16 form answered 500 everywhere: Django's default 400 view
ran the CSRF check again and read the undecodable body a second time.
"""

import pytest
from django.urls import reverse

from .conftest import CSRF_TOKEN

ENDPOINTS = ["comment", "report", "admin login"]
FORM = "application/x-www-form-urlencoded"
BAD_REQUEST_TEXT = "We couldn’t read that request"

pytestmark = pytest.mark.django_db


def form_body(**fields):
    fields.setdefault("csrfmiddlewaretoken", CSRF_TOKEN)
    return "&".join(f"{key}={value}" for key, value in fields.items())


def send(client, url, body, content_type=FORM, **extra):
    return client.generic("POST", url, body, content_type=content_type, **extra)


def assert_bad_request_page(response):
    assert response.status_code == 400
    assert BAD_REQUEST_TEXT in response.content.decode()
    assert 'href="/static/css/site.css"' in response.content.decode()


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_form_in_utf16_is_the_400_page_without_a_query(
    csrf_client, post_endpoints, endpoint, django_assert_num_queries
):
    body = form_body(name="Ada", body="Hello").encode("utf-16")
    with django_assert_num_queries(0):
        response = send(
            csrf_client, post_endpoints[endpoint], body, content_type=f"{FORM}; charset=utf-16"
        )
    assert_bad_request_page(response)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_an_unknown_charset_is_read_as_utf8_never_a_500(csrf_client, post_endpoints, endpoint):
    response = send(
        csrf_client,
        post_endpoints[endpoint],
        form_body(name="Ada"),
        content_type=f"{FORM}; charset=no-such-charset",
    )
    assert response.status_code < 500


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_invalid_utf8_in_the_body_is_never_a_500(csrf_client, post_endpoints, endpoint):
    body = form_body(name="%ff%fe", body="caf%e9", username="\xff").encode("latin-1")
    response = send(csrf_client, post_endpoints[endpoint], body + b"&raw=\xff\xfe\xfd")
    assert response.status_code < 500


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_invalid_utf8_in_the_query_string_is_never_a_500(csrf_client, post_endpoints, endpoint):
    response = send(
        csrf_client, post_endpoints[endpoint], form_body(), QUERY_STRING="next=%ff%c0&x=%e9"
    )
    assert response.status_code < 500


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_body_over_the_upload_limit_is_the_400_page(
    csrf_client, post_endpoints, endpoint, settings
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = form_body(body="x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    assert_bad_request_page(send(csrf_client, post_endpoints[endpoint], body))


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_too_many_fields_is_the_400_page(csrf_client, post_endpoints, endpoint, settings):
    fields = {f"f{n}": "1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    assert_bad_request_page(send(csrf_client, post_endpoints[endpoint], form_body(**fields)))


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize(
    "content_type",
    [
        "multipart/form-data",
        "multipart/form-data; boundary=",
        "multipart/form-data; boundary=" + "x" * 250,
    ],
    ids=["no boundary", "empty boundary", "boundary too long"],
)
def test_malformed_multipart_is_the_400_page(csrf_client, post_endpoints, endpoint, content_type):
    body = b'--x\r\nContent-Disposition: form-data; name="name"\r\n\r\nAda\r\n--x--\r\n'
    assert_bad_request_page(send(csrf_client, post_endpoints[endpoint], body, content_type))


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_form_without_its_csrf_token_is_the_sites_403_page(csrf_client, post_endpoints, endpoint):
    response = send(csrf_client, post_endpoints[endpoint], "name=Ada&body=Hello")
    assert response.status_code == 403
    assert "That form has expired" in response.content.decode()


def test_a_get_page_with_invalid_utf8_in_its_query_string_is_served(client, post_endpoints):
    response = client.get(reverse("blog:home"), QUERY_STRING="page=%ff%fe&q=%c0")
    assert response.status_code in (200, 404)


def test_a_get_page_with_too_many_query_fields_is_the_400_page(client, post_endpoints, settings):
    query = "&".join(f"f{n}=1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    assert_bad_request_page(client.get(reverse("blog:home"), QUERY_STRING=query))


def test_a_staff_member_without_the_permission_gets_the_403_page(client, post_endpoints):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="intern", is_staff=True))
    response = client.get(reverse("admin:blog_post_add"))
    assert response.status_code == 403
    assert "You can’t do that here" in response.content.decode()
