"""Kazakh hyphenation for the typesetter.

WeasyPrint hyphenates through pyphen by each element's `lang`, and pyphen has no Kazakh
dictionary: `lang="kk"` text silently stays unhyphenated, which leaves justified Kazakh lines,
rich in long agglutinated words, full of gaps. `typesetting/patterns/hyph_kk.dic` holds our own
Liang patterns for Kazakh syllables (see its header); `register` adds them to pyphen's table of
languages, which WeasyPrint consults, once at start-up (ProceedingsConfig.ready).
"""

from pathlib import Path

import pyphen

KAZAKH_PATTERNS = Path(__file__).parent / "patterns" / "hyph_kk.dic"


def register():
    """Make `kk` (and `kk-KZ`) hyphenate with our patterns; built-in languages are untouched."""
    for name in ("kk", "kk_KZ"):
        pyphen.LANGUAGES[name] = KAZAKH_PATTERNS
        pyphen.LANGUAGES_LOWERCASE[name.lower()] = name
