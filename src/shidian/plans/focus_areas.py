"""The focus areas of the programme (reference data; the 0002 migration loads the same list)."""

from __future__ import annotations

from shidian.plans.models import FocusArea

FOCUS_AREAS = [
    ("notice_2016", "migrant_integration", "农民工融入城镇"),
    ("notice_2016", "new_small_cities", "新生中小城市培育"),
    ("notice_2016", "central_cities", "中心城市建设"),
    ("notice_2016", "green_smart", "城市绿色智能发展"),
    ("notice_2016", "industry_city", "产城融合发展"),
    ("notice_2016", "local_culture", "地方文化保护传承"),
    ("notice_2016", "urban_rural", "城乡统筹发展"),
    ("overall_plan_2014", "citizenisation_costs", "农业转移人口市民化成本分担机制"),
    ("overall_plan_2014", "financing", "多元化可持续的城镇化投融资机制"),
    ("overall_plan_2014", "homestead_reform", "农村宅基地制度改革"),
    ("overall_plan_2014", "city_setup", "创新行政管理和降低行政成本的设市设区模式"),
    ("overall_plan_2014", "institutional_reform", "综合推进体制机制改革"),
    ("land", "farmland", "耕地保护"),
    ("land", "permanent_farmland", "永久基本农田"),
    ("land", "development_boundary", "城镇开发边界"),
    ("land", "stock_land", "存量建设用地盘活"),
    ("land", "inefficient_land", "低效用地再开发"),
    ("land", "multi_plan", "多规合一"),
]


def ensure_focus_areas() -> int:
    """Create the programme's focus areas that are missing (admins' additions and edits are kept)."""
    created = 0
    for position, (group, code, name) in enumerate(FOCUS_AREAS, start=1):
        _area, was_created = FocusArea.objects.get_or_create(
            code=code, defaults={"name": name, "group": group, "position": position}
        )
        created += was_created
    return created
