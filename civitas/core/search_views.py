"""The site search page; works on SQLite and PostgreSQL through Wagtail's database backend."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _
from wagtail.models import Page
from wagtail.search.backends import get_search_backend

from .search import plain_words, searchable_contributions

MAX_QUERY_LENGTH = 200


def search(request):
    query = request.GET.get("q", "").strip()
    error = ""
    page_results = []
    contribution_results = []
    if len(query) > MAX_QUERY_LENGTH:
        error = _("Please use fewer words (at most %(n)s characters).") % {"n": MAX_QUERY_LENGTH}
        query = ""
    # Only the words are searched: typed quotes or operators would be search syntax.
    terms = " ".join(plain_words(query))
    if terms:
        page_results = list(Page.objects.live().public().specific().search(terms)[:50])
        for _model, public_queryset in searchable_contributions:
            for obj in get_search_backend().search(terms, public_queryset())[:20]:
                contribution_results.append(obj)
    paginator = Paginator(page_results, 20)
    try:
        pages = paginator.page(request.GET.get("page", 1))
    except (PageNotAnInteger, EmptyPage):
        pages = paginator.page(1)
    status = 400 if error else 200
    return render(
        request,
        "civitas/search.html",
        {
            "title": _("Search"),
            "query": query,
            "results": pages,
            "contribution_results": contribution_results,
            "error": error,
        },
        status=status,
    )
