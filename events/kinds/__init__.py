"""Input kinds that hand event input to the process apps, one module per app."""
