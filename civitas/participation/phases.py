"""The phase-type registry: each app declares what its phases allow, in AppConfig.ready()."""

from dataclasses import dataclass, field

from civitas.core.registry import Registry


@dataclass(frozen=True)
class PhaseType:
    """A kind of phase, e.g. "budgeting.vote": its label and the actions it allows."""

    key: str
    label: str
    allows: frozenset[str] = field(default_factory=frozenset)
    description: str = ""

    def __post_init__(self):
        if "." not in self.key:
            raise ValueError("A phase type key is '<app_label>.<name>', e.g. 'ideas.submit'")
        object.__setattr__(self, "allows", frozenset(self.allows))

    @property
    def app_label(self) -> str:
        return self.key.split(".", 1)[0]


phase_types: Registry[PhaseType] = Registry("phase types")


def register_phase_type(phase_type: PhaseType) -> PhaseType:
    return phase_types.register(phase_type.key, phase_type)


def phase_type_choices(keys=None) -> list[tuple[str, str]]:
    """(key, label) pairs for a form, limited to `keys` when given."""
    return [(pt.key, str(pt.label)) for pt in phase_types if keys is None or pt.key in keys]
