"""Finding one record by an id that came with a request, and treating anyone else's as missing."""

from flask import abort

from nalw.extensions import db


def get_belonging(model, row_id, **owner):
    """The `model` row with `row_id` when each `owner` column has the value given (`person_id=person.id`),
    else None: someone else's id is as good as a missing one, so ids cannot be probed."""
    row = db.session.get(model, row_id)
    if row is None or any(getattr(row, column) != value for column, value in owner.items()):
        return None
    return row


def belonging_or_404(model, row_id, **owner):
    """`get_belonging` for a view: Not Found when the row is missing or not the owner's."""
    row = get_belonging(model, row_id, **owner)
    if row is None:
        abort(404)
    return row


def found_or_404(found):
    """What a view looked up (someone's own record, a secret link's events), or Not Found when the lookup found
    nothing (None):

        selection = found_or_404(audits.own_selection(current_user, selection_id))
    """
    if found is None:
        abort(404)
    return found
