"""The tile map of the regions: every region once, each where it sits on a map of the UK."""

from nalw.core.regions import Region
from nalw.insight.charts import TILE_MAP, TILE_POSITIONS, region_tiles


def test_the_map_draws_every_region_once_on_a_grid_of_equal_rows():
    drawn = [region for row in TILE_MAP for region in row if region is not None]
    assert set(drawn) == set(Region) and len(drawn) == len(Region)
    assert {len(row) for row in TILE_MAP} == {4}
    assert set(TILE_POSITIONS) == set(Region)


def test_tiles_sit_as_on_a_map_and_are_read_row_by_row():
    assert TILE_POSITIONS[Region.SCOTLAND] == (1, 2)
    assert TILE_POSITIONS[Region.NORTHERN_IRELAND] == (2, 1)
    assert TILE_POSITIONS[Region.EAST_OF_ENGLAND] == (4, 4)
    assert TILE_POSITIONS[Region.LONDON] == (5, 3)
    tiles = region_tiles(dict.fromkeys(Region, 0))
    assert [(tile.row, tile.column) for tile in tiles] == sorted((tile.row, tile.column) for tile in tiles)


def test_shades_run_from_the_fewest_to_the_most_and_none_is_unshaded():
    totals = dict.fromkeys(Region, 0) | {Region.LONDON: 40, Region.WALES: 10, Region.SCOTLAND: 25}
    shades = {tile.region: tile.shade for tile in region_tiles(totals)}
    assert shades[Region.NORTH_EAST] == 0
    assert shades[Region.WALES] < shades[Region.SCOTLAND] < shades[Region.LONDON]
    assert {tile.text for tile in region_tiles(totals) if tile.region is Region.LONDON} == {"40"}
