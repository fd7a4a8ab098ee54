"""Discount code use cases. The repository comes in as an argument."""
from ..errors import Conflict, InvalidInput, NotFound
from .model import rule_problems
from .repository import CodeTaken

NOT_FOUND = "No such discount code."
EDITABLE = ("code", "kind", "value", "currency", "min_subtotal", "starts_at", "ends_at", "max_uses",
            "max_uses_per_customer", "active")


def _taken(code):
    message = f"A discount code {code} exists (codes are compared ignoring case): choose another."
    return Conflict(message, {"code": [message]})


def get_code(codes, code_id):
    code = codes.get(code_id)
    if code is None:
        raise NotFound(NOT_FOUND)
    return code


def list_codes(codes, page, per_page):
    return codes.page(page, per_page)


def create_code(codes, data, now):
    """A new code with no uses; one equal to another ignoring case is 409."""
    try:
        return codes.add(dict(data, created_at=now, updated_at=now))
    except CodeTaken:
        raise _taken(data["code"])


def update_code(codes, code_id, changes, now):
    """Change any fields; the code they make with what is stored must follow the rules (422).
    A percent code made fixed needs a currency; a fixed one made percent drops its own."""
    current = get_code(codes, code_id)
    if changes.get("kind") == "percent" and "currency" not in changes:
        changes = dict(changes, currency=None)
    merged = {name: getattr(current, name) for name in EDITABLE} | changes
    problems = rule_problems(merged)
    if problems:
        raise InvalidInput(problems)
    try:
        code = codes.update(code_id, changes, now)
    except CodeTaken:
        raise _taken(changes["code"])
    if code is None:
        raise NotFound(NOT_FOUND)
    return code


def delete_code(codes, code_id):
    """Delete it: orders keep their copy of the code and its amount."""
    if not codes.delete(code_id):
        raise NotFound(NOT_FOUND)
