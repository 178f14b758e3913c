import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_demo_organiser_signs_in_to_the_admin_with_the_printed_password(client, capsys):
    call_command("create_demo_organiser")
    printed = capsys.readouterr().out
    password = printed.rsplit("password ", 1)[1].strip()
    assert client.login(username="organiser", password=password)
    assert client.get("/admin/roundtable/programmeitem/").status_code == 200


def test_demo_organiser_is_an_organiser_not_a_superuser(django_user_model):
    call_command("create_demo_organiser")
    user = django_user_model.objects.get(username="organiser")
    assert user.is_staff and not user.is_superuser
    assert [group.name for group in user.groups.all()] == ["Organisers"]


def test_running_the_demo_again_gives_a_new_password_and_no_second_account(django_user_model):
    call_command("create_demo_organiser")
    first = django_user_model.objects.get(username="organiser").password
    call_command("create_demo_organiser")
    assert django_user_model.objects.filter(username="organiser").count() == 1
    assert django_user_model.objects.get(username="organiser").password != first
