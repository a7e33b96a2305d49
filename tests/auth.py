"""Signing staff in to the admin in tests, second factor included.

The admin opens for staff who can see identity data only once a code from a confirmed
django-otp device verified the session. The Django test client has no login form to fill in;
``sign_in`` logs the user in and marks the session verified by a confirmed authenticator, as
django_otp.login does after a good code. Tests of the login form itself post real codes.
"""

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice


def sign_in(client, user):
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="test authenticator", defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
