"""Catalogue, product page (adding to the cart) and back-office product forms. Their rules are the
product schemas (and, for adding to the cart, the order item's)."""
import itertools
import re

from marshmallow import ValidationError
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from ..fields import CURRENCIES
from ..forms import SchemaForm, present, typed_integer
from .model import ADJUSTMENT_REASONS, MAX_OPTIONS, ProductQuery
from .schemas import ProductListArgs

SORT_CHOICES = [SelectChoice("relevance", "Best match"), SelectChoice("-created_at", "Newest"),
                SelectChoice("name", "Name, A to Z"), SelectChoice("-name", "Name, Z to A"),
                SelectChoice("price", "Price, low to high"), SelectChoice("-price", "Price, high to low")]


class CatalogSearchForm(SchemaForm):
    """The catalogue's search and filters: a GET form, so it has no CSRF token."""

    class Meta:
        csrf = False

    q = StringField("Search", render_kw={"type": "search", "placeholder": "Name, SKU or words"})
    min_price = StringField("Min price", render_kw={"inputmode": "decimal", "size": 6})
    max_price = StringField("Max price", render_kw={"inputmode": "decimal", "size": 6})
    in_stock = BooleanField("In stock only")
    sort = SelectField("Sort by", choices=SORT_CHOICES, default="relevance", validate_choice=False)

    def link_args(self):
        """The filters as typed, for links to other pages of the same results: only this
        form's own fields ever reach `url_for` (never a query argument's name)."""
        typed = {"q": self.q.data, "min_price": self.min_price.data, "max_price": self.max_price.data,
                 "in_stock": "y" if self.in_stock.data else None, "sort": self.sort.data}
        return {name: value for name, value in typed.items() if value}

    def query(self, page, per_page, active=True, category_ids=None):
        """A ProductQuery from the valid filters; the invalid ones are shown and ignored."""
        data = present(q=self.q.data, min_price=self.money_field(self.min_price),
                       max_price=self.money_field(self.max_price), in_stock=self.in_stock.data or None,
                       sort=self.sort.data, page=page, per_page=per_page)
        try:
            args = ProductListArgs().load(data)
        except ValidationError as error:
            self.show_errors(error.messages)
            args = ProductListArgs().load({k: v for k, v in data.items() if k not in error.messages})
        return ProductQuery(
            text=args.get("q") or None, active=active, in_stock=args.get("in_stock", False),
            min_price=args.get("min_price"), max_price=args.get("max_price"),
            sort=args["sort"], page=args["page"], per_page=args["per_page"], category_ids=category_ids,
        )


def options_text(options):
    """`Size: S, M, L` lines, as the options field shows them."""
    return "\n".join(f"{option['name']}: {', '.join(option['values'])}" for option in options)


def parse_options(text):
    """Lines of `Name: value, value` as the API's options; a line without a colon is kept
    as a name without values, which the schema refuses with its message."""
    options = []
    for line in (text or "").splitlines():
        if line.strip():
            name, _, values = line.partition(":")
            options.append({"name": name.strip(), "values": [v.strip() for v in values.split(",") if v.strip()]})
    return options


def variant_sku(prefix, values):
    """`TEE` and (`M`, `Sand`) -> `TEE-M-SAND`, within the SKU's characters."""
    return "-".join([prefix, *(re.sub(r"[^A-Za-z0-9._-]+", "", value).upper() for value in values)])[:64]


class AddToCartForm(SchemaForm):
    """The product page's form: the value chosen in each option's list (o0, o1, o2 by the
    option's position: the page writes the lists), the quantity, and "Add to cart" or "Show
    this choice" (`action`). A variant named by id is taken when no option is sent."""
    product_id = HiddenField()
    variant_id = HiddenField()
    quantity = StringField("Quantity", default="1", render_kw={"inputmode": "numeric", "size": 3})
    o0, o1, o2 = StringField(), StringField(), StringField()  # one per option, up to MAX_OPTIONS
    action = HiddenField()  # the button pressed: SHOW_CHOICE, or adding

    def schema_data(self):
        return present(product_id=self.product_id.data, variant_id=self.variant_id.data,
                       quantity=typed_integer(self.quantity.data))

    def option_values(self):
        """The value chosen in each option's list, by position ("" for none)."""
        return [(self[OPTION_FIELD.format(index)].data or "").strip() for index in range(MAX_OPTIONS)]


OPTION_FIELD = "o{}"  # the option lists' names, as the product page's query arguments name them
SHOW_CHOICE = "show"  # the "Show this choice" button: the page for the options chosen, nothing added


class ProductEditForm(SchemaForm):
    name = StringField("Name")
    slug = StringField("Slug", description="The product page's address: lower-case letters, digits and dashes.")
    description = TextAreaField("Description", render_kw={"rows": 5})
    price = StringField("Price", description="In the product's currency, such as 34.50.",
                        render_kw={"inputmode": "decimal"})
    options = TextAreaField("Options", description="One option per line, such as Size: S, M, L. "
                                                   "Values may be added; one a variant uses stays.",
                            render_kw={"rows": 3})
    active = BooleanField("On sale (shown in the catalogue)")
    category_ids = SelectMultipleField("Categories", choices=[], validate_choice=False)  # choices: the view's

    def for_product(self, product):
        """Only what this product's edit may change: its price when it has one variant,
        its options when it has them."""
        if len(product.variants) > 1:
            del self.price
        if not product.options:
            del self.options
        return self

    def schema_data(self):
        typed = present(name=self.name.data, slug=self.slug.data)
        if "price" in self:
            typed |= present(price=self.money_field(self.price))
        if "options" in self:
            typed["options"] = parse_options(self.options.data)
        return typed | {"description": self.description.data or "", "active": self.active.data,
                        "category_ids": self.category_ids.data or []}


class ProductCreateForm(ProductEditForm):
    sku = StringField("SKU", description="Letters, digits, '.', '_' or '-'. With options, each variant's SKU "
                                         "starts with it (TEE-M-SAND).")
    currency = SelectField("Currency", choices=sorted(CURRENCIES), default="USD", validate_choice=False)
    stock = StringField("Initial stock", default="0", description="Without options. With them, each variant "
                                                                  "starts at 0: adjust its stock after.",
                        render_kw={"inputmode": "numeric"})
    options = TextAreaField("Options (optional)", description="One option per line, such as Size: S, M, L. "
                                                              "A variant is made for every combination.",
                            render_kw={"rows": 3})

    def schema_data(self):
        typed = super().schema_data()
        options = typed.pop("options") or []
        if not options:
            return typed | present(sku=self.sku.data, currency=self.currency.data, stock=typed_integer(self.stock.data))
        prefix = (self.sku.data or "").strip()
        combinations = itertools.product(*(option["values"] for option in options))
        variants = [{"sku": variant_sku(prefix, values), "options": dict(zip((o["name"] for o in options), values))}
                    for values in combinations]
        return typed | present(currency=self.currency.data) | {"options": options, "variants": variants}


class StockAdjustmentForm(SchemaForm):
    variant_id = SelectField("Variant", choices=[], validate_choice=False)
    delta = StringField("Change in units", description="Positive to add units, negative to remove them.",
                        render_kw={"inputmode": "numeric"})
    reason = SelectField("Reason", choices=[SelectChoice(r, r.title()) for r in ADJUSTMENT_REASONS],
                         validate_choice=False)
    note = StringField("Note (optional)")

    def for_product(self, product):
        if len(product.variants) > 1:
            self.variant_id.choices = [SelectChoice(v.id, f"{v.sku} · {v.label()}") for v in product.variants]
        else:
            del self.variant_id
        return self

    def schema_data(self):
        typed = present(delta=typed_integer(self.delta.data), reason=self.reason.data, note=self.note.data)
        return typed | (present(variant_id=self.variant_id.data) if "variant_id" in self else {})


class VariantEditForm(SchemaForm):
    sku = StringField("SKU", render_kw={"size": 16})
    price = StringField("Price", render_kw={"inputmode": "decimal", "size": 8})
    active = BooleanField("On sale")

    def schema_data(self):
        return present(sku=self.sku.data, price=self.money_field(self.price)) | {"active": self.active.data}

    def of_row(self, variant_id):
        """Its fields' ids made its row's own (`sku-<variant id>`...), so that each label
        points at its own row's input on the variants table; the names stay."""
        for row_field in self:
            row_field.id = row_field.label.field_id = f"{row_field.name}-{variant_id}"
        return self


class NewVariantForm(SchemaForm):
    """A new combination: one select per option (o0, o1, o2), its SKU, price and stock."""

    sku = StringField("SKU")
    price = StringField("Price (optional)", description="The product's price when left empty.",
                        render_kw={"inputmode": "decimal", "size": 8})
    stock = StringField("Initial stock", default="0", render_kw={"inputmode": "numeric", "size": 6})

    @classmethod
    def for_product(cls, product, **kwargs):
        fields = {f"o{index}": SelectField(option["name"], choices=option["values"], validate_choice=False)
                  for index, option in enumerate(product.options)}
        form = type("NewVariantFormFor", (cls,), fields)(**kwargs)
        form.option_names = [option["name"] for option in product.options]
        return form

    def option_fields(self):
        return [self[f"o{index}"] for index in range(len(self.option_names))]

    def schema_data(self):
        chosen = {name: field.data for name, field in zip(self.option_names, self.option_fields())}
        return present(sku=self.sku.data, price=self.money_field(self.price),
                       stock=typed_integer(self.stock.data)) | {"options": chosen}


class ImportForm(SchemaForm):
    """A CSV file of products and variants, to check (nothing is written yet)."""

    file = FileField("CSV file", description="UTF-8, with the export's header row; up to 2 MiB and 5,000 rows.",
                     render_kw={"accept": ".csv,text/csv"})


class ConfirmImportForm(SchemaForm):
    """Apply a checked file: it names the file the dry run kept."""

    upload_id = HiddenField()
