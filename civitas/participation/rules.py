"""Kernel permissions: who may moderate, who reaches staff screens."""

import rules

from .predicates import is_administrator, is_any_moderator, is_editor, is_staff_member, is_taskforce

rules.add_perm("participation.access_staff_area", is_staff_member)
rules.add_perm("participation.moderate", is_any_moderator | is_administrator)
rules.add_perm("participation.manage_taxonomy", is_editor | is_taskforce | is_administrator)
