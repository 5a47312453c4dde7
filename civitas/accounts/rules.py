"""Permissions of accounts: who manages roles, what a person may do with their own account.

Contribution rules elsewhere combine ``has_accepted_current_terms`` with ``is_verified``:
nobody contributes before consenting to the terms in force.
"""

import rules

from civitas.participation.predicates import is_administrator, is_participant

from .predicates import has_accepted_current_terms, is_account_owner

__all__ = ["has_accepted_current_terms", "is_account_owner", "is_participant"]

rules.add_perm("accounts.assign_role", is_administrator)
rules.add_perm("accounts.view_role_assignments", is_administrator)
rules.add_perm("accounts.edit_profile", is_account_owner)
rules.add_perm("accounts.export_data", is_account_owner)
rules.add_perm("accounts.delete_account", is_account_owner)
