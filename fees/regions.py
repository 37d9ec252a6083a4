"""The region tree as the fee rules need it: where a filing applies, which province a region is in,
which regions are city-level (省辖市 and 省直管县, for choosing where to look) and which are the
prefecture-level cities (省辖市) whose platforms make the benchmark (see ``fees.clauses``)."""

from dataclasses import dataclass

from supervision.models import Region


@dataclass(frozen=True)
class Node:
    code: str
    name: str
    level: str
    parent: str | None
    province_governed: bool


class RegionTree:
    """All regions in memory (a few hundred rows at most), loaded with one query."""

    def __init__(self, nodes: dict[str, Node] | None = None):
        if nodes is None:
            nodes = {
                code: Node(code, name, level, parent, governed)
                for code, name, level, parent, governed in Region.objects.values_list(
                    "code", "name", "level", "parent_id", "province_governed"
                )
            }
        self.nodes = nodes

    def __getitem__(self, code: str) -> Node:
        return self.nodes[code]

    def name(self, code: str) -> str:
        node = self.nodes.get(code)
        return node.name if node else code

    def province_of(self, code: str) -> str | None:
        seen = 0
        while code is not None and seen < 5:
            node = self.nodes.get(code)
            if node is None:
                return None
            if node.level == Region.Level.PROVINCE:
                return code
            code, seen = node.parent, seen + 1
        return None

    def applicable(self, code: str) -> list[str]:
        """The regions whose filings apply in ``code``, most specific first: the region itself,
        its city when it is an ordinary county, and its province."""
        node = self.nodes[code]
        chain = [code]
        if node.level == Region.Level.COUNTY and not node.province_governed and node.parent:
            chain.append(node.parent)
        province = self.province_of(code)
        if province and province not in chain:
            chain.append(province)
        return chain

    def city_level(self, province: str) -> list[str]:
        """The province's cities and its province-governed counties (every city-level platform)."""
        codes = []
        for node in self.nodes.values():
            if node.level == Region.Level.CITY and node.parent == province:
                codes.append(node.code)
            elif (
                node.level == Region.Level.COUNTY and node.province_governed and self.province_of(node.code) == province
            ):
                codes.append(node.code)
        return sorted(codes)

    def prefecture_cities(self, province: str, *, province_governed_cities: bool = True) -> list[str]:
        """The province's 省辖市, whose platforms make the benchmark (豫公管办〔2019〕23号 三 "目前省辖市…"):
        never a province-governed county (省直管县（市）); a city-level unit governed by the province
        (济源) only when ``province_governed_cities`` (the province's policy, see ``fees.clauses``)."""
        return sorted(
            node.code
            for node in self.nodes.values()
            if node.level == Region.Level.CITY
            and node.parent == province
            and (province_governed_cities or not node.province_governed)
        )
