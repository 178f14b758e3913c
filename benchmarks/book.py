"""Build synthetic proceedings books of ~130 and ~380 pages: cold, warm, after one edit.

    DATABASE_URL=postgres://… .venv/bin/python benchmarks/book.py [--sizes 20,60]

It creates a throwaway test database (Django's test database utilities: "test_" + the name in
DATABASE_URL), fills it with synthetic papers (Kazakh and Russian text, footnotes, a table) and
an empty book cache in a temporary directory, and drops both at the end. Each case runs in a
forked process of its own, so that the peak memory it reports is that case's alone:

    cold   empty cache: every part is typeset
    warm   nothing changed: every part comes from the cache
    edit   one paper's text changed (a new version): that paper is typeset again

Peak memory is resource.getrusage's ru_maxrss (resident set size, MiB): "parent" is the process
that runs the build, "workers" the largest of its typesetting worker processes.
"""

import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ["BOOK_CACHE_DIR"] = tempfile.mkdtemp(prefix="book-benchmark-")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, connections  # noqa: E402

KAZAKH = (
    "Қоғамдық қауіпсіздікті қамтамасыз ету мемлекет пен азаматтық қоғам институттарының "
    "өзара іс-қимылына негізделеді. Ішкі істер органдары қоғамдық кеңестермен, үкіметтік емес "
    "ұйымдармен және волонтерлік бірлестіктермен ынтымақтастықты дамытып, құқық бұзушылықтардың "
    "профилактикасына азаматтарды кеңінен тартады. "
)
RUSSIAN = (
    "Обеспечение общественной безопасности основывается на взаимодействии государства и "
    "институтов гражданского общества. Органы внутренних дел развивают сотрудничество с "
    "общественными советами, неправительственными организациями и волонтерскими объединениями, "
    "широко привлекая граждан к профилактике правонарушений. "
)
TABLE = (
    "<table><tr><th>Нысан</th><th>Құқықтық негізі</th><th>Саны</th></tr>"
    "<tr><td>Қоғамдық кеңестер</td><td>Заң, 2015</td><td>214</td></tr>"
    "<tr><td>Волонтерлер</td><td>Заң, 2016</td><td>1 380</td></tr></table>"
)


def body(language, edit=0):
    text = KAZAKH if language == "kk" else RUSSIAN
    parts = ["<h3>Кіріспе</h3>" if language == "kk" else "<h3>Введение</h3>"]
    for number in range(22):
        note = '<span class="footnote">Ескерту.</span>' if number in (3, 11) else ""
        parts.append(f"<p>{text * 2}{note}</p>")
        if number == 9:
            parts.append(TABLE)
    parts.append(f"<p>{'Түзету. ' * edit}</p>")
    return "".join(parts)


def make_book(papers):
    from tests.factories import (
        AuthorFactory,
        PaperFactory,
        ProceedingsFactory,
        SectionFactory,
        add_version,
    )

    proceedings = ProceedingsFactory()
    event = proceedings.event
    sections = [SectionFactory(event=event, position=n) for n in range(1, 5)]
    for number in range(papers):
        language = "kk" if number % 2 else "ru"
        paper = PaperFactory(
            event=event,
            language=language,
            section=sections[number % len(sections)],
            position=number,
            status="accepted",
        )
        AuthorFactory(paper=paper)
        add_version(paper, b"PK", kind="docx", name="paper.docx")
        paper.current_version.__class__.objects.filter(pk=paper.current_version.pk).update(
            html=body(language)
        )
    return proceedings


def edit_one(proceedings):
    from proceedings.models import Paper, PaperVersion
    from tests.factories import add_version

    paper = Paper.objects.filter(event=proceedings.event).order_by("pk")[3]
    add_version(paper, f"PK{time.time()}".encode(), kind="docx", name="paper.docx")
    PaperVersion.objects.filter(pk=paper.current_version.pk).update(
        html=body(paper.language, edit=1)
    )


def run_case(proceedings_pk, before=None):
    """Fork, optionally change the data, build; returns (seconds, pages, typeset, MiB, MiB)."""
    connections.close_all()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        from proceedings import book
        from proceedings.models import Proceedings

        proceedings = Proceedings.objects.get(pk=proceedings_pk)
        if before:
            before(proceedings)
        start = time.perf_counter()
        result = book.build(proceedings)
        seconds = time.perf_counter() - start
        parent = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        line = f"{seconds} {result.page_count} {result.papers_typeset} {parent} {workers}"
        os.write(write, line.encode())
        connections.close_all()
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        output = pipe.read()
    os.waitpid(pid, 0)
    seconds, pages, typeset, parent, workers = output.split()
    return float(seconds), int(pages), int(typeset), float(parent), float(workers)


def main():
    sizes = [20, 60]
    if "--sizes" in sys.argv:
        sizes = [int(n) for n in sys.argv[sys.argv.index("--sizes") + 1].split(",")]
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    rows = []
    try:
        for papers in sizes:
            proceedings = make_book(papers)
            for case, before in (("cold", None), ("warm", None), ("edit", edit_one)):
                rows.append((papers, case, *run_case(proceedings.pk, before)))
                print(".", end="", flush=True, file=sys.stderr)
    finally:
        connections.close_all()
        connection.creation.destroy_test_db(old_name, verbosity=0)
        shutil.rmtree(os.environ["BOOK_CACHE_DIR"], ignore_errors=True)
        shutil.rmtree(settings.STORAGES["papers"]["OPTIONS"]["location"], ignore_errors=True)
    print(file=sys.stderr)
    print(f"cores: {os.cpu_count()}")
    header = ("papers", "case", "pages", "typeset", "seconds", "parent MiB", "workers MiB")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for papers, case, seconds, pages, typeset, parent, workers in rows:
        print(
            f"| {papers} | {case} | {pages} | {typeset} | {seconds:.2f} | {parent:.0f} "
            f"| {workers:.0f} |"
        )


if __name__ == "__main__":
    main()
