"""A country's tax rate. Lines and shipping are taxed at the shipping country's rate; a
country without one is taxed at 0 (shop/pricing.py does the arithmetic)."""
from dataclasses import dataclass
from datetime import datetime

from ..money import format_percent

NO_RATE = 0
MAX_RATE_BP = 10_000  # 100%


@dataclass(frozen=True)
class TaxRate:
    id: str
    country: str  # ISO 3166-1 alpha-2
    rate_bp: int  # basis points: 2000 is 20%
    created_at: datetime
    updated_at: datetime

    def percent(self):
        """`2000` -> `"20%"`, `755` -> `"7.55%"`: the rate as people read it."""
        return f"{format_percent(self.rate_bp)}%"
