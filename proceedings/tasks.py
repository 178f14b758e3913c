"""Background tasks of the proceedings (django.tasks; the backend is settings.TASKS)."""

from django.tasks import task

from proceedings import builds
from proceedings.models import BookBuild


@task
def build_book(build_id, language=None):
    """Run the queued book build `build_id`; `language` words its error for the staff who asked.

    Returns the status the build ended with, which the task backend keeps as the task's result.
    """
    build = builds.run(BookBuild.objects.get(pk=build_id), language=language)
    return build.status
