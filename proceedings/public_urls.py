"""/<lang>/<slug>/proceedings/…: a round table's published book, and /<lang>/<slug>/call/…: its
open call for papers (config/urls.py mounts them).

A paper's card and files are addressed by the paper's id, which no rebuild changes.
"""

from django.urls import path

from proceedings import call_views, public_views

urlpatterns = [
    path("proceedings/", public_views.contents, name="proceedings"),
    path("proceedings/book.pdf", public_views.book_pdf, name="proceedings_pdf"),
    path("proceedings/<int:pk>/", public_views.card, name="article"),
    path("proceedings/<int:pk>/paper.pdf", public_views.article_pdf, name="article_pdf"),
    path("proceedings/<int:pk>/cite.bib", public_views.article_bibtex, name="article_bibtex"),
    path("proceedings/<int:pk>/cite.ris", public_views.article_ris, name="article_ris"),
    path("proceedings/<int:pk>/cite.json", public_views.article_csl_json, name="article_csl_json"),
    path("call/", call_views.call_page, name="call"),
    path("call/template", call_views.call_template, name="call_template"),
    path("call/apply/", call_views.apply, name="call_apply"),
    path("call/applied/", call_views.applied, name="call_applied"),
    path("call/confirm/<str:token>/", call_views.confirm, name="call_confirm"),
]
