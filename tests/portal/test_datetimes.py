import datetime

from django.template import Context, Template
from django.utils import timezone

from tests.pages import GLOBAL_DATETIME


def test_a_moment_is_written_to_the_second_in_the_current_time_zone(settings):
    settings.TIME_ZONE = "Asia/Almaty"
    moment = datetime.datetime(2025, 5, 23, 5, 0, 7, 123456, tzinfo=datetime.UTC)

    with timezone.override("Asia/Almaty"):
        written = Template("{% load datetimes %}{{ moment|html_datetime }}").render(
            Context({"moment": moment})
        )

    assert written == "2025-05-23T10:00:07+05:00"
    assert GLOBAL_DATETIME.match(written)


def test_anything_but_a_moment_is_written_as_nothing():
    template = Template("{% load datetimes %}[{{ x|html_datetime }}]")
    assert template.render(Context({"x": ""})) == "[]"
