from modeltranslation.translator import TranslationOptions, register

from .models import BudgetRoundPage, Category, Proposal


@register(BudgetRoundPage)
class BudgetRoundPageTR(TranslationOptions):
    # Inherits the translated fields of ProcessPage (intro); concrete pages must be registered.
    fields = ()


@register(Category)
class CategoryTR(TranslationOptions):
    fields = ("name",)


@register(Proposal)
class ProposalTR(TranslationOptions):
    # The city's reason is given in every language; the proposal keeps its author's language.
    fields = ("public_reason",)
