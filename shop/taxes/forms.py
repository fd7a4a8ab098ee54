"""The back office's tax rate form. Its rules are the tax rate schemas."""
from wtforms import StringField

from ..forms import SchemaForm, present
from ..money import format_percent


class TaxRateForm(SchemaForm):
    country = StringField("Country", description="Its two-letter code, such as DE. One rate per country.",
                          render_kw={"maxlength": 2, "size": 4, "autocapitalize": "characters"})
    # Named as the schema's field, so that its messages land here; typed as a percent (the API's
    # basis points are hundredths of one).
    rate_bp = StringField("Rate", description="A percent, e.g. 19 or 19.5.", render_kw={"inputmode": "decimal"})

    @classmethod
    def of(cls, rate):
        return cls(formdata=None, country=rate.country, rate_bp=format_percent(rate.rate_bp))

    def schema_data(self):
        return present(country=self.country.data, rate_bp=self.percent_field(self.rate_bp))
