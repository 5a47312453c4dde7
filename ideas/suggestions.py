"""Similar ideas: what the idea form suggests while people write and what the check step lists.

One search for both, the app's own database search (ideas.search: FTS5 on SQLite, the GIN
index on PostgreSQL), so suggesting stays fast however many ideas a challenge has.
"""

from django import forms
from django.http import Http404, HttpResponseBadRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_ratelimit.core import is_ratelimited

from civitas.core.search import plain_words
from civitas.core.views import rate_limited

from . import search
from .models import IdeaChallengePage
from .selectors import listed_ideas

# At most this many ideas are suggested.
SUGGESTION_LIMIT = 5
# Lookups per person (or address) and minute: a debounced form asks about once per word typed.
SUGGESTION_RATE = "60/m"
# Words that say nothing about what an idea is about, in the site's languages. Matching on
# them (as prefixes, any of them) would suggest nearly every idea.
STOP_WORDS_TEXT = """
    a an and are as at be by for from has have in into is it its of on or our that the their
    there this to was we were will with more new less make need needs should please
    al como con de del el en es la las los lo mas más para por que se sin su sus un una unos
    une au aux avec ce ces dans des du et il ils le les leur mais nos notre ou où par pas plus
    pour qui sa ses son sur une
    في من على إلى الى عن مع هذا هذه ذلك التي الذي او أو ان أن لا ما
"""
STOP_WORDS = frozenset(STOP_WORDS_TEXT.split())
# Shorter words match too many others as prefixes.
MIN_WORD_LENGTH = 3


def telling_words(text: str) -> list[str]:
    """The words of `text` that say what it is about (no stop words or very short words)."""
    words = plain_words((text or "").lower())
    kept = []
    for word in words:
        if len(word) >= MIN_WORD_LENGTH and word not in STOP_WORDS and word not in kept:
            kept.append(word)
    return kept[: search.MAX_WORDS]


def similar_ideas(challenge, text: str, *, exclude=None, limit: int = SUGGESTION_LIMIT) -> list:
    """Up to `limit` listed ideas of `challenge` (public: not hidden, withdrawn or merged) whose
    title or description share words with `text`: those with every word first, then those
    with any, the most supported first. At most two queries; none for a text without words."""
    words = " ".join(telling_words(text))
    if not words:
        return []
    ideas = listed_ideas(challenge)
    if exclude is not None:
        ideas = ideas.exclude(pk=exclude)
    order = ("-support_count", "-created_at", "-pk")
    found = list(search.matching(ideas, words).order_by(*order)[:limit])
    if len(found) < limit and len(words.split()) > 1:
        seen = [idea.pk for idea in found]
        others = search.matching(ideas, words, every_word=False).exclude(pk__in=seen)
        found += list(others.order_by(*order)[: limit - len(found)])
    return found


class SimilarQueryForm(forms.Form):
    """What the idea form sends while people type."""

    challenge = forms.IntegerField(min_value=1)
    title = forms.CharField(max_length=150)
    # Only its first words count; longer texts are refused rather than cut silently.
    body = forms.CharField(max_length=1000, required=False)


@require_GET
def similar_ideas_view(request):
    """An HTML fragment suggesting up to five similar public ideas of a public challenge:
    400 for bad input, 404 for a challenge that is not public, 429 when asked too often."""
    if is_ratelimited(
        request,
        group="ideas.similar",
        key="user_or_ip",
        rate=SUGGESTION_RATE,
        method="GET",
        increment=True,
    ):
        return rate_limited(request)
    form = SimilarQueryForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Give a challenge number and a title."))
    challenge = IdeaChallengePage.objects.live().filter(pk=form.cleaned_data["challenge"]).first()
    if challenge is None or challenge.get_view_restrictions().exists():
        raise Http404
    text = f"{form.cleaned_data['title']} {form.cleaned_data['body']}"
    response = TemplateResponse(
        request,
        "ideas/includes/similar_suggestions.html",
        {"similar": similar_ideas(challenge, text), "base_url": challenge.get_url(request)},
    )
    # The answer depends on ideas that change all the time; shared caches must not keep it.
    response["Cache-Control"] = "private, max-age=0, no-store"
    return response
