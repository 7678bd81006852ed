import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Oppretter en administrator første gang, med et tilfeldig passord som skrives ut én gang."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username="admin", **options):
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write(
                f"Administrator finnes allerede. Nytt passord: `.venv/bin/python manage.py changepassword {username}`."
            )
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(self.style.SUCCESS(f"Administrator opprettet. Brukernavn: {username}  Passord: {password}"))
        self.stdout.write("Passordet vises bare nå; skriv det ned.")
