"""Every route of the app, and a request that reaches each with made-up values: for tests that walk them all."""

from werkzeug.routing import AnyConverter, IntegerConverter


def endpoints(app):
    return sorted({url_rule.endpoint for url_rule in app.url_map.iter_rules()})


def dummy_value(converter):
    if isinstance(converter, IntegerConverter):
        return 999999
    if isinstance(converter, AnyConverter):
        return sorted(converter.items)[0]
    return "x"


def dummy_request(app, endpoint):
    """(method, path) that reaches `endpoint`, with made-up values for its URL parts."""
    url_rule = next(rule for rule in app.url_map.iter_rules() if rule.endpoint == endpoint)
    values = {name: dummy_value(converter) for name, converter in url_rule._converters.items()}
    method = "GET" if "GET" in url_rule.methods else "POST"
    with app.test_request_context():
        path = app.url_for(endpoint, **values)
    return method, path
