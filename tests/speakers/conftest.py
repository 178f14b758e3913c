import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User

PASSWORD = "a-long-test-password"
# Where speakers land after signing in: "My papers" (proceedings:my_papers), after /<lang>.
MY_PAPERS = "/my/papers/"


@pytest.fixture
def organiser(db):
    """Staff in the organisers' group, as organisers are in production."""
    user = User.objects.create_user(
        "organiser", email="organiser@example.org", password=PASSWORD, is_staff=True
    )
    user.groups.add(Group.objects.get(name=settings.ORGANISERS_GROUP))
    return user
