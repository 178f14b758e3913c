"""Base classes of the organisers' admin that every app's desk shares."""

from functools import cache

import django
from adminsortable2.admin import SortableAdminBase
from django import forms
from django.contrib import admin
from django.contrib.staticfiles import finders
from modeltranslation.admin import TabbedTranslationAdmin

# adminsortable2 swaps Django's admin/js/actions.js for a patched copy named after Django's version.
PATCHED_ACTIONS = "adminsortable2/js/actions-{}.{}.js".format(*django.VERSION[:2])


@cache
def is_static_file(path):
    return finders.find(path) is not None


class SortableTabbedAdmin(SortableAdminBase, TabbedTranslationAdmin):
    """Drag-and-drop inlines (adminsortable2) with language tabs (modeltranslation).

    adminsortable2 2.3.1 ships no patched actions.js for Django 6.1: the missing script would be
    a broken link here and, with the manifest storage of production, an error on every page.
    Django's own script is kept then (the patch concerns sortable change lists, which these admins
    are not). Careful: an AttributeError raised in here is swallowed by Django's media machinery
    and silently leaves the page without any of these scripts.
    """

    @property
    def media(self):
        media = super().media
        if is_static_file(PATCHED_ACTIONS):
            return media
        js = ["admin/js/actions.js" if asset == PATCHED_ACTIONS else asset for asset in media._js]
        return forms.Media(css=media._css, js=js)

    def get_inline_formsets(self, request, formsets, inline_instances, obj=None):
        """Read-only rows are not offered for dragging."""
        inline_admin_formsets = super().get_inline_formsets(
            request, formsets, inline_instances, obj
        )
        for inline_admin_formset in inline_admin_formsets:
            if not inline_admin_formset.has_change_permission:
                inline_admin_formset.classes = " ".join(
                    name
                    for name in inline_admin_formset.classes.split()
                    if name not in {"sortable", "reversed"}
                )
        return inline_admin_formsets


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by the drafting rules, never by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    """Rows of an inline written by the domain's rules, never by hand."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
