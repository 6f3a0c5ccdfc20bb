from caravan.core.text import fold, search_blob


def test_fold_unifies_arabic_and_persian_letters():
    assert fold("علي") == fold("علی") == "علی"
    assert fold("كرمان") == "کرمان"


def test_fold_drops_zwnj_and_reads_all_digit_scripts():
    assert fold("می\u200cخواهم") == "میخواهم"
    assert fold("۱۴۰۳") == "1403"
    assert fold("١٤٠٣") == "1403"
    assert fold("२०२४") == "2024"


def test_fold_casefolds_and_strips_latin_accents_but_keeps_devanagari_signs():
    assert fold("  Tiếng  VIỆT ") == "tieng viet"
    assert fold("हिन्दी") == "हिन्दी"


def test_chinese_is_kept_for_substring_search():
    assert "人民医院" in fold("刚察县人民医院")


def test_search_blob_joins_every_name_folded():
    assert search_blob("Imam Khomeini", "بيمارستان امام", None, "IR-1") == "imam khomeini | بیمارستان امام | ir-1"


def test_vietnamese_d_with_stroke_is_found_by_a_plain_d():
    assert fold("Đặng Thị Hoa") == "dang thi hoa"


def test_search_blob_stores_a_repeated_name_once():
    assert search_blob("Anna Silva", "anna silva", "AS-1") == "anna silva | as-1"
