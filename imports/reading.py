"""Reading the importers' YAML files: every value checked where it stands, and every problem
reported with its line and key path (`line 12: programme[3].speaker: …`), in the user's language,
before anything is written. The round-table and paper importers share it.
"""

import contextlib
import datetime
import re
from collections.abc import Hashable
from dataclasses import dataclass

import yaml
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import validate_slug
from django.utils.translation import gettext as _

from portal.date_range import validate_in_range

LANGUAGES = [code for code, _name in settings.WRITTEN_LANGUAGES]
REQUIRED_LANGUAGES = ("kk", "ru")
NO_TEXT = dict.fromkeys(REQUIRED_LANGUAGES, "")
TIME = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")


class ImportFailed(Exception):
    """The file cannot be imported; the message names the line and key path of the problem."""

    def __init__(self, line, path, problem):
        self.line, self.path, self.problem = line, path, problem
        if line is None:
            message = problem
        elif path:
            message = _("line %(line)s: %(path)s: %(problem)s") % {
                "line": line,
                "path": path,
                "problem": problem,
            }
        else:
            message = _("line %(line)s: %(problem)s") % {"line": line, "problem": problem}
        super().__init__(message)


@dataclass(frozen=True)
class Spot:
    """Where a value sits in the file: its line and key path, e.g. `programme[3].speaker`."""

    line: int
    path: str = ""

    def fail(self, problem):
        raise ImportFailed(self.line, self.path, problem)

    def key(self, key, line):
        return Spot(line, f"{self.path}.{key}" if self.path else str(key))

    def index(self, index, line):
        return Spot(line, f"{self.path}[{index}]")


# --- Reading YAML with lines ----------------------------------------------------------------------


class LineMapping(dict):
    """A mapping of the file that knows the line of each key."""

    def __init__(self):
        super().__init__()
        self.key_lines = {}


class LineList(list):
    """A list of the file that knows the line of each item."""

    def __init__(self):
        super().__init__()
        self.item_lines = []


def line_of(node):
    return node.start_mark.line + 1


class LineRecordingLoader(yaml.SafeLoader):
    """A safe loader whose mappings and lists remember lines, and which refuses duplicate keys."""

    def construct_line_mapping(self, node):
        mapping = LineMapping()
        yield mapping
        self.flatten_mapping(node)
        for key_node, value_node in node.value:
            key = self.construct_object(key_node)
            if not isinstance(key, Hashable):
                raise yaml.constructor.ConstructorError(
                    problem=_("a key cannot be a list or a mapping"),
                    problem_mark=key_node.start_mark,
                )
            if key in mapping:
                raise yaml.constructor.ConstructorError(
                    problem=_("duplicate key %(key)s") % {"key": key},
                    problem_mark=key_node.start_mark,
                )
            mapping[key] = self.construct_object(value_node)
            mapping.key_lines[key] = line_of(key_node)

    def construct_line_list(self, node):
        items = LineList()
        yield items
        items.item_lines.extend(line_of(child) for child in node.value)
        items.extend(self.construct_sequence(node))

    def construct_yaml_timestamp(self, node):
        """A date such as 2025-02-30 is an error at its line, not a crash."""
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            raise yaml.constructor.ConstructorError(
                problem=_("%(value)s is not a valid date") % {"value": node.value},
                problem_mark=node.start_mark,
            ) from None


def read_source(path):
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ImportFailed(
            None,
            "",
            _("cannot read %(path)s: %(reason)s") % {"path": path, "reason": error.strerror},
        ) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ImportFailed(line, "", _("the file is not UTF-8 text")) from None


def load(text):
    try:
        return yaml.load(text, Loader=LineRecordingLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = ": ".join(part for part in (error.context, error.problem) if part)
        raise ImportFailed(mark.line + 1, "", problem) from None
    except yaml.reader.ReaderError as error:
        raise ImportFailed(text.count("\n", 0, error.position) + 1, "", error.reason) from None


# --- Checking values ------------------------------------------------------------------------------


def read_keys(value, spot, required, optional=()):
    """The entries of a mapping as {key: (value, spot)}, refusing missing and unknown keys."""
    if not isinstance(value, LineMapping):
        spot.fail(_("expected keys and values"))
    for key in value:
        if key not in required and key not in optional:
            spot.key(key, value.key_lines[key]).fail(
                _("unknown key (expected one of: %(keys)s)")
                % {"keys": ", ".join((*required, *optional))}
            )
    for key in required:
        if key not in value:
            spot.fail(_("missing key %(key)s") % {"key": key})
    return {key: (entry, spot.key(key, value.key_lines[key])) for key, entry in value.items()}


def read_list(value, spot):
    """The items of a list as [(value, spot)]."""
    if not isinstance(value, LineList):
        spot.fail(_("expected a list"))
    return [
        (entry, spot.index(index, line))
        for index, (entry, line) in enumerate(zip(value, value.item_lines, strict=True))
    ]


def read_string(value, spot):
    if not isinstance(value, str) or not value.strip():
        spot.fail(_("expected text"))
    return value


def read_text(value, spot):
    """A translated text {kk, ru} with an optional en, as {language: text}."""
    entries = read_keys(value, spot, REQUIRED_LANGUAGES, ("en",))
    return {language: read_string(*entries[language]) for language in entries}


def read_text_in(value, spot, language):
    """A text written in `language` and perhaps translated, as {language: text}: Kazakh and
    Russian left out are "" (a paper in one language has no other title), English left out is
    left out (the portal keeps what it holds)."""
    entries = read_keys(value, spot, (language,), [code for code in LANGUAGES if code != language])
    return NO_TEXT | {code: read_string(*entries[code]) for code in entries}


def read_slug(value, spot):
    try:
        validate_slug(read_string(value, spot))
    except ValidationError as error:
        spot.fail(" ".join(error.messages))
    return value


def read_choice(value, spot, choices):
    if isinstance(value, str) and value in choices:
        return value
    return spot.fail(_("expected one of: %(choices)s") % {"choices": ", ".join(choices)})


def read_bool(value, spot):
    if not isinstance(value, bool):
        spot.fail(_("expected true or false"))
    return value


def read_date(value, spot):
    """YAML reads 2025-05-23 as a date; the same in quotes is accepted too."""
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            value = datetime.date.fromisoformat(value)
    if type(value) is not datetime.date:
        spot.fail(_("expected a date as YYYY-MM-DD"))
    try:
        validate_in_range(value)  # as the model would, but named at the date's own line
    except ValidationError as error:
        spot.fail(" ".join(error.messages))
    return value


def read_time(value, spot):
    if isinstance(value, str) and (match := TIME.fullmatch(value)):
        return datetime.time(int(match[1]), int(match[2]))
    return spot.fail(_('expected a time as "HH:MM" in quotes, e.g. "09:30"'))


def translated(field_name, texts):
    """Columns of a translated field for the languages given: {'theme_kk': …, 'theme_ru': …}."""
    return {f"{field_name}_{language}": text for language, text in texts.items()}


def read_number(value, spot):
    if type(value) is not int:
        spot.fail(_("expected a whole number"))
    return value


def describe(error):
    """A ValidationError as one line: 'field: message; …'."""
    if not hasattr(error, "error_dict"):
        return " ".join(error.messages)
    return "; ".join(
        message if name == NON_FIELD_ERRORS else f"{name}: {message}"
        for name, messages in error.message_dict.items()
        for message in messages
    )
