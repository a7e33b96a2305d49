"""The organizer account that logs in to the demo admin."""

from django.contrib.auth import get_user_model

from conference.services import otp_recovery_codes_issue

USERNAME = "organizer"
DEFAULT_PASSWORD = "plenary-demo-2019"
# The organizer can see identity data, so the admin asks for a second factor. The demo gives
# it fixed recovery codes, each good for one sign-in; load_demo prints them and issues them
# anew on every run. Never on a real server: anyone who reads this file knows them.
DEMO_CODES = [f"demo-code-{n:02}" for n in range(1, 11)]


def ensure_organizer(password: str = DEFAULT_PASSWORD):
    """Create the organizer superuser, or reset its password if it exists."""
    user, _ = get_user_model().objects.get_or_create(username=USERNAME)
    user.email = user.email or "organizer@secretariat.example"
    user.first_name = user.first_name or "Demo"
    user.last_name = user.last_name or "Organizer"
    user.is_active = user.is_staff = user.is_superuser = True
    user.set_password(password)
    user.save()
    otp_recovery_codes_issue(user=user, codes=DEMO_CODES)
    return user
