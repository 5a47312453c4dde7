"""Template helpers of the budgeting pages: lookups and the plain-language result steps."""

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django import template
from django.utils.formats import get_format
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def thousands_separator() -> str:
    """The active language's thousands separator, as `intcomma` writes it (for the ballot's
    running total, which scripts rewrite in the same form); empty where numbers are not grouped."""
    return get_format("THOUSAND_SEPARATOR") if get_format("NUMBER_GROUPING") else ""


@register.filter
def get_item(mapping, key):
    """mapping[key] in templates, or None."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def mul(value, factor):
    return int(value) * int(factor)


@register.filter
def fraction(value) -> str:
    """An exact amount ("1234/7", 12.5, 3) shown with two decimals."""
    try:
        number = Fraction(str(value))
    except (ValueError, ZeroDivisionError):
        return str(value)
    exact = Decimal(number.numerator) / Decimal(number.denominator)
    return str(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


@register.simple_tag
def explain_step(step: dict, title, currency: str) -> str:
    """One sentence a resident can follow for one step of the count (the engine's step dicts:
    kind, reason, votes, cost, and per rule round, price, lacked, money_left, budget_left)."""
    values = {
        "title": title,
        "votes": step.get("votes", "?"),
        "cost": step.get("cost", "?"),
        "currency": currency,
        "round": step.get("round", ""),
        "price": fraction(step.get("price", "")),
        "lacked": fraction(step.get("lacked", "")),
        "money_left": fraction(step.get("money_left", "")),
        "budget_left": fraction(step.get("budget_left", "")),
    }
    kind, reason, stage = step.get("kind"), step.get("reason"), step.get("stage")
    if kind == "funded":
        if reason == "free":
            return _("“%(title)s” costs nothing and was funded.") % values
        if stage == "mes" and step.get("price") not in (None, ""):
            return (
                _(
                    "Round %(round)s: “%(title)s” (%(votes)s votes, cost %(cost)s "
                    "%(currency)s) was funded. Its supporters shared the cost; none paid "
                    "more than %(price)s %(currency)s."
                )
                % values
            )
        if stage == "completion":
            return (
                _(
                    "“%(title)s” (%(votes)s votes, cost %(cost)s %(currency)s) was funded from the "
                    "money left over after equal shares; %(budget_left)s %(currency)s remained."
                )
                % values
            )
        return (
            _(
                "“%(title)s” (%(votes)s votes, cost %(cost)s %(currency)s) was funded; "
                "%(budget_left)s %(currency)s remained."
            )
            % values
        )
    if reason == "unsupported":
        return _("“%(title)s” was not funded: nobody voted for it.") % values
    if reason == "threshold":
        return (
            _(
                "“%(title)s” was not funded: it had %(votes)s votes, %(lacked)s short of the "
                "minimum needed."
            )
            % values
        )
    if reason == "stopped":
        return (
            _(
                "“%(title)s” (%(votes)s votes) was not funded: counting stops at the first project "
                "that does not fit the money left."
            )
            % values
        )
    if reason == "budget":
        return (
            _(
                "“%(title)s” (%(votes)s votes) was skipped: it costs %(cost)s %(currency)s, "
                "%(lacked)s %(currency)s more than was left."
            )
            % values
        )
    if reason == "money":
        return (
            _(
                "“%(title)s” (%(votes)s votes) was not funded: it costs %(cost)s %(currency)s, but "
                "its supporters had only %(money_left)s %(currency)s left of their equal shares, "
                "%(lacked)s %(currency)s short."
            )
            % values
        )
    return _("“%(title)s” (%(votes)s votes) was not funded.") % values
