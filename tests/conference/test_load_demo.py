import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import Count

from conference.models import Conference
from documents.models import OutcomeDocument
from participants.accreditation import services
from participants.models import Delegation, Participant
from sessions.models import Session

pytestmark = pytest.mark.django_db


def count_every_table() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_demo_has_the_size_of_the_dushanbe_conference(demo_db):
    assert Conference.objects.count() == 2
    assert Delegation.objects.count() >= 70
    assert Participant.objects.count() >= 400
    with_speakers = Session.objects.annotate(n=Count("statements")).filter(n__gt=0)
    assert with_speakers.count() >= 12
    declaration = OutcomeDocument.objects.get(slug="dushanbe-declaration")
    assert declaration.versions.count() == 3


def test_loading_the_demo_again_changes_nothing(demo_db):
    before = count_every_table()
    call_command("load_demo", verbosity=0)
    assert count_every_table() == before


def test_demo_accreditation_is_a_realistic_mix(demo_db):
    statuses = set(Participant.objects.with_state().values_list("annotated_state", flat=True))
    assert {"approved", "badge_collected", "vetting", "nominated", "rejected"} <= statuses


def test_demo_prints_the_organizer_login(demo_db, capsys):
    call_command("load_demo")
    out = capsys.readouterr().out
    assert "username: organizer" in out
    assert "password: plenary-demo-2019" in out


def test_demo_login_points_at_the_port_make_run_serves_on(demo_db, capsys, monkeypatch):
    monkeypatch.setenv("PORT", "8077")
    call_command("load_demo")
    assert "Log in at http://127.0.0.1:8077/admin/" in capsys.readouterr().out


def test_the_demo_requires_passport_data_and_approves_the_members_who_carry_it(demo_db, db):
    dushanbe = Conference.objects.get(slug="dushanbe-2019")
    assert (dushanbe.requires_passport_data, dushanbe.requires_photo) == (True, False)
    vetted = list(
        Participant.objects.filter(conference=dushanbe, status="vetting", identity__isnull=False)
    )
    assert vetted

    done, refused = services.participants_transition(name="approve", participants=vetted, by=None)

    assert (len(done), refused) == (len(vetted), [])
