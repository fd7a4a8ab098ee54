"""What each API view declares of itself for the OpenAPI document: `@operation` beside its route.

A view says what it takes and answers (as flask-smorest's `@blp.arguments` / `@blp.response`
do); shop/openapi.py walks the app's routes and turns what they recorded into the document.
This module imports no feature and no Flask, so every package's API can use it while the
document's builder, which reads the models' constants, stands above them all.
"""
from dataclasses import dataclass


# Who may call an operation: anyone; the holder of a bearer token; an admin's token; anyone,
# a token widening what is shown.
ANYONE, TOKEN_HOLDER, ADMIN, TOKEN_OPTIONAL = "anyone", "token", "admin", "optional"


@dataclass(frozen=True)
class Operation:
    """What one API view takes and answers, as its `@operation` decorator says.

    `body` is the JSON body's schema (`body_required=False`: a client may send none), or
    `upload` the text fields of a multipart image upload; `args` the query's schema. The
    answer is `answer` with `status`, or a page of them (`page`), or a bare list of them
    that the document names `many`. `errors` are the statuses the view's own rules add to
    the ones its shape implies (see `_error_statuses`). `idempotent` names what a retry with
    the same Idempotency-Key returns again."""
    summary: str
    who: str = ANYONE
    body: type = None
    body_required: bool = True
    upload: type = None
    args: type = None
    answer: type = None
    status: int = 200
    page: bool = False
    many: str = None
    errors: tuple = ()
    idempotent: str = None


def operation(summary, **details):
    """Record on the view what the document says of it (see `Operation`)."""
    recorded = Operation(summary, **details)

    def record(view):
        view.openapi_operation = recorded
        return view

    return record
