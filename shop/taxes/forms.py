"""The back office's tax rate form. Its rules are the tax rate schemas."""
from wtforms import StringField

from ..forms import SchemaForm, present, typed_integer


class TaxRateForm(SchemaForm):
    country = StringField("Country", description="Its two-letter code, such as DE. One rate per country.",
                          render_kw={"maxlength": 2, "size": 4, "autocapitalize": "characters"})
    rate_bp = StringField("Rate in basis points", description="0 to 10000: 2000 is 20%, 755 is 7.55%.",
                          render_kw={"inputmode": "numeric"})

    @classmethod
    def of(cls, rate):
        return cls(formdata=None, country=rate.country, rate_bp=str(rate.rate_bp))

    def schema_data(self):
        return present(country=self.country.data, rate_bp=typed_integer(self.rate_bp.data))
