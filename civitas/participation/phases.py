"""The phase-type registry: each app declares what its phases allow, in AppConfig.ready()."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from civitas.core.registry import Registry

# Actions editors may switch on or off per phase (Decidim's step settings), with the label the
# admin shows. Other actions a type declares (staff work such as closing paper ballots) always
# follow the type.
SWITCHABLE_ACTIONS = {
    "submit": _("Submit new contributions"),
    "propose": _("Submit proposals"),
    "edit": _("Authors change their contributions"),
    "support": _("Support"),
    "comment": _("Comment"),
    "vote": _("Vote"),
    "respond": _("Answer surveys"),
    "argue": _("Add arguments for or against"),
}


@dataclass(frozen=True)
class PhaseType:
    """A kind of phase, e.g. "budgeting.vote": its label, the actions it allows by default and
    the `optional` ones an editor may switch on for one phase."""

    key: str
    label: str
    allows: frozenset[str] = field(default_factory=frozenset)
    description: str = ""
    optional: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self):
        if "." not in self.key:
            raise ValueError("A phase type key is '<app_label>.<name>', e.g. 'ideas.submit'")
        object.__setattr__(self, "allows", frozenset(self.allows))
        object.__setattr__(self, "optional", frozenset(self.optional))

    @property
    def app_label(self) -> str:
        return self.key.split(".", 1)[0]

    @property
    def switchable(self) -> frozenset[str]:
        """Actions of this type an editor may switch on or off for one phase."""
        return (self.allows | self.optional) & SWITCHABLE_ACTIONS.keys()

    def allowed_with(self, chosen) -> frozenset[str]:
        """What a phase of this type allows when an editor chose `chosen` (None: the defaults);
        chosen actions the type cannot allow are ignored, fixed actions always stay."""
        if chosen is None:
            return self.allows
        return (self.allows - self.switchable) | (frozenset(chosen) & self.switchable)


phase_types: Registry[PhaseType] = Registry("phase types")


def register_phase_type(phase_type: PhaseType) -> PhaseType:
    return phase_types.register(phase_type.key, phase_type)


def phase_type_choices(keys=None) -> list[tuple[str, str]]:
    """(key, label) pairs for a form, limited to `keys` when given."""
    return [(pt.key, str(pt.label)) for pt in phase_types if keys is None or pt.key in keys]


def action_label(action: str) -> str:
    return str(SWITCHABLE_ACTIONS.get(action, action))


def switchable_action_choices() -> list[tuple[str, str]]:
    """(action, label) pairs of every action some registered phase type lets editors switch."""
    offered = set().union(*(pt.switchable for pt in phase_types))
    return [(key, str(label)) for key, label in SWITCHABLE_ACTIONS.items() if key in offered]
