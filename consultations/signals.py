"""Domain events of consultations, sent by its services after their transaction commits.

Receivers (feedback_loop, notifications) get plain model instances and must not import this
app's other modules: the arguments below are the whole contract.
"""

from civitas.core.domain_events import DomainEvent

response_submitted = DomainEvent(
    "consultations.response_submitted",
    "A survey response was submitted (first time or edited again before close), from any "
    "channel. Arguments: response (Response: survey, channel, entered_by, answers by question "
    "key), first (bool: False when a submitted response was changed).",
    ("response", "first"),
)
free_text_answered = DomainEvent(
    "consultations.free_text_answered",
    "A submitted response contains a free-text answer (text question or an “other” text). "
    "Arguments: response (Response), question_key (str), question_text (str), text (str).",
    ("response", "question_key", "question_text", "text"),
)
answer_themes_changed = DomainEvent(
    "consultations.answer_themes_changed",
    "A moderator changed the themes of a free-text answer (tagged it, tagged it otherwise or "
    "took its themes off). Sent once per change, not when the themes stay the same. "
    "Arguments: answer (Answer: response, question with its key and text, text), themes "
    "(list of Theme the answer has now, by name; empty when none is left), by (the moderator).",
    ("answer", "themes", "by"),
)
paragraph_comment_added = DomainEvent(
    "consultations.paragraph_comment_added",
    "Someone commented on a paragraph of a draft document. Arguments: comment "
    "(ParagraphComment: body, author, paragraph.version.number, process).",
    ("comment",),
)
argument_added = DomainEvent(
    "consultations.argument_added",
    "Someone added an argument for or against in a debate. Arguments: argument (Argument: "
    'side "for"/"against", body, author, process).',
    ("argument",),
)
poll_voted = DomainEvent(
    "consultations.poll_voted",
    "Someone voted in a quick poll. Arguments: vote (PollVote: poll, choice key).",
    ("vote",),
)
