"""The background tasks (Django's Tasks framework: django.tasks on Django 6, the django-tasks
backport on 5.2). Each one is small and safe to run twice; the work is in outbox.py,
telling.py and schedule.py."""

try:
    from django.tasks import task
except ImportError:  # Django 5.2
    from django_tasks import task


@task()
def deliver_mail(mail_id):
    from .outbox import deliver

    return deliver(mail_id)


@task()
def comment_event(event, data):
    from .telling import handle

    return handle(event, data)


@task()
def run_scheduled():
    from .schedule import run_due

    return run_due()
