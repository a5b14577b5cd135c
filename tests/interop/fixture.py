"""fixture.py - the incident with every observable type that the interop tests export and
import (tests/http/test_interop.py, tests/interop/stix_export.py)."""

OBSERVABLES = [
    {"type": "url", "value": "https://Shop.example/listing/1?id=7"},
    {"type": "url", "value": "https://shop.example/it's-here"},  # a quote: pattern escaping
    {"type": "domain", "value": "Shop.example."},
    {"type": "onion", "value": "duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion"},
    {"type": "handle", "value": "Telegram:@Plugs_UK"},
    {"type": "phone", "value": "+44 7700 900123"},
    {"type": "email", "value": "Seller@Mail.example"},
    {"type": "wallet", "value": "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"},
    {"type": "wallet", "value": "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A"},
    {"type": "wallet", "value": "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB"},
    {"type": "pgp", "value": "0123 4567 89AB CDEF 0123 4567 89AB CDEF 0123 4567"},
    {"type": "company", "value": "Hubei Fine   Chemicals Co."},
    {"type": "tracking", "value": "lx 123 456 789 cn"},
]


def full_incident(title="Interop fixture: fentanyl shop", **kw):
    d = {"type": "online-offer", "title": title, "status": "confirmed",
         "narrative": "A shop selling \"fentanyl\", with a seller's phone, wallets and a PGP key.",
         "occurred_on": "2026-03-20", "reported_on": "2026-03-22",
         "origin": ["CN"], "transit": ["NL"], "destination": ["GB"],
         "transport_mode": "postal", "concealment": "toner cartridge",
         "substances": [{"id": "fentanyl", "quantity": 12.5, "unit": "g", "form": "powder",
                         "purity": 40}],
         "observables": OBSERVABLES, "tlp": "amber"}
    d.update(kw)
    return d
