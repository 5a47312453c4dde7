from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from civitas.home.sections import HomeSection

LOG_ACTIONS = (
    ("budgeting.proposal.submitted", _("Submit proposal"), _("Proposal submitted")),
    ("budgeting.proposal.edited", _("Edit proposal"), _("Proposal edited")),
    ("budgeting.proposal.reviewed", _("Review proposal"), _("Proposal reviewed")),
    ("budgeting.proposal.merged", _("Merge proposal"), _("Proposal merged")),
    ("budgeting.codes.generated", _("Generate voting codes"), _("Voting codes generated")),
    ("budgeting.residents.uploaded", _("Upload residents"), _("Eligible residents uploaded")),
    ("budgeting.voter.checked", _("Check voter in person"), _("Voter checked in person")),
    ("budgeting.paper.roll_marked", _("Mark voter roll"), _("Paper voter marked on the roll")),
    ("budgeting.paper.entered", _("Enter paper ballot"), _("Paper ballot entered")),
    ("budgeting.round.imported", _("Import round"), _("Round imported from pabulib")),
    ("budgeting.voting.closed", _("Close voting"), _("Voting closed")),
    ("budgeting.tally.requested", _("Count ballots"), _("Count requested")),
    ("budgeting.result.published", _("Publish result"), _("Result published")),
    ("budgeting.implementation.updated", _("Update implementation"), _("Implementation updated")),
)


@hooks.register("register_log_actions")
def register_budgeting_log_actions(actions):
    for action, label, message in LOG_ACTIONS:
        actions.register_action(action, label, message)


@hooks.register("civitas_home_section")
def funded_projects_section():
    from .selectors import funded_projects

    return HomeSection(
        "funded_projects",
        template="budgeting/home_section.html",
        get_context=lambda request: funded_projects(limit=4),
    )
