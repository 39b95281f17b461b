"""Values a reporter types: accepted ones are normalised, wrong ones get a message in both
languages, and nothing raises."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.reports import validate as v


@pytest.mark.parametrize(("raw", "expected"), [
    ("zhang.wei@example.com", "zhang.wei@example.com"),
    ("Li.Wei+tbt@Example.CN", "Li.Wei+tbt@example.cn"),
    ("ｚｗ＠ｅｘａｍｐｌｅ．ｃｏｍ", "zw@example.com"),  # full-width typing
])
def test_good_emails(raw: str, expected: str) -> None:
    assert v.check_email(raw).value == expected


@pytest.mark.parametrize("raw", ["zhang.wei", "a@b", "a b@example.com", "@example.com", "x@@example.com", ""])
def test_bad_emails_get_a_bilingual_message(raw: str) -> None:
    c = v.check_email(raw)
    assert not c.ok and c.error is not None
    assert "邮箱" in c.error.zh and "e-mail" in c.error.en


@pytest.mark.parametrize(("raw", "expected"), [
    ("13812345678", "13812345678"),
    ("138 1234 5678", "13812345678"),
    ("+86 138-1234-5678", "+86 13812345678"),
    ("0086 13812345678", "+86 13812345678"),
    ("0755-12345678", "0755-12345678"),
    ("(010) 12345678", "010-12345678"),
    ("021 1234 5678", "021-12345678"),
    ("0574-8765432", "0574-8765432"),
    ("+49 30 1234567", "+49301234567"),
    ("+1 (202) 555-0143", "+12025550143"),
    ("0755-12345678 转 802", "0755-12345678 ext. 802"),
])
def test_good_phones(raw: str, expected: str) -> None:
    assert v.check_phone(raw).value == expected


@pytest.mark.parametrize("raw", ["12345", "23812345678", "1281234567", "138123456789", "0755-123", "电话号码",
                                 "+86 12345", "+0 123456789", "abc@example.com"])
def test_bad_phones(raw: str) -> None:
    c = v.check_phone(raw)
    assert not c.ok and c.error is not None
    assert "13812345678" in c.error.zh and "+49" in c.error.en  # the message shows valid examples


def test_phones_found_in_text_skip_identifiers() -> None:
    text = "电话13812345678，座机0574-87654321；通报 G/TBT/N/USA/867，RASFF 2024.7943"
    assert v.find_phones(text) == ["13812345678", "0574-87654321"]


@pytest.mark.parametrize(("raw", "expected"), [
    ("392410", "392410"), ("3924.10", "392410"), ("3924 10 00 00", "3924100000"), ("HS 85183000", "85183000"),
])
def test_good_hs(raw: str, expected: str) -> None:
    assert v.check_hs(raw).value == expected


@pytest.mark.parametrize("raw", ["3924", "39241000001", "990000", "000000", "餐具", "39a410"])
def test_bad_hs(raw: str) -> None:
    c = v.check_hs(raw)
    assert c.error is not None and "6" in c.error.zh and "6 to 10" in c.error.en


@pytest.mark.parametrize(("raw", "expected"), [
    ("2024-03-05", "2024-03-05"),
    ("2024/3/5", "2024-03-05"),
    ("2024年3月5日", "2024-03-05"),
    ("2024年3月", "2024-03"),
    ("二〇二四年三月五日", None),  # a year in Chinese numerals is not read (never guessed)
    ("2024年三月五日", "2024-03-05"),
    ("5 March 2024", "2024-03-05"),
    ("March 5, 2024", "2024-03-05"),
    ("Sept 2023", "2023-09"),
    ("15/3/2024", "2024-03-15"),
    ("3/15/2024", "2024-03-15"),
    ("2023", "2023"),
])
def test_dates(raw: str, expected: str | None) -> None:
    assert v.parse_date(raw).value == expected


def test_ambiguous_date_asks_which_one() -> None:
    c = v.parse_date("3/5/2024")
    assert c.value is None and set(c.options) == {"2024-03-05", "2024-05-03"}
    assert c.error is not None and "2024年3月5日" in c.error.zh and "3 May 2024" in c.error.en


@pytest.mark.parametrize("raw", ["2024-02-30", "去年", "13/13/2024", "yesterday"])
def test_bad_dates(raw: str) -> None:
    c = v.parse_date(raw)
    assert c.value is None and c.error is not None and "2024-03-05" in c.error.zh


def test_dates_in_text_ignore_identifiers() -> None:
    text = "RASFF 2024.7943 于 2024年10月29日通报；Regulation (EU) 2019/1020 适用"
    assert [h.value for h in v.find_dates(text)] == ["2024-10-29"]


@pytest.mark.parametrize(("raw", "amount", "currency"), [
    ("8万美元", 80000, "USD"),
    ("八万美元", 80000, "USD"),
    ("50万元", 500000, "CNY"),
    ("人民币50万元", 500000, "CNY"),
    ("50万人民币", 500000, "CNY"),
    ("1.2亿元", 120000000, "CNY"),
    ("€12,000", 12000, "EUR"),
    ("3 million dollars", 3000000, "USD"),
    ("USD 80,000", 80000, "USD"),
    ("$80k", 80000, "USD"),
    ("2000 欧元", 2000, "EUR"),
    ("£1,500", 1500, "GBP"),
])
def test_amounts(raw: str, amount: float, currency: str) -> None:
    c = v.parse_amount(raw)
    assert c.value == v.Money(amount, currency)


def test_amount_without_currency_asks_for_it() -> None:
    c = v.parse_amount("80000")
    assert c.value is None and c.error is not None
    assert "币种" in c.error.zh and "currency" in c.error.en
    assert v.parse_amount("很多钱").error is not None


def test_amounts_in_text() -> None:
    hits = v.find_amounts("扣了两柜货，损失大概8万美元，检测费又花了2万元")
    assert [(h.money.amount, h.money.currency) for h in hits] == [(80000, "USD"), (20000, "CNY")]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_nothing_raises_on_any_text(text: str) -> None:
    for check in (v.check_email, v.check_phone, v.check_hs, v.parse_date, v.parse_amount, v.check_symbol):
        result = check(text)
        assert result.ok or result.error is not None or result.options
    v.find_amounts(text)
    v.find_dates(text)
    v.find_phones(text)
