"""Money: yuan as ``Decimal`` with two places, parsed strictly and never through ``float`` arithmetic."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("9999999999.99")  # DecimalField(max_digits=12, decimal_places=2)


def parse_amount(value) -> Decimal:
    """An amount in yuan from user input (text, an int, a Decimal, or a float as openpyxl gives it).

    A float is read through its shortest ``repr`` (``199.9`` → ``"199.9"``), so what the user typed
    comes back exactly; a value that needs more than two decimal places (``199.995``, or a
    formula's ``0.30000000000000004``) is refused rather than rounded. Raises ``ValueError`` with
    a message for the user.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError(_("an amount is required"))
    if isinstance(value, bool):
        raise ValueError(_("“%(value)s” is not a number") % {"value": value})
    if isinstance(value, float):
        text = repr(value)
    else:
        text = str(value).strip().replace(",", "").replace("，", "")
        for suffix in ("元", "¥", "￥"):
            text = text.removesuffix(suffix).removeprefix(suffix).strip()
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("“%(value)s” is not a number") % {"value": value}) from None
    if not amount.is_finite():
        raise ValueError(_("“%(value)s” is not a number") % {"value": value})
    if amount < 0:
        raise ValueError(_("the amount cannot be negative (%(value)s)") % {"value": text})
    if amount != amount.quantize(CENT, rounding=ROUND_HALF_UP):
        raise ValueError(_("at most two decimal places (to the fen) are allowed (%(value)s)") % {"value": text})
    if amount > MAX_AMOUNT:
        raise ValueError(_("the amount is too large (%(value)s)") % {"value": text})
    return amount.quantize(CENT)


def yuan(amount: Decimal | None) -> str:
    """``Decimal("1234.5")`` → ``"1,234.50"``; ``None`` → ``"—"``."""
    return "—" if amount is None else f"{amount:,.2f}"
