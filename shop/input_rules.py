"""The contract's input rules (API.md, "Input and origin rules"), for every request:
text must be valid Unicode, and JSON is strict (no NaN or Infinity, no key twice).

Text arrives in three ways. Query strings and form bodies are percent-encoded
bytes, which Werkzeug would decode leniently (invalid UTF-8 becomes U+FFFD):
`check_request_text` refuses them first, before any view reads an argument.
JSON escapes can spell a lone surrogate (`"\\ud800"`), which no database can
store: `read_json` parses a body strictly and finds every such string in it.
"""
import json
from urllib.parse import unquote_to_bytes

from flask import current_app, g, request
from flask.json.provider import DefaultJSONProvider

from .errors import BadRequest, InvalidInput

FORM_TYPES = ("application/x-www-form-urlencoded",)
NOT_TEXT = "Use valid text: this holds characters that are not Unicode."


class UnreadableJSON(ValueError):
    """A body that is JSON to a lenient parser but not to the contract."""


class StrictJSONProvider(DefaultJSONProvider):
    """Flask's JSON, reading as the contract says: `NaN`, `Infinity` and a key given
    twice make a body unreadable (400)."""

    def loads(self, s, **kwargs):
        return json.loads(s, parse_constant=_refuse_constant, object_pairs_hook=_unique_keys, **kwargs)


def _refuse_constant(name):
    raise UnreadableJSON(f"{name} is not a JSON number.")


def _unique_keys(pairs):
    data = {}
    for key, value in pairs:
        if key in data:
            raise UnreadableJSON(f"The key {key!r} is given twice.")
        data[key] = value
    return data


def invalid_text(value):
    """Marshmallow-shaped details ({field: {index: {field: [message]}}}) for every key
    or string in `value` that is not valid Unicode; {} when there is none."""
    found = {}
    if isinstance(value, str):
        return None if _is_text(value) else [NOT_TEXT]
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        if isinstance(key, str) and not _is_text(key):
            found["_schema"] = [NOT_TEXT]
            continue
        problem = invalid_text(item)
        if problem:
            found[key] = problem
    return found


def _is_text(text):
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return False
    return True


def read_json():
    """The request's JSON body, read strictly once per request: unreadable is a 400,
    text that is not Unicode a 422 naming where it is."""
    if "strict_json" not in g:
        try:
            data = current_app.json.loads(request.get_data(cache=True))
            problems = invalid_text(data)
        except UnreadableJSON as error:  # NaN or Infinity, a key twice
            raise BadRequest(f"The request body cannot be read. {error}")
        except ValueError:  # not JSON, or not UTF-8
            raise BadRequest("The request body cannot be read. It is not valid JSON.")
        except RecursionError:  # nested deeper than the parser or the text check goes
            raise BadRequest("The request body cannot be read. It is nested too deeply.")
        if problems:
            raise InvalidInput(problems)
        g.strict_json = data
    return g.strict_json


def check_request_text():
    """Before every view, so that it holds on every route, whether the view reads the
    input or not: a JSON body must be readable and valid text; a query string or form
    body must be UTF-8."""
    if request.is_json and request.get_data(cache=True):
        read_json()
    encoded = [request.query_string]
    if request.mimetype in FORM_TYPES:
        encoded.append(request.get_data(cache=True))
    found = {}
    for pair in b"&".join(encoded).split(b"&"):
        try:
            _decode(pair)
        except UnicodeDecodeError:
            found[_decode(pair.partition(b"=")[0], errors="replace") or "_schema"] = [NOT_TEXT]
    if found:
        raise InvalidInput(found)


def _decode(encoded, errors="strict"):
    return unquote_to_bytes(encoded.replace(b"+", b" ")).decode("utf-8", errors=errors)


def register(app):
    app.json = StrictJSONProvider(app)
    app.before_request(check_request_text)
