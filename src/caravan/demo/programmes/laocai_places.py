"""Lao Cai's districts and communes.

The article counts 315 communes, wards and towns meeting the national
commune-health criteria, 98.7% of the total: 315 / 319 = 0.98746 -> 98.7%. The
demo therefore has 319 communes, four of which do not (yet) meet the criteria.
Each district starts with commune names that exist there; the rest are
composed from common place-name syllables, fixed, so every run gives the same
list. (The province has since been reorganised; the demo keeps the article's
picture.)
"""

from ..names import vi_ascii
from ..spec import RegionSpec
from .common import COMMUNE, DISTRICT, PROVINCE

PROVINCE_CODE = "VN-LC"
COMMUNES_TOTAL = 319
COMMUNES_MEETING_CRITERIA = 315  # 315 / 319 = 98.7%

# Province population by year (rounded, for the demo). 2024 is exactly 800,000 so the
# article's ratios come out as whole counts: 12.8 doctors and 38.1 beds per 10,000 people
# mean 12.8 * 80 = 1,024 doctors and 38.1 * 80 = 3,048 hospital beds.
POPULATION = {2020: 745_000, 2021: 757_000, 2022: 769_000, 2023: 784_000, 2024: 800_000, 2025: 812_000}

# (code, English name, Vietnamese name, communes, 2024 population, known commune names)
DISTRICTS = (
    ("TP", "Lao Cai City", "Thành phố Lào Cai", 17, 140_000, (
        "Phường Cốc Lếu", "Phường Kim Tân", "Phường Duyên Hải", "Phường Lào Cai", "Phường Bắc Cường",
        "Phường Nam Cường", "Phường Bình Minh", "Phường Pom Hán", "Phường Xuân Tăng", "Phường Bắc Lệnh",
        "Phường Thống Nhất", "Xã Cam Đường", "Xã Hợp Thành", "Xã Tả Phời", "Xã Vạn Hòa", "Xã Đồng Tuyển",
        "Xã Cốc San")),
    ("SP", "Sa Pa Town", "Thị xã Sa Pa", 18, 88_000, (
        "Phường Sa Pa", "Phường Sa Pả", "Phường Ô Quý Hồ", "Phường Hàm Rồng", "Phường Cầu Mây",
        "Phường Phan Si Păng", "Xã Tả Van", "Xã Tả Phìn", "Xã Bản Hồ", "Xã Thanh Bình", "Xã Trung Chải",
        "Xã Mường Hoa", "Xã Hoàng Liên", "Xã Liên Minh", "Xã Mường Bo", "Xã Ngũ Chỉ Sơn")),
    ("BX", "Bat Xat District", "Huyện Bát Xát", 45, 84_000, (
        "Thị trấn Bát Xát", "Xã Y Tý", "Xã A Mú Sung", "Xã A Lù", "Xã Trịnh Tường", "Xã Mường Hum",
        "Xã Bản Vược", "Xã Quang Kim", "Xã Bản Qua", "Xã Dền Sáng", "Xã Nậm Chạc", "Xã Ngải Thầu",
        "Xã Sàng Ma Sáo", "Xã Mường Vi", "Xã Phìn Ngan", "Xã Cốc Mỳ", "Xã Tòng Sành", "Xã Pa Cheo",
        "Xã Bản Xèo", "Xã Trung Lèng Hồ", "Xã Nậm Pung", "Xã Dền Thàng")),
    ("BT", "Bao Thang District", "Huyện Bảo Thắng", 40, 125_000, (
        "Thị trấn Phố Lu", "Thị trấn Tằng Loỏng", "Thị trấn Nông trường Phong Hải", "Xã Phong Niên",
        "Xã Xuân Quang", "Xã Thái Niên", "Xã Sơn Hà", "Xã Sơn Hải", "Xã Gia Phú", "Xã Xuân Giao",
        "Xã Phú Nhuận", "Xã Bản Phiệt", "Xã Bản Cầm", "Xã Trì Quang")),
    ("BY", "Bao Yen District", "Huyện Bảo Yên", 42, 92_000, (
        "Thị trấn Phố Ràng", "Xã Nghĩa Đô", "Xã Xuân Hòa", "Xã Vĩnh Yên", "Xã Tân Dương", "Xã Lương Sơn",
        "Xã Xuân Thượng", "Xã Yên Sơn", "Xã Bảo Hà", "Xã Kim Sơn", "Xã Cam Cọn", "Xã Tân Tiến",
        "Xã Điện Quan", "Xã Thượng Hà", "Xã Minh Tân", "Xã Việt Tiến", "Xã Phúc Khánh")),
    ("BH", "Bac Ha District", "Huyện Bắc Hà", 40, 70_000, (
        "Thị trấn Bắc Hà", "Xã Lùng Phình", "Xã Tả Van Chư", "Xã Bản Phố", "Xã Cốc Ly", "Xã Bảo Nhai",
        "Xã Lầu Thí Ngài", "Xã Thải Giàng Phố", "Xã Na Hối", "Xã Tà Chải", "Xã Nậm Mòn", "Xã Bản Liền",
        "Xã Hoàng Thu Phố", "Xã Nậm Đét", "Xã Tả Củ Tỷ", "Xã Lùng Cải")),
    ("MK", "Muong Khuong District", "Huyện Mường Khương", 38, 65_000, (
        "Thị trấn Mường Khương", "Xã Pha Long", "Xã Bản Lầu", "Xã Lùng Vai", "Xã Cao Sơn", "Xã Tung Chung Phố",
        "Xã Bản Xen", "Xã Thanh Bình", "Xã Nậm Chảy", "Xã Dìn Chin", "Xã Tả Ngải Chồ", "Xã La Pan Tẩn",
        "Xã Lùng Khấu Nhin", "Xã Tả Gia Khâu", "Xã Nấm Lư")),
    ("SMC", "Si Ma Cai District", "Huyện Si Ma Cai", 27, 38_000, (
        "Thị trấn Si Ma Cai", "Xã Sán Chải", "Xã Cán Cấu", "Xã Lùng Thẩn", "Xã Bản Mế", "Xã Nàn Sín",
        "Xã Sín Chéng", "Xã Quan Hồ Thẩn", "Xã Thào Chư Phìn", "Xã Nàn Sán")),
    ("VB", "Van Ban District", "Huyện Văn Bàn", 52, 98_000, (
        "Thị trấn Khánh Yên", "Xã Võ Lao", "Xã Nậm Xé", "Xã Dương Quỳ", "Xã Minh Lương", "Xã Tân An",
        "Xã Chiềng Ken", "Xã Sơn Thủy", "Xã Làng Giàng", "Xã Hòa Mạc", "Xã Khánh Yên Thượng",
        "Xã Khánh Yên Trung", "Xã Khánh Yên Hạ", "Xã Liêm Phú", "Xã Nậm Chầy", "Xã Nậm Tha", "Xã Thẩm Dương",
        "Xã Dần Thàng", "Xã Tân Thượng", "Xã Văn Sơn")),
)

# The four communes still short of the criteria: the last one listed in four remote districts.
_SHORT_OF_CRITERIA = ("BX", "BH", "MK", "SMC")

_FIRST = ("Bản", "Nậm", "Tả", "Cốc", "Lùng", "Pa", "Sán", "Tân", "Phú", "Xuân", "Yên", "Minh", "Thanh", "Hòa",
          "Sơn", "Vĩnh", "Phong", "Gia", "Kim", "Quang", "Trung", "Nghĩa", "Làng", "Séo", "Na", "Long")
_SECOND = ("Chải", "Phìn", "Hồ", "Sáng", "Xé", "Tha", "Mạ", "Cang", "Hà", "Lộc", "Thịnh", "Tiến", "Phúc",
           "Hưng", "Thành", "Bình", "An", "Hải", "Giang", "Lâm", "Dương", "Mai", "Tường", "Khai", "Lương")


def _commune_names() -> dict[str, list[str]]:
    """Vietnamese names (with their administrative prefix) per district, unique in the province."""
    used = {name for *_, known in DISTRICTS for name in known}
    pool = (f"Xã {a} {b}" for b in _SECOND for a in _FIRST)
    out = {}
    for code, _en, _vi, count, _pop, known in DISTRICTS:
        names = list(known[:count])
        while len(names) < count:
            candidate = next(pool)
            if candidate not in used:
                used.add(candidate)
                names.append(candidate)
        out[code] = names
    return out


_PREFIXES = ("Thị trấn ", "Phường ", "Xã ")


def short_name(local: str) -> str:
    """'Xã Tả Van' -> 'Tả Van'."""
    for prefix in _PREFIXES:
        if local.startswith(prefix):
            return local[len(prefix):]
    return local


def commune_code(district: str, index: int) -> str:
    return f"{PROVINCE_CODE}-{district}-{index:03d}"


COMMUNE_NAMES = _commune_names()


def regions() -> tuple[RegionSpec, ...]:
    specs = [
        RegionSpec("VN-HN", "Hanoi", PROVINCE, "VN", "Thành phố Hà Nội"),
        RegionSpec(PROVINCE_CODE, "Lao Cai", PROVINCE, "VN", "Tỉnh Lào Cai", populations=dict(POPULATION)),
    ]
    for code, english, local, _count, population, _known in DISTRICTS:
        specs.append(RegionSpec(f"{PROVINCE_CODE}-{code}", english, DISTRICT, PROVINCE_CODE, local,
                                populations={2024: population}))
    for code, *_ in DISTRICTS:
        names = COMMUNE_NAMES[code]
        for index, local in enumerate(names, start=1):
            meets = not (code in _SHORT_OF_CRITERIA and index == len(names))
            specs.append(RegionSpec(commune_code(code, index), vi_ascii(short_name(local)), COMMUNE,
                                    f"{PROVINCE_CODE}-{code}", local, meets_commune_criteria=meets))
    return tuple(specs)


# Checked when the module is imported, so a mistyped list cannot ship.
assert sum(d[3] for d in DISTRICTS) == COMMUNES_TOTAL
assert sum(d[4] for d in DISTRICTS) == POPULATION[2024]
assert round(100 * COMMUNES_MEETING_CRITERIA / COMMUNES_TOTAL, 1) == 98.7
