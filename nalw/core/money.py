"""Money is integer pence (GBP) everywhere; these turn it to and from what people read and type."""

import re

_POUNDS = re.compile(r"^£?\s*(\d{1,7})(?:\.(\d{1,2}))?$")


class InvalidAmount(ValueError):
    pass


def format_pence(pence: int | None) -> str:
    """1250 -> '£12.50'; 0 -> 'Free' is the caller's choice, not ours."""
    if pence is None:
        return ""
    sign = "-" if pence < 0 else ""
    pounds, remainder = divmod(abs(int(pence)), 100)
    return f"{sign}£{pounds:,}.{remainder:02d}"


def parse_pounds(text: str) -> int:
    """'12.5' or '£12.50' -> 1250. Refuses negatives, more than two decimals and words."""
    match = _POUNDS.match((text or "").strip().replace(",", ""))
    if not match:
        raise InvalidAmount("Enter an amount in pounds, like 45 or 45.50")
    pounds, pence = match.groups()
    return int(pounds) * 100 + int((pence or "0").ljust(2, "0"))


def pounds_text(pence: int) -> str:
    """1250 -> '12.50': an amount as a person types it, to fill in a form field."""
    pounds, remainder = divmod(int(pence), 100)
    return f"{pounds}.{remainder:02d}"
