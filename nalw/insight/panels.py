"""What insight offers a roadshow's page: the themes most reported in its region over the last 12 months.
Insight does not import events: the app's entry point hands this to the event page's panels."""

from nalw.insight import figures


def leading_themes_panel(event):
    """For a roadshow (it has a region), the panel's heading, template and context; None for other events.
    Only themes with at least 5 reports are named, and without counts, as the page is public. One query."""
    if event.region is None or event.kind.value != "roadshow":
        return None
    themes = [theme for theme, _count in figures.leading_themes(event.region)]
    return {
        "heading": f"What link workers in {event.region.label} have reported",
        "template": "insight/_event_panel.html",
        "context": {"themes": themes, "region": event.region},
    }
