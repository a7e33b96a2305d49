"""Issue 26 item 7: uploads shared between app servers through S3-compatible object storage.

A real S3-compatible server (moto's, from PyPI) runs on a free port of 127.0.0.1 for the
module. Each "app server" is its own settings instance naming the same bucket, as two gunicorn
servers configured from the same environment are: a photo uploaded through one is served by
the other, through the view that checks permissions; objects are private; a replaced or
deleted file is gone from the bucket, and the shredder erases the objects.
"""

import datetime as dt
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from conference.settings import object_storage
from participants.accreditation import services
from participants.badging import printing as badges
from participants.models import IdentityDocument
from tests.auth import sign_in
from tests.factories import (
    ConferenceFactory,
    DelegationFactory,
    IdentityDocumentFactory,
    UserFactory,
)
from tests.participants.conftest import image_upload
from tests.participants.note_pdfs import clean_pdf

pytestmark = pytest.mark.django_db

KEYS = {"AWS_S3_ACCESS_KEY_ID": "testing", "AWS_S3_SECRET_ACCESS_KEY": "testing"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    """moto's S3 server on 127.0.0.1, for this module only."""
    port = _free_port()
    server = Path(sys.executable).parent / "moto_server"
    process = subprocess.Popen(
        [str(server), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        else:
            raise RuntimeError("moto_server did not start")
        yield endpoint
    finally:
        process.terminate()
        process.wait()


@pytest.fixture
def bucket(s3_endpoint):
    name = f"plenary-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.create_bucket(Bucket=name)
    client.name = name
    return client


@pytest.fixture
def servers(bucket, s3_endpoint, settings):
    """Two app servers: settings instances built from the same environment."""
    environment = {
        **KEYS,
        "AWS_STORAGE_BUCKET_NAME": bucket.name,
        "AWS_S3_ENDPOINT_URL": s3_endpoint,
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_S3_ADDRESSING_STYLE": "path",
    }

    def server():
        return override_settings(
            STORAGES={**settings.STORAGES, "default": object_storage(environment)}
        )

    return server(), server()


def _keys(bucket) -> set[str]:
    listing = bucket.list_objects_v2(Bucket=bucket.name)
    return {item["Key"] for item in listing.get("Contents", [])}


def _reader(client):
    user = UserFactory(is_superuser=True)
    sign_in(client, user)
    return client


def test_without_a_bucket_uploads_stay_on_the_disk():
    assert object_storage({}) is None
    from django.conf import settings as live

    assert live.STORAGES["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def test_the_environment_names_the_bucket_the_endpoint_and_the_keys():
    storage = object_storage(
        {
            "AWS_STORAGE_BUCKET_NAME": "plenary-uploads",
            "AWS_S3_ENDPOINT_URL": "https://s3.example.org",
            "AWS_S3_REGION_NAME": "eu-central-1",
            "AWS_S3_ACCESS_KEY_ID": "AKIAEXAMPLE",
            "AWS_S3_SECRET_ACCESS_KEY": "secret",
            "AWS_LOCATION": "plenary",
        }
    )
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    options = storage["OPTIONS"]
    assert (options["bucket_name"], options["endpoint_url"], options["region_name"]) == (
        "plenary-uploads",
        "https://s3.example.org",
        "eu-central-1",
    )
    assert (options["access_key"], options["secret_key"], options["location"]) == (
        "AKIAEXAMPLE",
        "secret",
        "plenary",
    )
    assert options["default_acl"] == "private"
    assert options["file_overwrite"] is False


def test_a_photo_uploaded_through_one_server_is_served_by_the_other(
    servers, bucket, client, settings
):
    server_a, server_b = servers
    photo = image_upload().read()
    with server_a:
        document = IdentityDocumentFactory()
        document.photo.save("face.jpg", ContentFile(photo))
    name = document.photo.name
    assert _keys(bucket) == {name}
    assert not Path(settings.MEDIA_ROOT).exists() or not any(Path(settings.MEDIA_ROOT).rglob("*"))
    # Private: nobody but the owner holds a grant, and the bucket's URL answers no one.
    grants = bucket.get_object_acl(Bucket=bucket.name, Key=name)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]
    assert grants[0]["Grantee"]["Type"] == "CanonicalUser"

    with server_b:
        url = reverse("admin:participants_participant_photo", args=[document.participant_id])
        response = _reader(client).get(url)
        assert (response.status_code, response["Content-Type"]) == (200, "image/jpeg")
        assert b"".join(response.streaming_content) == photo
        assert response["Cache-Control"].startswith("private, no-store")
        client.logout()
        assert client.get(url).status_code == 302  # to the login page


def test_a_note_verbale_uploaded_through_one_server_is_served_by_the_other(servers, bucket, client):
    server_a, server_b = servers
    pdf = clean_pdf()
    with server_a:
        delegation = services.delegation_upload_note_verbale(
            delegation=DelegationFactory(),
            file=ContentFile(pdf, name="Note to MFA.pdf"),
            reference="No. 1",
            date="2019-04-20",
        )
    assert _keys(bucket) == {delegation.nomination_file.name}
    with server_b:
        url = reverse("admin:participants_delegation_note_verbale", args=[delegation.pk])
        response = _reader(client).get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == pdf


def test_a_replaced_or_deleted_photo_is_gone_from_the_bucket(
    servers, bucket, django_capture_on_commit_callbacks
):
    server_a, server_b = servers
    with server_a:
        document = IdentityDocumentFactory()
        document.photo.save("first.jpg", image_upload())
    first = document.photo.name
    with server_b, django_capture_on_commit_callbacks(execute=True):
        document = IdentityDocument.objects.get(pk=document.pk)
        document.photo = image_upload("second.jpg")
        services.identity_document_save(document=document)
    second = document.photo.name
    assert _keys(bucket) == {second}
    assert first != second
    with server_a, django_capture_on_commit_callbacks(execute=True):
        services.participant_delete(participant=document.participant)
    assert _keys(bucket) == set()


def test_a_replaced_letterhead_logo_is_gone_from_the_bucket(
    servers, bucket, django_capture_on_commit_callbacks
):
    server_a, _server_b = servers
    with server_a, django_capture_on_commit_callbacks(execute=True):
        conference = ConferenceFactory()
        conference.letterhead_logo.save("logo.png", image_upload("logo.png", "PNG"))
        first = conference.letterhead_logo.name
        conference.letterhead_logo = image_upload("logo2.png", "PNG")
        conference.save()
    assert _keys(bucket) == {conference.letterhead_logo.name}
    assert first not in _keys(bucket)


def test_the_shredder_erases_the_objects(servers, bucket, django_capture_on_commit_callbacks):
    server_a, server_b = servers
    with server_a:
        conference = ConferenceFactory(data_retention_until=dt.date(2019, 12, 31))
        delegation = DelegationFactory(conference=conference)
        delegation.nomination_file.save("note.pdf", ContentFile(clean_pdf()))
        document = IdentityDocumentFactory(participant__delegation=delegation)
        document.photo.save("face.jpg", image_upload())
        # A badge print keeps the photo at print size in the bucket too.
        assert badges.badge_photo_bytes(IdentityDocument.objects.get(pk=document.pk))
    assert len(_keys(bucket)) == 3
    UserFactory(username="chief", is_superuser=True)
    with server_b, django_capture_on_commit_callbacks(execute=True):
        call_command(
            "shred_identity_data", "--conference", conference.slug, "--user", "chief", stdout=None
        )
    assert _keys(bucket) == set()


@pytest.mark.skipif(os.name != "posix", reason="moto_server is started as a subprocess")
def test_the_test_server_is_the_one_from_the_dev_dependencies():
    assert (Path(sys.executable).parent / "moto_server").exists()
