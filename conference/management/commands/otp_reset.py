from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from conference.services import otp_devices_reset


class Command(BaseCommand):
    help = (
        "Delete every two-factor device (authenticator app, recovery codes) of a user, who then "
        "sets up a new one at the next sign-in. For a lost phone."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f'There is no user "{username}".')
        deleted = otp_devices_reset(user=user)
        self.stdout.write(f'Deleted {deleted} two-factor device(s) of "{username}".')
