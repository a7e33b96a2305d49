"""The organizer account that logs in to the demo admin."""

from django.contrib.auth import get_user_model

USERNAME = "organizer"
DEFAULT_PASSWORD = "plenary-demo-2019"


def ensure_organizer(password: str = DEFAULT_PASSWORD):
    """Create the organizer superuser, or reset its password if it exists."""
    user, _ = get_user_model().objects.get_or_create(username=USERNAME)
    user.email = user.email or "organizer@secretariat.example"
    user.first_name = user.first_name or "Demo"
    user.last_name = user.last_name or "Organizer"
    user.is_active = user.is_staff = user.is_superuser = True
    user.set_password(password)
    user.save()
    return user
