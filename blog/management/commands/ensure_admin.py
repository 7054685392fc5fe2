import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Create the superuser 'admin' with a random password and print it. "
        "An existing account is left as it is."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--email", default="admin@example.com")

    def handle(self, *args, username, email, **options):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            self.stdout.write(
                f"The admin account '{username}' already exists; its password is unchanged.\n"
                f"To set a new one: python manage.py changepassword {username}"
            )
            return
        password = secrets.token_urlsafe(18)
        User.objects.create_superuser(username=username, email=email, password=password)
        self.stdout.write(self.style.SUCCESS("Created an admin account for /admin/:"))
        self.stdout.write(f"  username: {username}\n  password: {password}")
        self.stdout.write("Keep this password: it is not stored anywhere in plain text.")
