"""The trial's section of the weekly digest (``supervision.engine.digest`` finds it by name)."""

from trial.national import digest_section

__all__ = ["digest_section"]
