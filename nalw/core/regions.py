"""The 12 UK regions the body organises by (roadshows, the register, reports)."""

import enum

from nalw.core.labels import labels


@labels(
    NORTH_EAST="North East",
    NORTH_WEST="North West",
    YORKSHIRE_AND_THE_HUMBER="Yorkshire and the Humber",
    EAST_MIDLANDS="East Midlands",
    WEST_MIDLANDS="West Midlands",
    EAST_OF_ENGLAND="East of England",
    LONDON="London",
    SOUTH_EAST="South East",
    SOUTH_WEST="South West",
    WALES="Wales",
    SCOTLAND="Scotland",
    NORTHERN_IRELAND="Northern Ireland",
)
class Region(enum.Enum):
    NORTH_EAST = "north_east"
    NORTH_WEST = "north_west"
    YORKSHIRE_AND_THE_HUMBER = "yorkshire_and_the_humber"
    EAST_MIDLANDS = "east_midlands"
    WEST_MIDLANDS = "west_midlands"
    EAST_OF_ENGLAND = "east_of_england"
    LONDON = "london"
    SOUTH_EAST = "south_east"
    SOUTH_WEST = "south_west"
    WALES = "wales"
    SCOTLAND = "scotland"
    NORTHERN_IRELAND = "northern_ireland"


def region_choices():
    """Choices for a form's region field (WTForms SelectChoice)."""
    from wtforms import SelectChoice

    return [SelectChoice(region.value, region.label) for region in Region]
