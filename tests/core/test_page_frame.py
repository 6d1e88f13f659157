"""What frames every page: the site's icon, and the menus that fold behind a button on a phone with no script."""

import re
from pathlib import Path

from tests.factories import staff_member
from tests.helpers import sign_in

ICON = Path(__file__).resolve().parents[2] / "static" / "img" / "favicon.svg"


def menu(html, navigation):
    """The markup of the navigation landmark labelled `navigation`."""
    match = re.search(rf'<nav [^>]*aria-label="{navigation}">(.*?)</nav>', html, flags=re.S)
    assert match, f"no {navigation} navigation on the page"
    return match.group(1)


def folded(navigation):
    """What a navigation's menu button shows and hides: the markup after the button, inside its <details>."""
    match = re.search(r"</summary>(.*)</details>", navigation, flags=re.S)
    assert match, "the navigation has no folding menu"
    return match.group(1)


def test_every_page_links_the_site_icon_and_it_is_served(client):
    html = client.get("/").get_data(as_text=True)
    link = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', html)

    icon = client.get(link.group(1))

    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    assert icon.data == ICON.read_bytes()
    assert client.get("/no-such-page").get_data(as_text=True).count('rel="icon"') == 1  # error pages too


def test_favicon_ico_answers_with_the_icon_which_any_cache_may_keep(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.data == ICON.read_bytes()
    assert response.cache_control.public and response.cache_control.max_age == 7 * 24 * 60 * 60
    assert client.get("/favicon.ico", headers={"If-None-Match": response.headers["ETag"]}).status_code == 304


def test_the_main_menu_folds_behind_a_menu_button_that_needs_no_script(client):
    html = client.get("/").get_data(as_text=True)
    main = menu(html, "Main")

    # A <details> disclosure: its <summary> is the button, opened and closed by the browser itself.
    assert re.search(r'<details class="folding-menu">\s*<summary class="folding-menu-button">Menu</summary>', main)
    inside = folded(main)
    for link in ("Home", "Events", "Sign in", "Create an account"):
        assert f">{link}</a>" in inside
    assert "aria-expanded" not in main  # the browser states it for a summary; a written one would be ignored
    assert "Staff menu" not in html


def test_staff_pages_fold_the_staff_menu_too(client):
    sign_in(client, staff_member(name="Sam Staff"))

    html = client.get("/admin/members").get_data(as_text=True)
    staff = menu(html, "Staff")

    assert '<summary class="folding-menu-button">Staff menu</summary>' in staff
    assert 'aria-current="page">Members</a>' in folded(staff)
    assert "Signed in as Sam Staff" in folded(menu(html, "Main"))
