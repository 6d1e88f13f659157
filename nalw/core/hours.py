"""Hours as people read them: "1 hour", "0.25 hours", "2.5 hours". One home for every page, PDF and email."""


def format_hours(hours) -> str:
    """1 -> '1 hour'; 0.25 -> '0.25 hours'; 20 -> '20 hours'. None shows nothing."""
    if hours is None:
        return ""
    number = f"{float(hours):g}"
    return f"{number} hour" if number == "1" else f"{number} hours"
