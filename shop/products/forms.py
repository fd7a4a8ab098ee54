"""Catalogue and back-office product forms. Their rules are the product schemas."""
from marshmallow import ValidationError
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from ..fields import CURRENCIES
from ..forms import SchemaForm, present, typed_integer
from .model import ADJUSTMENT_REASONS, ProductQuery
from .schemas import ProductListArgs

SORT_CHOICES = [SelectChoice("relevance", "Best match"), SelectChoice("-created_at", "Newest"), SelectChoice("name", "Name, A to Z"),
                SelectChoice("-name", "Name, Z to A"), SelectChoice("price", "Price, low to high"),
                SelectChoice("-price", "Price, high to low")]


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

    def query(self, page, per_page, active=True):
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
            sort=args["sort"], page=args["page"], per_page=args["per_page"],
        )


class ProductEditForm(SchemaForm):
    name = StringField("Name")
    slug = StringField("Slug", description="The product page's address: lower-case letters, digits and dashes.")
    description = TextAreaField("Description", render_kw={"rows": 5})
    price = StringField("Price", description="In the product's currency, such as 34.50.",
                        render_kw={"inputmode": "decimal"})
    active = BooleanField("On sale (shown in the catalogue)")

    def schema_data(self):
        typed = present(name=self.name.data, slug=self.slug.data, price=self.money_field(self.price))
        return typed | {"description": self.description.data or "", "active": self.active.data}


class ProductCreateForm(ProductEditForm):
    sku = StringField("SKU", description="Letters, digits, '.', '_' or '-'.")
    currency = SelectField("Currency", choices=sorted(CURRENCIES), default="USD", validate_choice=False)
    stock = StringField("Initial stock", default="0", render_kw={"inputmode": "numeric"})

    def schema_data(self):
        return super().schema_data() | present(
            sku=self.sku.data, currency=self.currency.data, stock=typed_integer(self.stock.data)
        )


class StockAdjustmentForm(SchemaForm):
    delta = StringField("Change in units", description="Positive to add units, negative to remove them.",
                        render_kw={"inputmode": "numeric"})
    reason = SelectField("Reason", choices=[SelectChoice(r, r.title()) for r in ADJUSTMENT_REASONS], validate_choice=False)
    note = StringField("Note (optional)")

    def schema_data(self):
        return present(delta=typed_integer(self.delta.data), reason=self.reason.data, note=self.note.data)
