from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from proceedings import builds
from proceedings.models import BookBuild, Proceedings
from roundtable.models import RoundTable


class Command(BaseCommand):
    help = (
        "Build the proceedings book of a round table here and now (not through the task queue) "
        "and store it as the admin's button does: the PDF, the page ranges, the build history."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The round table's slug, e.g. public-safety-2025.")
        parser.add_argument(
            "--output", type=Path, help="Also write the PDF to this file, e.g. book.pdf."
        )
        parser.add_argument(
            "--variant",
            choices=BookBuild.Variant.values,
            default=BookBuild.Variant.SCREEN,
            help="What the book is for: screen (the site's, the default), print (for the "
            "printing house: bleed, crop marks, a back cover with the ISBN barcode) or archive.",
        )
        parser.add_argument(
            "--unless-built",
            action="store_true",
            help="Do nothing when the book has been built before in this variant (make demo "
            "uses it).",
        )

    def handle(self, *args, slug, output, variant, unless_built, **options):
        proceedings = self.proceedings_of(slug)
        if unless_built and proceedings.builds.succeeded().filter(variant=variant).exists():
            return
        try:
            build = builds.build_now(proceedings, variant=variant)
        except builds.AlreadyBuilding as error:
            raise CommandError(str(error)) from error
        if build.status != BookBuild.Status.SUCCEEDED:
            raise CommandError(_("The book was not built: %(error)s") % {"error": build.error})
        if output:
            with build.pdf.open("rb") as pdf:
                output.write_bytes(pdf.read())
        if not options["verbosity"]:
            return
        self.stdout.write(
            _(
                "Built the proceedings of %(slug)s: %(pages)s pages in %(seconds).1f s "
                "(%(typeset)s papers typeset, %(papers)s in the book)."
            )
            % {
                "slug": slug,
                "pages": build.page_count,
                "seconds": build.duration.total_seconds(),
                "typeset": build.papers_typeset,
                "papers": build.entries.count(),
            }
        )
        if output:
            self.stdout.write(_("Written to %(path)s.") % {"path": output})

    def proceedings_of(self, slug):
        proceedings = Proceedings.objects.select_related("event").filter(event__slug=slug).first()
        if proceedings is not None:
            return proceedings
        if RoundTable.objects.filter(slug=slug).exists():
            raise CommandError(
                _(
                    "The round table %(slug)s has no proceedings yet: add them in the admin "
                    "(Proceedings) first."
                )
                % {"slug": slug}
            )
        raise CommandError(_("There is no round table %(slug)s.") % {"slug": slug})
