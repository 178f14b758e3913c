"""Attachments' names: ASCII for every client, the real name in any script for those that read
filename*, never a path or a reserved character."""

from urllib.parse import unquote

from django.http import HttpResponse

from portal import downloads


def disposition(filename, ascii_filename):
    return downloads.attachment(HttpResponse(), filename, ascii_filename)["Content-Disposition"]


def test_an_ascii_name_alone_is_given_once():
    assert disposition("rt-2026.ics", "rt-2026.ics") == 'attachment; filename="rt-2026.ics"'


def test_a_kazakh_name_follows_its_ascii_fallback():
    header = disposition("Әлеуметтік ғылымдар.ics", "rt.ics")
    ascii_part, utf8_part = header.split("; filename*=utf-8''")
    assert ascii_part == 'attachment; filename="rt.ics"'
    assert unquote(utf8_part) == "Әлеуметтік ғылымдар.ics"


def test_paths_and_reserved_characters_leave_the_name_and_a_long_one_keeps_its_extension():
    header = disposition("../Құқық: " + "ө" * 300 + ' "жаңа"?.ics', "rt.ics")
    name = unquote(header.split("filename*=utf-8''")[1])
    assert not set('/\\:*?"<>|') & set(name)
    assert name.startswith("Құқық ө") and name.endswith(".ics")
    assert len(name) == downloads.NAME_AT_MOST
