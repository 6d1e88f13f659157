"""The refusal every domain raises, and error pages in the site's layout. No page ever shows a stack trace."""

from flask import current_app, g, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from nalw.extensions import db


class DomainError(Exception):
    """A rule refused a change. `message` says what is wrong and how to put it right, for the person;
    `field` names the form field it belongs to (None: the form as a whole). Each domain's errors derive
    from it, and a subclass may set a default `field`."""

    field = None

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field or self.field

    @classmethod
    def refuse_if(cls, refusal, field=None):
        """Raise this error with `refusal`, the answer of a domain's refusal function (why the change may not
        be made, or None when it may), unless it is None. The pages ask the refusal function itself, to hide a
        form the service would refuse."""
        if refusal is not None:
            raise cls(refusal, field=field)


ERROR_PAGES = {
    400: ("Something in that request was not right", "Go back, check what you entered and try again."),
    403: (
        "You cannot open this page",
        "Your account does not have access to it.",
    ),
    404: ("Page not found", "Check the address, or start again from the home page."),
    405: ("That action is not allowed here", "Go back and use the buttons on the page."),
    413: ("That file is too large", "Choose a smaller file and try again."),
    429: ("Too many attempts", "Wait a few minutes, then try again."),
    500: (
        "Sorry, something went wrong on our side",
        "Try again in a moment.",
    ),
}


def render_error(status, title=None, message=None):
    default_title, default_message = ERROR_PAGES.get(status, ERROR_PAGES[500])
    return (
        render_template(
            "core/error.html",
            status=status,
            title=title or default_title,
            message=message or default_message,
            request_id=g.get("request_id"),
        ),
        status,
    )


def register_error_handlers(app):
    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        return render_error(400, "This form has expired", "Go back, reload the page and submit the form again.")

    @app.errorhandler(HTTPException)
    def http_error(error):
        if error.code not in ERROR_PAGES or error.code < 400:
            return error
        page, status = render_error(error.code)
        # Keep the headers the error itself carries, such as Allow on a 405.
        headers = [(name, value) for name, value in error.get_headers() if name.lower() != "content-type"]
        return page, status, headers

    @app.errorhandler(Exception)
    def unexpected_error(error):
        if isinstance(error, HTTPException):
            return http_error(error)
        db.session.rollback()
        current_app.logger.exception(
            "unhandled error request_id=%s method=%s path=%s", g.get("request_id"), request.method, request.path
        )
        return render_error(500)
