"""What the benchmarks share: the 31 provinces, a timed step, and creating the database they fill."""

from __future__ import annotations

import time

PROVINCES = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区", "21": "辽宁省",
    "22": "吉林省", "23": "黑龙江省", "31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省",
    "35": "福建省", "36": "江西省", "37": "山东省", "41": "河南省", "42": "湖北省", "43": "湖南省",
    "44": "广东省", "45": "广西壮族自治区", "46": "海南省", "50": "重庆市", "51": "四川省", "52": "贵州省",
    "53": "云南省", "54": "西藏自治区", "61": "陕西省", "62": "甘肃省", "63": "青海省",
    "64": "宁夏回族自治区", "65": "新疆维吾尔自治区",
}  # fmt: skip


class step:
    """``with step("label"):`` prints the label, then the seconds the block took."""

    def __init__(self, label: str) -> None:
        self.label = label

    def __enter__(self) -> step:
        self.start = time.perf_counter()
        print(f"  {self.label} …", end="", flush=True)
        return self

    def __exit__(self, *exc) -> None:
        print(f" {time.perf_counter() - self.start:.1f} s", flush=True)


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database named in ``url`` when it does not exist yet."""
    import environ
    import psycopg2

    config = environ.Env.db_url_config(url)
    params = {"user": config["USER"], "host": config["HOST"], "port": config["PORT"] or 5432}
    try:
        psycopg2.connect(dbname=config["NAME"], **params).close()
    except psycopg2.OperationalError:
        admin = psycopg2.connect(dbname="postgres", **params)
        admin.autocommit = True
        admin.cursor().execute(f'CREATE DATABASE "{config["NAME"]}"')
        admin.close()
        print(f"created database {config['NAME']}")
