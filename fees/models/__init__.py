from fees.models.benchmarks import Benchmark
from fees.models.catalogue import FeeItem, FeePolicy, ProductKind
from fees.models.complaints import FeeComplaint
from fees.models.filings import FeeFiling, FeeFilingLine
from fees.models.imports import FeeImport

__all__ = [
    "Benchmark",
    "FeeComplaint",
    "FeeFiling",
    "FeeFilingLine",
    "FeeImport",
    "FeeItem",
    "FeePolicy",
    "ProductKind",
]
