"""Factories for the tests, one way to build each thing: people and accounts of every role
(`people`), the round table and its programme (`programme`), papers and proceedings (`papers`),
finished book builds (`books`), the resolution (`resolutions`) and listeners' registrations
(`participants`). Tests import them from here."""

from tests.factories.books import (
    finished_build,
    numbered_pdf,
    two_pages_each,
)
from tests.factories.papers import (
    AuthorFactory,
    CallFactory,
    PaperFactory,
    ProceedingsFactory,
    SectionFactory,
    add_version,
    broken_paper,
    tiny_proceedings,
)
from tests.factories.participants import RegistrationFactory
from tests.factories.people import (
    PASSWORD,
    ParticipationFactory,
    PersonFactory,
    RankFactory,
    UserFactory,
    organiser,
    participant,
    speaker,
    staff,
    superuser,
)
from tests.factories.programme import (
    ProgrammeItemFactory,
    RoundTableFactory,
    programme_of,
)
from tests.factories.resolutions import (
    AmendmentFactory,
    ResolutionFactory,
    ResolutionItemFactory,
    ResolutionSectionFactory,
    resolution_with,
)

__all__ = [
    "PASSWORD",
    "AmendmentFactory",
    "AuthorFactory",
    "CallFactory",
    "PaperFactory",
    "ParticipationFactory",
    "PersonFactory",
    "ProceedingsFactory",
    "ProgrammeItemFactory",
    "RankFactory",
    "RegistrationFactory",
    "ResolutionFactory",
    "ResolutionItemFactory",
    "ResolutionSectionFactory",
    "RoundTableFactory",
    "SectionFactory",
    "UserFactory",
    "add_version",
    "broken_paper",
    "finished_build",
    "numbered_pdf",
    "organiser",
    "participant",
    "programme_of",
    "resolution_with",
    "speaker",
    "staff",
    "superuser",
    "tiny_proceedings",
    "two_pages_each",
]
