"""Invented people: deterministic name generators and transliteration.

The demo never uses the names of real persons. Names are composed from common
name parts (so they look right in their script), picked by a fixed stride
through all combinations, and checked against the persons named in the source
articles (`ARTICLE_PERSONS`), which must never appear.
"""

import math
import unicodedata
from collections.abc import Iterator, Sequence

# People named in the five source articles (officials, doctors, a photographer).
# The demo invents everyone; a test makes sure none of these slips in.
ARTICLE_PERSONS = (
    "محسن رمضانی",
    "Phạm Bích Vân", "Phạm Văn Thịnh",
    "姜墨林", "顾晋", "向平超", "陈颖慧", "郭正纲", "额尔登呼", "阿丽娅", "奥克萨娜",
    "李凯", "马幼平", "冉张申", "王家增", "李晓伟", "王伟山", "张海涛", "高秀娟", "荣红智",
    "Гриднев", "Шоранов", "Мамин", "Мишустин", "ЖУАСБАЕВ",
)


def _walk(sizes: Sequence[int], start: int = 0) -> Iterator[tuple[int, ...]]:
    """Every combination of indexes exactly once, in a scattered but fixed order."""
    total = math.prod(sizes)
    step = max(1, int(total * 0.6180339887))
    while math.gcd(step, total) != 1:
        step += 1
    for k in range(total):
        n = (start + k * step) % total
        digits = []
        for size in reversed(sizes):
            n, d = divmod(n, size)
            digits.append(d)
        yield tuple(reversed(digits))


def _allowed(*forms: str) -> bool:
    return not any(banned in form for banned in ARTICLE_PERSONS for form in forms)


# ---------------------------------------------------------------- Vietnamese


def vi_ascii(text: str) -> str:
    """Vietnamese without its marks, for a Latin-only field: Đặng Thị Hà -> Dang Thi Ha."""
    text = text.replace("Đ", "D").replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if unicodedata.category(c) != "Mn"))


_VI_SURNAMES = (
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương", "Lý", "Lò",
    "Giàng", "Vàng", "Sùng", "Triệu", "Bàn", "Nông", "Hà", "Lục", "Đinh",
)
_VI_MIDDLE = {
    "male": ("Văn", "Đức", "Minh", "Quang", "Hữu", "Xuân", "Công", "Thành"),
    "female": ("Thị", "Thu", "Ngọc", "Thanh", "Hồng", "Phương", "Kim", "Minh"),
}
_VI_GIVEN = {
    "male": (
        "An", "Bình", "Cường", "Dũng", "Duy", "Hải", "Hiếu", "Hoàng", "Hùng", "Huy", "Khánh", "Khoa", "Kiên",
        "Long", "Lâm", "Nam", "Phong", "Phúc", "Quân", "Sơn", "Tâm", "Thắng", "Thịnh", "Toàn", "Trung", "Tuấn",
        "Tùng", "Việt", "Vinh", "Chính",
    ),
    "female": (
        "Anh", "Chi", "Diệp", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa", "Hương", "Huyền", "Lan",
        "Liên", "Linh", "Loan", "Mai", "Nga", "Ngân", "Nhung", "Oanh", "Phượng", "Quyên", "Thảo", "Thúy",
        "Trang", "Tuyết", "Yến", "Vy", "Xuân",
    ),
}


def vietnamese_names(count: int, *, start: int = 0) -> list[tuple[str, str, str]]:
    """`count` distinct (name, name_latin, sex), alternating women and men."""
    walkers = {
        sex: _walk((len(_VI_SURNAMES), len(_VI_MIDDLE[sex]), len(_VI_GIVEN[sex])), start)
        for sex in ("female", "male")
    }
    out = []
    for i in range(count):
        sex = "female" if i % 2 == 0 else "male"
        for s, m, g in walkers[sex]:
            name = f"{_VI_SURNAMES[s]} {_VI_MIDDLE[sex][m]} {_VI_GIVEN[sex][g]}"
            if _allowed(name):
                out.append((name, vi_ascii(name), sex))
                break
    return out


# ---------------------------------------------------------------- Chinese

_ZH_SURNAMES = (
    ("王", "Wang"), ("李", "Li"), ("张", "Zhang"), ("刘", "Liu"), ("陈", "Chen"), ("杨", "Yang"), ("赵", "Zhao"),
    ("黄", "Huang"), ("周", "Zhou"), ("吴", "Wu"), ("徐", "Xu"), ("孙", "Sun"), ("朱", "Zhu"), ("胡", "Hu"),
    ("郭", "Guo"), ("何", "He"), ("高", "Gao"), ("林", "Lin"), ("罗", "Luo"), ("郑", "Zheng"), ("梁", "Liang"),
    ("宋", "Song"), ("韩", "Han"), ("于", "Yu"), ("董", "Dong"), ("孔", "Kong"), ("孟", "Meng"), ("曹", "Cao"),
    ("田", "Tian"), ("邢", "Xing"), ("马", "Ma"), ("鲁", "Lu"),
)
_ZH_GIVEN_FIRST = (
    ("建", "jian"), ("国", "guo"), ("志", "zhi"), ("晓", "xiao"), ("春", "chun"), ("文", "wen"), ("海", "hai"),
    ("新", "xin"), ("立", "li"), ("振", "zhen"), ("玉", "yu"), ("秀", "xiu"), ("丽", "li"), ("雪", "xue"),
    ("红", "hong"), ("永", "yong"), ("德", "de"), ("明", "ming"), ("庆", "qing"), ("淑", "shu"),
)
_ZH_GIVEN_SECOND = (
    ("华", "hua"), ("明", "ming"), ("伟", "wei"), ("芳", "fang"), ("静", "jing"), ("敏", "min"), ("磊", "lei"),
    ("军", "jun"), ("勇", "yong"), ("杰", "jie"), ("娟", "juan"), ("涛", "tao"), ("霞", "xia"), ("平", "ping"),
    ("刚", "gang"), ("英", "ying"), ("斌", "bin"), ("宁", "ning"), ("鹏", "peng"), ("辉", "hui"), ("玲", "ling"),
    ("峰", "feng"), ("琳", "lin"), ("飞", "fei"), ("燕", "yan"), ("梅", "mei"), ("婷", "ting"), ("强", "qiang"),
)
# Given-name second characters read as women's names in the demo (for the `sex` field only).
_ZH_FEMININE = frozenset("芳静敏娟霞英玲琳燕梅婷")


def chinese_names(count: int, *, start: int = 0, exclude: set[str] | None = None) -> list[tuple[str, str, str]]:
    """`count` distinct (汉字 name, pinyin name, sex); pinyin without tones, surname first."""
    taken = set(exclude or ())
    out = []
    walker = _walk((len(_ZH_SURNAMES), len(_ZH_GIVEN_FIRST), len(_ZH_GIVEN_SECOND)), start)
    for s, f, g in walker:
        if len(out) == count:
            break
        (sc, sp), (fc, fp), (gc, gp) = _ZH_SURNAMES[s], _ZH_GIVEN_FIRST[f], _ZH_GIVEN_SECOND[g]
        if fc == gc:
            continue
        name = sc + fc + gc
        if name in taken or not _allowed(name):
            continue
        taken.add(name)
        out.append((name, f"{sp} {(fp + gp).capitalize()}", "female" if gc in _ZH_FEMININE else "male"))
    return out


# ---------------------------------------------------------------- Russian

_RU_LATIN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "",
    "э": "e", "ю": "yu", "я": "ya",
}


def ru_latin(text: str) -> str:
    """Russian Cyrillic in Latin letters (a simple passport-style table)."""
    out = []
    for ch in text:
        low = ch.lower()
        if low in _RU_LATIN:
            latin = _RU_LATIN[low]
            out.append(latin.capitalize() if ch != low else latin)
        else:
            out.append(ch)
    return "".join(out)


# (masculine surname, feminine surname)
_RU_SURNAMES = (
    ("Волков", "Волкова"), ("Соколов", "Соколова"), ("Морозов", "Морозова"), ("Лебедев", "Лебедева"),
    ("Козлов", "Козлова"), ("Новиков", "Новикова"), ("Павлов", "Павлова"), ("Семёнов", "Семёнова"),
    ("Голубев", "Голубева"), ("Виноградов", "Виноградова"), ("Богданов", "Богданова"), ("Воробьёв", "Воробьёва"),
    ("Фролов", "Фролова"), ("Белов", "Белова"), ("Тарасов", "Тарасова"), ("Беляев", "Беляева"),
    ("Комаров", "Комарова"), ("Орлов", "Орлова"), ("Киселёв", "Киселёва"), ("Макаров", "Макарова"),
    ("Зайцев", "Зайцева"), ("Соловьёв", "Соловьёва"), ("Борисов", "Борисова"), ("Яковлев", "Яковлева"),
    ("Григорьев", "Григорьева"), ("Романов", "Романова"), ("Андреев", "Андреева"), ("Никитин", "Никитина"),
    ("Захаров", "Захарова"), ("Степанов", "Степанова"), ("Жуков", "Жукова"), ("Ковалёв", "Ковалёва"),
)
_RU_GIVEN = {
    "male": ("Андрей", "Алексей", "Дмитрий", "Сергей", "Игорь", "Михаил", "Николай", "Павел", "Роман", "Юрий",
             "Денис", "Максим"),
    "female": ("Анна", "Елена", "Ольга", "Татьяна", "Наталья", "Ирина", "Марина", "Светлана", "Юлия",
               "Екатерина", "Дарья", "Вера"),
}
# (son of, daughter of)
_RU_PATRONYMICS = (
    ("Александрович", "Александровна"), ("Викторович", "Викторовна"), ("Владимирович", "Владимировна"),
    ("Сергеевич", "Сергеевна"), ("Николаевич", "Николаевна"), ("Петрович", "Петровна"),
    ("Анатольевич", "Анатольевна"), ("Борисович", "Борисовна"), ("Евгеньевич", "Евгеньевна"),
    ("Иванович", "Ивановна"),
)


def russian_names(sexes: Sequence[str], *, start: int = 0) -> list[tuple[str, str, str]]:
    """(Фамилия Имя Отчество, Latin, sex) for each requested sex, all distinct surnames."""
    out = []
    used_surnames: set[int] = set()
    walker = _walk((len(_RU_SURNAMES), len(_RU_GIVEN["male"]), len(_RU_PATRONYMICS)), start)
    for sex in sexes:
        for s, g, p in walker:
            if s in used_surnames:
                continue
            female = sex == "female"
            name = f"{_RU_SURNAMES[s][female]} {_RU_GIVEN[sex][g]} {_RU_PATRONYMICS[p][female]}"
            if not _allowed(name):
                continue
            used_surnames.add(s)
            out.append((name, ru_latin(name), sex))
            break
    return out


# ---------------------------------------------------------------- Persian

_FA_GIVEN = {
    "female": (("سارا", "Sara"), ("نگار", "Negar"), ("الهام", "Elham"), ("فاطمه", "Fatemeh"), ("زهرا", "Zahra"),
               ("مریم", "Maryam"), ("لیلا", "Leila"), ("شیرین", "Shirin"), ("آزاده", "Azadeh"), ("پریسا", "Parisa")),
    "male": (("علی", "Ali"), ("رضا", "Reza"), ("حسین", "Hossein"), ("مهدی", "Mehdi"), ("امیر", "Amir"),
             ("سعید", "Saeed"), ("حمید", "Hamid"), ("کیوان", "Keyvan"), ("بهزاد", "Behzad"), ("مجید", "Majid")),
}
_FA_SURNAMES = (
    ("احمدی", "Ahmadi"), ("حسینی", "Hosseini"), ("کریمی", "Karimi"), ("موسوی", "Mousavi"), ("رحیمی", "Rahimi"),
    ("نوروزی", "Nowruzi"), ("صادقی", "Sadeghi"), ("جعفری", "Jafari"), ("طاهری", "Taheri"), ("قاسمی", "Ghasemi"),
    ("یزدانی", "Yazdani"), ("شریفی", "Sharifi"), ("اکبری", "Akbari"), ("بابایی", "Babaei"), ("فرهادی", "Farhadi"),
    ("ملکی", "Maleki"), ("تقوی", "Taghavi"), ("عباسی", "Abbasi"), ("نیک‌نام", "Niknam"), ("پاکزاد", "Pakzad"),
)


def persian_names(count: int, *, start: int = 0) -> list[tuple[str, str, str]]:
    """`count` distinct (Persian name, Latin name, sex), alternating women and men, all distinct surnames."""
    out = []
    used: set[int] = set()
    walkers = {sex: _walk((len(_FA_GIVEN[sex]), len(_FA_SURNAMES)), start) for sex in ("female", "male")}
    for i in range(count):
        sex = "female" if i % 2 == 0 else "male"
        for g, s in walkers[sex]:
            if s in used and len(used) < len(_FA_SURNAMES):
                continue
            (gf, gl), (sf, sl) = _FA_GIVEN[sex][g], _FA_SURNAMES[s]
            name = f"{gf} {sf}"
            if not _allowed(name):
                continue
            used.add(s)
            out.append((name, f"{gl} {sl}", sex))
            break
    return out
