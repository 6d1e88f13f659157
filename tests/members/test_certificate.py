"""The certificate of membership: a PDF for members in good standing, named with their number."""

import pytest

from nalw.extensions import db
from nalw.members.models import MembershipStatus
from tests.factories import MembershipFactory
from tests.helpers import sign_in


def test_an_active_member_downloads_a_pdf_certificate_named_with_their_number(client):
    membership = MembershipFactory()
    sign_in(client, membership.person)

    response = client.get("/membership/certificate.pdf")

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert response.headers["Content-Disposition"] == f'attachment; filename="nalw-membership-{membership.number}.pdf"'
    assert response.headers["Cache-Control"] == "private, no-store"


def test_the_membership_page_offers_the_certificate_only_in_good_standing(client):
    membership = MembershipFactory()
    sign_in(client, membership.person)
    assert "Download your membership certificate (PDF)" in client.get("/membership").get_data(as_text=True)

    membership.status = MembershipStatus.SUSPENDED
    db.session.flush()

    assert "Download your membership certificate" not in client.get("/membership").get_data(as_text=True)


def test_a_member_without_a_current_membership_gets_not_found(client, person_as):
    sign_in(client, person_as("member"))

    assert client.get("/membership/certificate.pdf").status_code == 404


@pytest.mark.parametrize("status", [MembershipStatus.LAPSED, MembershipStatus.SUSPENDED, MembershipStatus.RESIGNED])
def test_no_certificate_once_the_membership_is_not_in_good_standing(client, status):
    membership = MembershipFactory()
    membership.status = status
    db.session.flush()
    sign_in(client, membership.person)

    # Still holding the member role (as if the daily run had not yet caught up), they get no certificate.
    assert client.get("/membership/certificate.pdf").status_code == 404
