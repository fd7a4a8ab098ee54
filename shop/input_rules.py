"""The input rules every request meets (docs/API.md, "Conventions"):
text must be valid Unicode, JSON is strict (no NaN or Infinity, no key twice), and
a body is no larger than its endpoint takes (1 MiB; an image upload says its own).

Text arrives in four ways. Query strings and form bodies are percent-encoded
bytes, and multipart form fields raw bytes, which Werkzeug would decode leniently
(invalid UTF-8 becomes U+FFFD): `check_request_text` refuses them first, before
any view reads an argument (a multipart body's files are not text, and not read).
JSON escapes can spell a lone surrogate (`"\\ud800"`), which no database can
store: `read_json` parses a body strictly and finds every such string in it.
"""
import json
from urllib.parse import unquote_to_bytes

from flask import current_app, g, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.sansio.multipart import Data, Epilogue, Field, MultipartDecoder, NeedData

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


def upload_limit(limit):
    """A view that takes a body of up to `limit` bytes (an upload) instead of the app's
    MAX_CONTENT_LENGTH. Applied before any hook reads the body, so a larger one is a
    413 in the error shape, and the body is never read past it."""
    def mark(view):
        view.body_limit = limit
        return view

    return mark


def apply_body_limit():
    view = current_app.view_functions.get(request.endpoint)
    limit = getattr(view, "body_limit", None)
    if limit is not None:
        request.max_content_length = limit


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
    if request.mimetype == "multipart/form-data":
        found.update(_multipart_text_problems())
    if found:
        raise InvalidInput(found)


def _multipart_text_problems():
    """{field: [NOT_TEXT]} for each multipart form field (not file) whose bytes are not
    UTF-8. A body that is not multipart at all is left to the form parser (it reads as
    no fields, and the view says what is missing)."""
    boundary = request.mimetype_params.get("boundary", "").encode("latin-1", "replace")
    if not boundary:
        return {}
    decoder = MultipartDecoder(boundary, max_form_memory_size=current_app.config.get("MAX_FORM_MEMORY_SIZE"))
    found, part, value = {}, None, []
    try:
        for event in _events(decoder, request.get_data(cache=True)):
            if not isinstance(event, Data):  # a Field, a File, or the preamble
                part, value = event, []
            elif isinstance(part, Field):
                value.append(event.data)
                if not event.more_data and not _is_utf8(b"".join(value)):
                    found[part.name or "_schema"] = [NOT_TEXT]
    except UnicodeDecodeError:  # a part's headers (its field's name) are not UTF-8
        found["_schema"] = [NOT_TEXT]
    except ValueError:  # not multipart after all
        pass
    return found


def _events(decoder, body, chunk=64 * 1024):
    """The decoder's events, fed a chunk at a time as Werkzeug's own parser feeds it: given
    the whole body at once, it refuses any past MAX_FORM_MEMORY_SIZE (500 kB) with a 413,
    even when that is a file within the view's upload limit."""
    for start in range(0, len(body), chunk):
        decoder.receive_data(body[start:start + chunk])
        yield from _drained(decoder)
    decoder.receive_data(None)
    yield from _drained(decoder)


def _drained(decoder):
    event = decoder.next_event()
    while not isinstance(event, (Epilogue, NeedData)):
        yield event
        event = decoder.next_event()


def _is_utf8(data):
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _decode(encoded, errors="strict"):
    return unquote_to_bytes(encoded.replace(b"+", b" ")).decode("utf-8", errors=errors)


def register(app):
    app.json = StrictJSONProvider(app)
    # First of every hook: the CSRF check, registered before this, reads the form, so a
    # view's own limit (a CSV upload's) must be set before it does.
    app.before_request_funcs.setdefault(None, []).insert(0, apply_body_limit)
    app.before_request(check_request_text)
