"""Two-factor sign-in to the admin (conference.two_factor, PlenaryAdminSite)."""

import logging

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from conference.services import otp_recovery_codes_issue
from demo.accounts import DEMO_CODES
from tests.factories import UserFactory

PASSWORD = "correct-horse-battery"
PARTICIPANTS = "/admin/participants/participant/"


def current_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


@pytest.fixture
def security_officer(db):
    """Staff who can see passports, through a group, as the role groups grant it."""
    group = Group.objects.create(name="Identity readers")
    group.permissions.add(
        Permission.objects.get(codename="view_identity_document"),
        Permission.objects.get(codename="view_participant"),
    )
    user = UserFactory(username="security-officer")
    user.groups.add(group)
    return user


@pytest.fixture
def authenticator(security_officer):
    return TOTPDevice.objects.create(user=security_officer, name="phone", confirmed=True)


def log_in(client, user, code=""):
    data = {"username": user.username, "password": PASSWORD, "otp_token": code}
    return client.post("/admin/login/?next=/admin/", {**data, "next": "/admin/"})


def test_identity_staff_without_a_device_get_no_admin_page(client, security_officer):
    client.force_login(security_officer)  # the right password, no second factor
    for url in ("/admin/", PARTICIPANTS, "/admin/participants/participant/add/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
    setup = client.get("/admin/login/?next=/admin/")
    assert setup.status_code == 302
    assert setup["Location"] == "/admin/otp/setup/?next=%2Fadmin%2F"


def test_identity_staff_signing_in_without_a_device_are_sent_to_set_one_up(
    client, security_officer
):
    response = log_in(client, security_officer)
    assert response.status_code == 302
    assert response["Location"] == "/admin/otp/setup/?next=%2Fadmin%2F"
    assert client.get(PARTICIPANTS).status_code == 302


def test_with_a_device_and_a_valid_code_they_get_in(client, security_officer, authenticator):
    response = log_in(client, security_officer, current_code(authenticator))
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get(PARTICIPANTS).status_code == 200


def test_a_replayed_code_is_refused(client, security_officer, authenticator, caplog):
    code = current_code(authenticator)
    assert log_in(client, security_officer, code).status_code == 302
    client.logout()
    caplog.set_level(logging.WARNING, logger="conference.two_factor")
    replay = log_in(client, security_officer, code)
    assert replay.status_code == 200
    assert "This code is wrong or was already used." in replay.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get(PARTICIPANTS).status_code == 302
    assert [r.getMessage() for r in caplog.records if r.name == "conference.two_factor"] == [
        f"Two-factor sign-in refused for user id {security_officer.pk}: wrong or used code"
    ]


def test_a_wrong_code_is_refused_with_a_message_and_no_session(
    client, security_officer, authenticator
):
    wrong = f"{(int(current_code(authenticator)) + 1) % 1_000_000:06d}"
    response = log_in(client, security_officer, wrong)
    assert response.status_code == 200
    assert "This code is wrong or was already used." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_missing_code_is_asked_for(client, security_officer, authenticator):
    response = log_in(client, security_officer)
    assert "Enter the code from your authenticator app." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_recovery_code_works_once(client, security_officer):
    codes = otp_recovery_codes_issue(user=security_officer)
    assert log_in(client, security_officer, codes[0]).status_code == 302
    assert client.get(PARTICIPANTS).status_code == 200
    client.logout()
    forged = log_in(client, security_officer, "not-a-real-code")
    assert "_auth_user_id" not in client.session
    assert "This code is wrong or was already used." in forged.content.decode()
    used_again = log_in(client, security_officer, codes[0])
    assert used_again.status_code == 200
    assert "_auth_user_id" not in client.session
    assert StaticToken.objects.filter(device__user=security_officer).count() == len(codes) - 1


def test_other_staff_are_asked_to_add_a_device_but_may_go_on(client, db):
    clerk = UserFactory(username="clerk")
    response = log_in(client, clerk)
    assert response["Location"] == "/admin/otp/setup/?next=%2Fadmin%2F"
    assert client.get("/admin/").status_code == 200


def test_a_setting_makes_the_second_factor_mandatory_for_all(client, db, settings):
    settings.PLENARY_OTP_REQUIRED_FOR_ALL = True
    clerk = UserFactory(username="clerk")
    log_in(client, clerk)
    assert client.get("/admin/").status_code == 302


def test_setting_up_an_authenticator_opens_the_admin(client, security_officer):
    client.force_login(security_officer)
    page = client.get("/admin/otp/setup/?next=/admin/")
    assert page.status_code == 200
    assert "otpauth://totp/" in page.content.decode()
    device = TOTPDevice.objects.get(user=security_officer, confirmed=False)
    wrong = client.post("/admin/otp/setup/", {"token": "000000", "next": "/admin/"})
    if current_code(device) != "000000":
        assert "This code does not match." in wrong.content.decode()
    # A wrong code holds the device back for a second (django-otp's throttle); skip the wait.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    done = client.post("/admin/otp/setup/", {"token": current_code(device), "next": "/admin/"})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10
    assert TOTPDevice.objects.get(user=security_officer).confirmed
    assert StaticDevice.objects.get(user=security_officer).token_set.count() == 10
    assert client.get(PARTICIPANTS).status_code == 200


def test_otp_reset_deletes_the_devices(security_officer, authenticator):
    otp_recovery_codes_issue(user=security_officer)
    call_command("otp_reset", "security-officer", verbosity=0)
    assert not TOTPDevice.objects.filter(user=security_officer).exists()
    assert not StaticDevice.objects.filter(user=security_officer).exists()


def test_the_demo_organizer_signs_in_with_a_printed_code(client, db, capsys):
    call_command("load_demo")
    printed = capsys.readouterr().out
    assert f"code: {DEMO_CODES[0]}" in printed
    data = {"username": "organizer", "password": "plenary-demo-2019", "otp_token": DEMO_CODES[0]}
    response = client.post("/admin/login/", {**data, "next": "/admin/"})
    assert response["Location"] == "/admin/"
    assert client.get(PARTICIPANTS).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_code_is_checked_in_a_transaction_of_its_own(client, security_officer, authenticator):
    # The device is locked while its code is checked; PostgreSQL refuses a lock (500) when
    # the request runs outside a transaction, as a real request does.
    response = log_in(client, security_officer, current_code(authenticator))
    assert response.status_code == 302
    wrong = log_in(
        client, security_officer, "000000" if current_code(authenticator) != "000000" else "111111"
    )
    assert wrong.status_code == 200
    authenticator.refresh_from_db()
    assert authenticator.throttling_failure_count == 1  # kept, not rolled back with the refusal
