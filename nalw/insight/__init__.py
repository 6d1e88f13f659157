"""Community intelligence: members report the gaps and barriers they meet; staff and the public see them by
theme, region and month, the public with small counts suppressed."""

from flask import Blueprint

blueprint = Blueprint("insight", __name__)


def register_event_panels():
    """A roadshow's page shows the leading themes reported in its region (events does not import insight)."""
    from nalw.events import panels
    from nalw.insight.panels import leading_themes_panel

    panels.register(leading_themes_panel)


from nalw.insight import models, personal_data, staff_views, views  # noqa: E402,F401
