"""The catalogue as a CSV file: one row per variant, in the columns of `COLUMNS`.

This is the edge of the import, as a form is: it reads bytes into rows, types
each cell (amounts as a form reads them, `true`/`false`), and checks every row with
the API's own Marshmallow schemas, so a cell is valid exactly when the same
value would be in a JSON request. What needs the catalogue (does this SKU
exist? this category?) is decided by `csv_import.plan`.

Cells that a spreadsheet would run as a formula (starting with `=`, `+`, `-`,
`@`, a tab or a carriage return, as OWASP lists them) are written with a `'`
in front, and a cell that starts with `'` gets one more, so that reading a
written file takes exactly one quote off and gives back the text.
"""
import csv
import io

from marshmallow import ValidationError

from ..fields import currency
from ..forms import present, typed_integer
from ..messages import ShopSchema
from ..money import format_amount, read_amount
from .csv_import import Row
from .schemas import NewVariantSchema, OptionSchema, ProductUpdateSchema, VariantUpdateSchema

PRODUCT_COLUMNS = ("slug", "name", "description", "currency", "product_active", "categories")
OPTION_COLUMNS = tuple(column for index in (1, 2, 3) for column in (f"option{index}_name", f"option{index}_value"))
VARIANT_COLUMNS = ("sku", *OPTION_COLUMNS, "price", "stock", "variant_active")
COLUMNS = PRODUCT_COLUMNS + VARIANT_COLUMNS
CATEGORY_SEPARATOR = "|"
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
GUARD = "'"
# Where a schema's field shows in the file.
PRODUCT_FIELD_COLUMNS = {"active": "product_active"}
VARIANT_FIELD_COLUMNS = {"active": "variant_active"}


class Refused(Exception):
    """A file that is not read at all: not UTF-8, not CSV, too large, or the wrong columns."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


# Writing ------------------------------------------------------------------


def guard(text):
    """A cell as written: a spreadsheet never runs it as a formula."""
    return GUARD + text if text.startswith(FORMULA_START + (GUARD,)) else text


def unguard(text):
    """A cell as read: one guarding quote taken off."""
    return text[1:] if text[:1] == GUARD and text[1:2] and text[1] in FORMULA_START + (GUARD,) else text


def export_rows(products, category_slugs):
    """One dict of cells per variant, products in the order given, variants in theirs."""
    for product in products:
        categories = CATEGORY_SEPARATOR.join(category_slugs[c] for c in product.category_ids if c in category_slugs)
        for variant in product.variants:
            cells = {"slug": product.slug, "name": product.name, "description": product.description,
                     "currency": product.currency, "product_active": _boolean_text(product.active),
                     "categories": categories, "sku": variant.sku, "price": format_amount(variant.price),
                     "stock": str(variant.stock), "variant_active": _boolean_text(variant.active)}
            for index, option in enumerate(product.options, start=1):
                cells[f"option{index}_name"] = option["name"]
                cells[f"option{index}_value"] = variant.options.get(option["name"], "")
            yield cells


def write(rows):
    """The CSV text: a header row, then every row; each cell quoted and guarded."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for cells in rows:
        writer.writerow([guard(cells.get(column, "")) for column in COLUMNS])
    return out.getvalue()


def _boolean_text(value):
    return "true" if value else "false"


# Reading ------------------------------------------------------------------


def decode(data):
    """The file's text; Refused when it is too large or not UTF-8 (a BOM is allowed)."""
    if len(data) > MAX_BYTES:
        raise Refused(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MiB: split it into smaller files.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Refused("This file is not UTF-8 text: save it as CSV with the UTF-8 encoding and upload it again.")
    if "\x00" in text:
        raise Refused("This is not a CSV file: it holds binary data. Upload the products as a CSV file.")
    return text


def read_table(text):
    """[(row number, {column: cell})] of a file with the documented header; the header is
    row 1, as a spreadsheet numbers it. Blank rows are skipped; Refused for a file that
    cannot be read, has the wrong columns or too many rows."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [cell.strip() for cell in next(reader, [])]
        if not any(header):
            raise Refused(f"The file is empty: its first row must name the columns ({', '.join(COLUMNS)}).")
        _check_header(header)
        rows = []
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) == MAX_ROWS:
                raise Refused(f"The file has more than {MAX_ROWS} rows: split it into smaller files.")
            rows.append((number, dict(zip(header, cells)), len(cells) - len(header)))
    except csv.Error as error:
        raise Refused(f"The file cannot be read as CSV near row {reader.line_num}: {error}.")
    return rows


def _check_header(header):
    repeated = sorted({column for column in header if header.count(column) > 1})
    unknown = [column for column in header if column not in COLUMNS]
    missing = [column for column in COLUMNS if column not in header]
    problems = []
    if repeated:
        problems.append(f"these columns come twice: {', '.join(repeated)}")
    if unknown:
        problems.append(f"these columns are not ones the shop knows: {', '.join(unknown)}")
    if missing:
        problems.append(f"these columns are missing: {', '.join(missing)}")
    if problems:
        raise Refused(f"The header row is not the shop's ({'; '.join(problems)}). "
                      f"The columns are: {', '.join(COLUMNS)}.")


def typed_row(number, cells, extra_cells=0):
    """A Row of typed values, with every problem a schema finds in it (by column)."""
    row = Row(number)
    if extra_cells != 0:  # its cells would be read under the wrong columns
        row.error("", f"This row has {len(cells) + extra_cells} cells, and the header {len(COLUMNS)}: "
                      "give every row one cell per column.")
        return row
    cell = {column: unguard(cells.get(column) or "") for column in COLUMNS}
    text = {column: value.strip() for column, value in cell.items()}
    row.product = present(name=text["name"], slug=text["slug"], currency=text["currency"],
                          active=_boolean(text["product_active"]), description=cell["description"],
                          categories=[slug.strip() for slug in text["categories"].split(CATEGORY_SEPARATOR)
                                      if slug.strip()] or None)
    row.variant = present(sku=text["sku"], stock=typed_integer(text["stock"]), active=_boolean(text["variant_active"]))
    if text["price"]:
        price = read_amount(text["price"])  # as a form reads it: `9,99` is 9.99, `1,500` is refused
        if price.problem:
            row.error("price", price.problem)
        else:
            row.variant["price"] = price.value
    row.variant["options"] = _options(row, text)
    _check(row, ProductUpdateSchema(only=("name", "slug", "description", "active")),
           {k: v for k, v in row.product.items() if k not in ("currency", "categories")}, PRODUCT_FIELD_COLUMNS)
    _check(row, _CURRENCY, present(currency=row.product.get("currency")), {})
    _check(row, NewVariantSchema(only=("sku", "price", "stock")),
           {k: v for k, v in row.variant.items() if k in ("sku", "price", "stock")}, {})
    _check(row, VariantUpdateSchema(only=("active",)), present(active=row.variant.get("active")), VARIANT_FIELD_COLUMNS)
    _drop_refused(row)
    return row


def _drop_refused(row):
    """The plan sees only valid values: a refused cell is left out (the row is an error)."""
    for column, _ in row.errors:
        if column in _CELL_FIELDS:
            part, name = _CELL_FIELDS[column]
            getattr(row, part).pop(name, None)


_CELL_FIELDS = {**{column: ("product", column) for column in PRODUCT_COLUMNS}, "product_active": ("product", "active"),
                **{column: ("variant", column) for column in ("sku", "price", "stock")},
                "variant_active": ("variant", "active")}


class _CurrencySchema(ShopSchema):
    """The create schema's currency field on its own: the whole schema would also ask for
    what a new product needs, and only the plan knows whether the row makes one."""

    currency = currency()


_CURRENCY = _CurrencySchema()


def _boolean(text):
    """`true`/`false` (any case) as booleans; other text is left for the schema to refuse."""
    return {"true": True, "false": False}.get(text.lower(), text) if text else None


def _options(row, text):
    """{name: value} of the option columns that are filled in, each pair checked by the
    API's option schema."""
    chosen = {}
    for index in (1, 2, 3):
        name, value = text[f"option{index}_name"], text[f"option{index}_value"]
        if not name and not value:
            continue
        if not name or not value:
            row.error(f"option{index}_{'name' if not name else 'value'}",
                      "Enter both the option's name and its value, or neither.")
            continue
        try:
            option = OptionSchema().load({"name": name, "values": [value]})
        except ValidationError as error:
            for field, problem in error.messages.items():
                column = f"option{index}_{'name' if field == 'name' else 'value'}"
                for message in _messages(problem):
                    row.error(column, message)
            continue
        if option["name"] in chosen:
            row.error(f"option{index}_name", "Give each option a different name.")
        chosen[option["name"]] = option["values"][0]
    return chosen


def _check(row, schema, data, columns):
    try:
        schema.load(data)
    except ValidationError as error:
        for field, problem in error.messages.items():
            for message in _messages(problem):
                row.error(columns.get(field, field), message)


def _messages(problem):
    if isinstance(problem, dict):
        return [message for inner in problem.values() for message in _messages(inner)]
    if isinstance(problem, (list, tuple)):
        return [message for inner in problem for message in _messages(inner)]
    return [str(problem)]
