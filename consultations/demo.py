def build_demo(stdout, home, users):
    """Demo data of consultations (filled in below)."""
