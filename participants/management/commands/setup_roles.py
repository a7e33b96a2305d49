from django.core.management.base import BaseCommand

from participants.accreditation.roles import roles_sync


class Command(BaseCommand):
    help = "Create or repair the organizer role groups and their permissions (idempotent)."

    def handle(self, *args, **options):
        for name, count in roles_sync().items():
            self.stdout.write(f"{name}: {count} permissions")
