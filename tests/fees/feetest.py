"""Names shared by the fee tests (region codes of Henan, the reference date) and what an import writes."""

import datetime

HENAN = "410000"
ZHENGZHOU, KAIFENG, LUOYANG, XINXIANG, PUYANG, JIYUAN = "410100", "410200", "410300", "410700", "410900", "419001"
GONGYI = "410181"  # a county governed directly by the province, inside Zhengzhou
REFERENCE = datetime.date(2019, 8, 15)  # the reduction date
BEFORE_REDUCTION = datetime.date(2019, 8, 14)  # the benchmark's "目前"


def stored() -> tuple[int, ...]:
    """Filings, lines and their history rows, and the findings with theirs: what an import writes."""
    from fees.models import FeeFiling, FeeFilingLine
    from supervision.models import Finding

    return (
        FeeFiling.objects.count(),
        FeeFilingLine.objects.count(),
        FeeFiling.history.count(),
        FeeFilingLine.history.count(),
        Finding.objects.count(),
        Finding.history.count(),
    )
