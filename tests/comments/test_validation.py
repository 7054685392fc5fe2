"""Every validation error: a clear message by its field, the typed text kept, nothing stored."""

import pytest

from comments.models import Comment
from tests.factories import CommentFactory, PostFactory

pytestmark = pytest.mark.django_db


def _field_errors(page, field):
    """The error list Django renders just before the field's input."""
    marker = f'id="id_{field}_error"'
    if marker not in page:
        return ""
    return page.split(marker)[1].split("</ul>")[0]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Please give a name to show with your comment."),
        ("name", "   ", "Please give a name to show with your comment."),
        ("name", "N" * 81, "Please keep your name under 80 characters (it has 81)."),
        ("email", "", "Please give your e-mail address (it is never shown)."),
        ("email", "not-an-address", "Enter a valid e-mail address, like name@example.com."),
        ("url", "javascript:alert(1)", "Enter a full web address, like https://example.com."),
        ("url", "ftp ://x", "Enter a full web address, like https://example.com."),
        ("body", "", "Please write your comment before posting."),
        ("body", " \n\t \n ", "Please write your comment before posting."),
        ("body", "\u200b\u200b \u2060", "Please write your comment before posting."),
        ("name", "\u200b", "Please give a name to show with your comment."),
        ("body", "x" * 5001, "Comments can be up to 5000 characters long (this one has 5001)."),
    ],
)
def test_a_bad_field_is_refused_with_a_message_next_to_it(
    client, post_url, guest_data, field, value, message
):
    guest_data[field] = value
    response = client.post(post_url, guest_data)
    assert response.status_code == 400
    assert message in _field_errors(response.text, field)
    assert 'aria-invalid="true"' in response.text
    assert "Your comment was not posted yet." in response.text
    assert not Comment.objects.exists()


def test_the_typed_text_is_kept_after_an_error(client, post_url, guest_data):
    guest_data["email"] = "broken"
    guest_data["url"] = "https://zoe.example.net/"
    response = client.post(post_url, guest_data)
    assert 'value="Zoë Marsh"' in response.text
    assert 'value="https://zoe.example.net/"' in response.text
    assert ">\nA first comment.\n\nWith two paragraphs.</textarea>" in response.text


def test_the_error_page_is_the_post_page_with_the_form_anchor(client, post, post_url, guest_data):
    guest_data["body"] = ""
    response = client.post(post_url, guest_data)
    assert post.title in response.text
    assert f'action="{post_url}#respond"' in response.text


def test_null_characters_are_refused(client, post_url, guest_data):
    guest_data["body"] = "hello\x00world"
    response = client.post(post_url, guest_data)
    assert response.status_code == 400
    assert "Null characters are not allowed." in response.text


def test_a_parent_from_another_post_is_refused(client, post_url, guest_data):
    elsewhere = CommentFactory(post=PostFactory())
    guest_data["parent"] = elsewhere.pk
    response = client.post(post_url, guest_data)
    assert response.status_code == 400
    assert "The comment you are replying to is not available for replies." in response.text
    assert Comment.objects.count() == 1


def test_a_parent_that_does_not_exist_is_refused(client, post_url, guest_data):
    guest_data["parent"] = 987654
    response = client.post(post_url, guest_data)
    assert response.status_code == 400
    assert "The comment you are replying to is not available for replies." in response.text


def test_a_parent_that_is_not_a_number_is_refused(client, post_url, guest_data):
    guest_data["parent"] = "abc"
    response = client.post(post_url, guest_data)
    assert response.status_code == 400
    assert not Comment.objects.exists()


@pytest.mark.parametrize("status", ["removed", "spam"])
def test_replies_to_removed_or_spam_comments_are_refused(
    client, post, post_url, guest_data, status
):
    parent = CommentFactory(post=post, status=status)
    guest_data["parent"] = parent.pk
    response = client.post(post_url, guest_data)
    assert response.status_code == 400
    assert "The comment you are replying to is not available for replies." in response.text
    assert Comment.objects.count() == 1


def test_replies_to_held_comments_are_refused(client, post, post_url, guest_data):
    parent = CommentFactory(post=post, status="pending")
    guest_data["parent"] = parent.pk
    response = client.post(post_url, guest_data)
    assert response.status_code == 400
    assert "The comment you are replying to is not available for replies." in response.text


def test_replying_to_a_comment_one_cannot_see_answers_alike_whatever_became_of_it(
    client, post_url, guest_data, unseen_comment_pks
):
    """No oracle: missing, held, removed, spam or elsewhere all get the same answer."""
    answers = set()
    for parent in unseen_comment_pks:
        guest_data["parent"] = parent
        response = client.post(post_url, guest_data)
        errors = response.text.split('id="comment-form-errors"')[1].split("</div>")[0]
        answers.add((response.status_code, errors))
    assert len(answers) == 1


@pytest.mark.parametrize("bound", [False, True])
def test_the_comment_form_draws_the_same_html_as_with_djangos_template_engine(bound):
    """CommentForm draws with Django's form templates in their Jinja2 versions (faster);
    the HTML is what the Django template engine draws, fields, help texts and errors alike."""
    from django.forms.renderers import DjangoTemplates

    from comments.forms import JINJA2_FORMS, CommentForm

    post = PostFactory()
    data = {"name": "", "email": "not an address", "url": "x", "body": "", "homepage": ""}

    def drawn(renderer):
        kwargs = {"data": data} if bound else {"initial": {"parent": None, "remember": True}}
        form = CommentForm(post=post, user=None, renderer=renderer, **kwargs)
        if bound:
            assert not form.is_valid()
        html = "".join(str(form[name].as_field_group()) for name in ("name", "email", "url"))
        html += str(form["body"].as_field_group()) + str(form.non_field_errors())
        html += "".join(str(form[name]) for name in ("parent", "notify", "remember", "homepage"))
        return html

    assert CommentForm(post=post, user=None).renderer is JINJA2_FORMS
    assert drawn(None) == drawn(DjangoTemplates())
    assert ("errorlist" in drawn(None)) == bound
