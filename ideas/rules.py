"""Who may do what with ideas: role x context x phase. Permissions are decided here only."""

import rules

from civitas.participation.predicates import (
    is_administrator,
    is_any_moderator,
    is_author,
    is_editor,
    is_moderator_here,
    is_participant,
    is_taskforce,
    phase_allows,
    process_is_public,
)


@rules.predicate
def is_live_idea(user, idea) -> bool:
    """Not hidden and not withdrawn (a challenge passed in place of an idea also counts)."""
    return getattr(idea, "hidden_at", None) is None and getattr(idea, "withdrawn_at", None) is None


# Object: the IdeaChallengePage.
rules.add_perm("ideas.add_idea", is_participant & process_is_public & phase_allows("submit"))
# Object: the Idea.
rules.add_perm(
    "ideas.change_idea",
    is_participant & is_author & is_live_idea & process_is_public & phase_allows("edit"),
)
rules.add_perm(
    "ideas.withdraw_idea",
    is_participant & is_author & is_live_idea & process_is_public & phase_allows("edit"),
)
rules.add_perm("ideas.set_status", is_administrator | is_taskforce | is_moderator_here)
# Hide, edit for privacy, merge, lock comments. Object: the Idea.
rules.add_perm("ideas.moderate_idea", is_administrator | is_moderator_here)
# The staff export. Object: none, or the IdeaChallengePage.
rules.add_perm("ideas.export_ideas", is_administrator | is_taskforce | is_moderator_here)
# The staff list of ideas in the Wagtail admin, for whoever moderates ideas or sets their
# status. Object: none. Each person sees there only the ideas they may moderate or set the
# status of (admin_views.staff_ideas follows ideas.moderate_idea and ideas.set_status).
rules.add_perm("ideas.list_ideas_admin", is_administrator | is_taskforce | is_any_moderator)
# Managing the list of statuses (labels, descriptions, order, meaning) in the Wagtail admin.
rules.add_perm("ideas.manage_statuses", is_administrator | is_editor)
