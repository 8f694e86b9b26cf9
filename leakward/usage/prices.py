"""What a record of usage cost, from the price table kept as data in `prices.yaml`.

Stage: application (usage watch). The model compares costs, never bills them: the table gives
list prices per million tokens by model-name prefix and a default for models it does not name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

from leakward.usage.records import UsageRecord

PER = 1_000_000


@dataclass(frozen=True, slots=True)
class Price:
    """US dollars per million tokens."""

    input: float
    cached: float
    output: float

    @property
    def blended(self) -> float:
        """One figure to rank models by: a request's usual 3:1 input to output mix."""
        return (3 * self.input + self.output) / 4


@dataclass(frozen=True, slots=True)
class PriceTable:
    default: Price
    by_provider: Mapping[str, tuple[tuple[str, Price], ...]]  # prefixes, longest first

    def price(self, provider: str, model: str | None) -> Price:
        """The price of the longest prefix of `model` the table names, else the default."""
        name = (model or "").lower()
        for prefix, price in self.by_provider.get(provider, ()):
            if name.startswith(prefix):
                return price
        return self.default

    def cost(self, record: UsageRecord) -> float:
        """What `record`'s tokens cost at list price, in US dollars."""
        price = self.price(record.provider, record.model)
        return (
            record.input_tokens * price.input
            + record.cached_input_tokens * price.cached
            + record.output_tokens * price.output
        ) / PER


@cache
def price_table() -> PriceTable:
    """The table shipped beside this module (read once)."""
    text = resources.files("leakward.usage").joinpath("prices.yaml").read_text()
    return read_table(yaml.safe_load(text))


def read_table(data: Mapping[str, object]) -> PriceTable:
    """A `PriceTable` from the YAML's structure: `default` and one mapping per provider."""
    providers: dict[str, tuple[tuple[str, Price], ...]] = {}
    for provider, models in data.items():
        if provider in ("default", "checked") or not isinstance(models, Mapping):
            continue
        named = [(str(prefix).lower(), _price(row)) for prefix, row in models.items()]
        providers[str(provider)] = tuple(sorted(named, key=lambda item: -len(item[0])))
    return PriceTable(_price(data["default"]), providers)


def _price(row: object) -> Price:
    if not isinstance(row, Mapping):
        raise TypeError(f"a price row is a mapping of input, cached, output; got {row!r}")
    return Price(float(row["input"]), float(row["cached"]), float(row["output"]))
