import rules

from civitas.participation.predicates import is_participant, phase_allows, process_is_public

rules.add_perm(
    "dummy_process.submit_note", is_participant & process_is_public & phase_allows("submit")
)
