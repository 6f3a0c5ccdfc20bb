"""Regions more than one programme uses: the countries, and Kazakhstan's regions.

Populations are rounded figures of the right size for the demo (approximate
2020 estimates for Kazakhstan's regions), not official statistics.
"""

from caravan.registry.models import Region

from ..spec import RegionSpec

COUNTRY = Region.Level.COUNTRY
PROVINCE = Region.Level.PROVINCE
DISTRICT = Region.Level.DISTRICT
COMMUNE = Region.Level.COMMUNE

COUNTRIES = (
    RegionSpec("IR", "Iran", COUNTRY, name_local="ایران"),
    RegionSpec("VN", "Viet Nam", COUNTRY, name_local="Việt Nam"),
    RegionSpec("CN", "China", COUNTRY, name_local="中国"),
    RegionSpec("MN", "Mongolia", COUNTRY, name_local="Монгол Улс"),
    RegionSpec("KZ", "Kazakhstan", COUNTRY, name_local="Қазақстан"),
    RegionSpec("RU", "Russia", COUNTRY, name_local="Россия"),
    RegionSpec("ZW", "Zimbabwe", COUNTRY),
    RegionSpec("BH", "Bahrain", COUNTRY, name_local="البحرين"),
    RegionSpec("BD", "Bangladesh", COUNTRY, name_local="বাংলাদেশ"),
    RegionSpec("LY", "Libya", COUNTRY, name_local="ليبيا"),
    RegionSpec("SC", "Seychelles", COUNTRY, name_local="Sesel"),
    RegionSpec("TJ", "Tajikistan", COUNTRY, name_local="Тоҷикистон"),
    RegionSpec("IN", "India", COUNTRY, name_local="भारत"),
)

# Astana was called Nur-Sultan from 2019 to 2022 (so in the 2020 article); the region keeps one code throughout.
KAZAKHSTAN_REGIONS = (
    RegionSpec("KZ-AST", "Astana", PROVINCE, "KZ", "Астана", populations={2020: 1_136_000}),
    RegionSpec("KZ-ATY", "Atyrau Region", PROVINCE, "KZ", "Атырау облысы", populations={2020: 646_000}),
    RegionSpec("KZ-ZAP", "West Kazakhstan Region", PROVINCE, "KZ", "Батыс Қазақстан облысы",
               populations={2020: 657_000}),
    RegionSpec("KZ-MAN", "Mangystau Region", PROVINCE, "KZ", "Маңғыстау облысы", populations={2020: 698_000}),
    RegionSpec("KZ-AKT", "Aktobe Region", PROVINCE, "KZ", "Ақтөбе облысы", populations={2020: 882_000}),
    RegionSpec("KZ-YUZ", "Turkistan Region", PROVINCE, "KZ", "Түркістан облысы", populations={2020: 2_016_000}),
    RegionSpec("KZ-SHY", "Shymkent", PROVINCE, "KZ", "Шымкент", populations={2020: 1_038_000}),
    RegionSpec("KZ-KZY", "Kyzylorda Region", PROVINCE, "KZ", "Қызылорда облысы", populations={2020: 804_000}),
    RegionSpec("KZ-ALM", "Almaty Region", PROVINCE, "KZ", "Алматы облысы", populations={2020: 2_055_000}),
)

SHARED_REGIONS = COUNTRIES + KAZAKHSTAN_REGIONS
