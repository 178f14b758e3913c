"""The round tables' pages in the sitemap, in every language with their alternates."""

from portal.sitemaps import SiteSitemap
from roundtable.models import RoundTable


class RoundTableSitemap(SiteSitemap):
    i18n = True
    alternates = True
    x_default = True

    def items(self):
        return RoundTable.objects.published().order_by("-date", "slug")

    def lastmod(self, event):
        return event.data_changed_at
