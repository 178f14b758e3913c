"""/<lang>/<slug>/proceedings/…: a round table's published book (config/urls.py mounts them).

A paper's card and files are addressed by the paper's id, which no rebuild changes.
"""

from django.urls import path

from proceedings import public_views

urlpatterns = [
    path("proceedings/", public_views.contents, name="proceedings"),
    path("proceedings/book.pdf", public_views.book_pdf, name="proceedings_pdf"),
    path("proceedings/<int:pk>/", public_views.card, name="article"),
    path("proceedings/<int:pk>/paper.pdf", public_views.article_pdf, name="article_pdf"),
    path("proceedings/<int:pk>/cite.bib", public_views.article_bibtex, name="article_bibtex"),
    path("proceedings/<int:pk>/cite.ris", public_views.article_ris, name="article_ris"),
    path("proceedings/<int:pk>/cite.json", public_views.article_csl_json, name="article_csl_json"),
]
