from tests.events.steps import refunds  # noqa: F401  (a fixture)
