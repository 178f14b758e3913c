import pytest

from tests import factories

# Where speakers land after signing in: "My papers" (proceedings:my_papers), after /<lang>.
MY_PAPERS = "/my/papers/"


@pytest.fixture
def organiser(db):
    """Staff in the organisers' group, as organisers are in production."""
    return factories.organiser(username="organiser")
