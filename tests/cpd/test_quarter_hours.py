"""Hours are kept in quarter hours: the conversion is written once, next to CpdEntry, and used everywhere."""

import ast
from decimal import Decimal
from pathlib import Path

import nalw
from nalw.cpd.models import QUARTER_HOURS_PER_HOUR, hours_from_quarters, quarters_from_hours

NALW = Path(nalw.__path__[0])


def test_quarter_hours_convert_to_hours_and_back():
    assert QUARTER_HOURS_PER_HOUR == 4
    assert hours_from_quarters(6) == 1.5
    assert quarters_from_hours(Decimal("0.75")) == 3
    assert quarters_from_hours(24) == 96


def test_no_cpd_code_converts_quarter_hours_by_hand():
    """Multiplying or dividing by 4 anywhere in CPD (or the demo data) is a conversion written again."""
    places = []
    for path in sorted([*(NALW / "cpd").rglob("*.py"), NALW / "demo.py"]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.BinOp)
                and isinstance(node.op, ast.Mult | ast.Div)
                and any(isinstance(side, ast.Constant) and side.value == 4 for side in (node.left, node.right))
            ):
                places.append(f"{path.relative_to(NALW.parent)}:{node.lineno}")
    assert places == [], "use hours_from_quarters / quarters_from_hours from nalw.cpd.models"
