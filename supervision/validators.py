"""Validators for identifiers of the registry."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

# GB 32100-2015: the unified social credit code (统一社会信用代码).
CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_character(first17: str) -> str:
    """The 18th character of a unified social credit code, computed from the first 17."""
    total = sum(CREDIT_CODE_CHARSET.index(ch) * w for ch, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_CHARSET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    code = value.strip().upper()
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(n)d."),
            code="credit_code_length",
            params={"n": len(code)},
        )
    bad = sorted({ch for ch in code if ch not in CREDIT_CODE_CHARSET})
    if bad:
        raise ValidationError(
            _("A unified social credit code cannot contain %(chars)s (the letters I, O, Z, S, V are never used)."),
            code="credit_code_charset",
            params={"chars": "、".join(bad)},
        )
    if not code[2:8].isdigit():
        raise ValidationError(
            _("Characters 3 to 8 of a unified social credit code are the region code and must be digits."),
            code="credit_code_region",
        )
    expected = credit_code_check_character(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _(
                "The check character (the last one) of this unified social credit code does not match the others; please check it for a typing error."
            ),
            code="credit_code_check",
        )


validate_region_code = RegexValidator(
    r"^[0-9]{6}$", _("A region code is the 6-digit GB/T 2260 code, for example 410900."), code="region_code"
)
