"""Links to papers in the templates of apps that may not import proceedings (the programme, a
speaker's page): `{% papers_in_book event as papers %}`, then `papers|of_talk:item` and
`papers|by_author:person` (proceedings/paper_links.py)."""

from django import template

from proceedings.paper_links import PapersInBook

register = template.Library()


@register.simple_tag(takes_context=True)
def papers_in_book(context, event):
    return PapersInBook(event, context["request"].user)


@register.filter
def of_talk(papers, item):
    return papers.of_talk(item)


@register.filter
def by_author(papers, person):
    return papers.by(person)
