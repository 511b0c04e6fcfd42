from khedmat.core.text import (
    digits_only,
    mask_national_id,
    normalize_text,
    search_key,
    to_ascii_digits,
    to_persian_digits,
)


def test_persian_and_arabic_indic_digits_become_ascii():
    assert to_ascii_digits("۰۱۲۳۴۵۶۷۸۹") == "0123456789"
    assert to_ascii_digits("٠١٢٣٤٥٦٧٨٩") == "0123456789"
    assert to_ascii_digits("abc 12") == "abc 12"


def test_ascii_digits_display_in_persian():
    assert to_persian_digits(1404) == "۱۴۰۴"
    assert to_persian_digits("09121234567") == "۰۹۱۲۱۲۳۴۵۶۷"


def test_arabic_yeh_and_kaf_are_stored_in_persian_form():
    assert normalize_text("علي كريمي") == "علی کریمی"
    assert normalize_text("موسى") == "موسی"


def test_spaces_are_collapsed_and_zwnj_is_kept():
    assert normalize_text("  می\u200cشود   خوب \t ") == "می\u200cشود خوب"
    assert normalize_text("خط ۱\r\nخط ۲") == "خط 1\nخط 2"


def test_bidi_marks_and_tatweel_are_removed():
    assert normalize_text("\u200fسلـــام\u200e") == "سلام"


def test_digits_only_drops_separators_in_any_script():
    assert digits_only("۰۰۱-۰۰۰ ۰۰۱۱") == "0010000011"


def test_search_key_matches_letter_and_digit_variants():
    assert search_key("كريمي ١٢") == search_key("کریمی 12")
    assert search_key("می\u200cشود") == search_key("می شود")


def test_mask_national_id_keeps_the_last_four_digits():
    assert mask_national_id("0012345678") == "******5678"
    assert mask_national_id("10380284790") == "*******4790"
    assert mask_national_id("") == ""
