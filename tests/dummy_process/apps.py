from django.apps import AppConfig


class DummyProcessConfig(AppConfig):
    """A test-only process app that uses the kernel the way a real feature app does."""

    name = "tests.dummy_process"
    label = "dummy_process"

    def ready(self):
        from civitas.core.search import register_searchable
        from civitas.interactions.registry import register as register_interactions
        from civitas.participation.phases import PhaseType, register_phase_type

        from .models import Note

        register_phase_type(
            PhaseType("dummy_process.collect", "Collect notes", {"submit", "comment", "support"})
        )
        register_phase_type(PhaseType("dummy_process.review", "Review", {"comment"}))
        register_interactions(Note)
        register_searchable(Note, lambda: Note.objects.visible())
