"""How to reach the NALW team (NALW_CONTACT_EMAIL, NALW_CONTACT_PHONE), said the same way everywhere.

Templates use the `contact_us()` macro in templates/_macros/contact.html; a message written in code
(a refusal shown on a page) uses `contact_us_text`, its plain-text twin.
"""

from flask import current_app


def contact_details() -> dict:
    """For every template: `contact_email` and `contact_phone`."""
    return {"contact_email": current_app.config["CONTACT_EMAIL"], "contact_phone": current_app.config["CONTACT_PHONE"]}


def contact_us_text(capital=False) -> str:
    """'contact us at <address> or on <phone>'; `capital` starts a sentence with it."""
    details = contact_details()
    return f"{'Contact' if capital else 'contact'} us at {details['contact_email']} or on {details['contact_phone']}"
