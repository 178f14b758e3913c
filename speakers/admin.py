from django.contrib import admin
from modeltranslation.admin import TabbedTranslationAdmin

from speakers.models import AcademicTitle, Degree, Person, Rank


@admin.register(Person)
class PersonAdmin(TabbedTranslationAdmin):
    list_display = ["full_name", "position_line", "degree", "rank"]
    list_filter = ["degree", "academic_title", "rank"]
    search_fields = [
        "slug",
        "surname_kk",
        "surname_ru",
        "surname_en",
        "given_name_kk",
        "given_name_ru",
        "email",
    ]
    list_select_related = ["degree", "academic_title", "rank"]
    fieldsets = [
        (None, {"fields": ["slug", "surname", "given_name", "patronymic", "email", "user"]}),
        (
            None,
            {
                "fields": [
                    "position",
                    "organisation",
                    "degree",
                    "academic_title",
                    "rank",
                    "printed_position",
                ]
            },
        ),
    ]


@admin.register(Degree)
class DegreeAdmin(TabbedTranslationAdmin):
    list_display = ["name", "abbreviation"]
    search_fields = ["name_kk", "name_ru", "abbreviation_kk", "abbreviation_ru"]


@admin.register(AcademicTitle, Rank)
class TermAdmin(TabbedTranslationAdmin):
    search_fields = ["name_kk", "name_ru", "name_en"]
