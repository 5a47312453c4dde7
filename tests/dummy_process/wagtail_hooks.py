from wagtail import hooks


@hooks.register("register_log_actions")
def register_dummy_log_actions(actions):
    actions.register_action("dummy_process.note.submitted", "Submit note", "Note submitted")
