"""Certificates of participation for 500 participants, typeset and kept, timed.

    DATABASE_URL=postgres://… .venv/bin/python benchmarks/certificates.py [--participants 500]

It creates a throwaway test database ("test_" + the name in DATABASE_URL), fills it with a round
table, its certificate template (a logo, two signatories with their signatures) and --participants
people who attended it (factories; every tenth also gets the English page), and drops it at the
end, with the scratch storage the PDFs went to. Then it issues their certificates as the admin's
"Issue and send certificates" does, typesets them all (participants/certificates.py: forked
processes over every core, the stylesheet parsed and the fonts loaded once) and stores each PDF.

It prints the wall time, the CPU time of this process and of the typesetting processes, the peak
memory (maxrss) of each, the time per certificate and its ratio to the issue's target (500 in
under 60 s on 2 cores). It asserts nothing: the figures are this machine's, in this run.
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
# tests.settings puts the certificates' storage under this scratch directory.
os.environ["ROUNDTABLE_TEST_PAPERS_0"] = tempfile.mkdtemp(prefix="certificates-benchmark-")

import django

django.setup()

from django.db import connection, connections  # noqa: E402

TARGET_SECONDS = 60
TARGET_PARTICIPANTS = 500


def make_event(participants):
    from tests.factories import (
        AttendanceFactory,
        PersonFactory,
        RoundTableFactory,
        certificate_ready,
    )

    event = RoundTableFactory()
    certificate_ready(event, signatories=2)
    for number in range(participants):
        person = PersonFactory(
            email=f"p{number}@example.kz", language="en" if number % 10 == 0 else "kk"
        )
        AttendanceFactory(event=event, person=person)
    return event


def cpu_of(usage):
    return usage.ru_utime + usage.ru_stime


def main():
    from participants import certificates
    from participants.models import Certificate

    participants = (
        int(sys.argv[sys.argv.index("--participants") + 1])
        if "--participants" in sys.argv
        else TARGET_PARTICIPANTS
    )
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        event = make_event(participants)
        children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu_before = time.process_time()
        started = time.perf_counter()

        issued = certificates.issue_all(event)
        issued_at = time.perf_counter()
        chosen = list(certificates.for_typesetting().filter(event=event).order_by("serial"))
        pdfs = certificates.typeset(chosen)
        typeset_at = time.perf_counter()
        for certificate, pdf in zip(chosen, pdfs, strict=True):
            certificates.store(certificate, pdf)
        wall = time.perf_counter() - started

        own_cpu = time.process_time() - cpu_before
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        children_cpu = cpu_of(children) - cpu_of(children_before)
        own_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        children_peak = children.ru_maxrss / 1024
        pages = sum(len(c.languages) for c in chosen)
        sizes = sorted(len(pdf) for pdf in pdfs)
        assert len(issued) == participants == Certificate.objects.exclude(pdf="").count()
    finally:
        connections.close_all()
        connection.creation.destroy_test_db(old_name, verbosity=0)
        shutil.rmtree(os.environ["ROUNDTABLE_TEST_PAPERS_0"], ignore_errors=True)

    per_certificate = 1000 * wall / participants
    projected = wall * TARGET_PARTICIPANTS / participants
    print(
        f"cores: {os.cpu_count()}; {participants} certificates, {pages} pages; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print("| figure | value |")
    print("|---|---|")
    print(f"| wall time | {wall:.1f} s |")
    print(f"| of which issuing (numbers, one transaction) | {issued_at - started:.2f} s |")
    print(f"| of which typesetting | {typeset_at - issued_at:.1f} s |")
    print(f"| of which storing the PDFs | {started + wall - typeset_at:.2f} s |")
    print(f"| CPU, this process | {own_cpu:.1f} s |")
    print(f"| CPU, typesetting processes | {children_cpu:.1f} s |")
    print(f"| peak memory, this process (maxrss) | {own_peak:.0f} MiB |")
    print(f"| peak memory, largest typesetting process (maxrss) | {children_peak:.0f} MiB |")
    print(f"| per certificate | {per_certificate:.0f} ms |")
    print(f"| PDF sizes | {sizes[0]:,}–{sizes[-1]:,} bytes |")
    print(
        f"| against the target ({TARGET_PARTICIPANTS} in {TARGET_SECONDS} s) | "
        f"{projected / TARGET_SECONDS:.2f} × ({projected:.1f} s for {TARGET_PARTICIPANTS}) |"
    )


if __name__ == "__main__":
    main()
