"""The one canonical barrier report, what submission requires, and labels in both languages.

Every field may be empty while a report is a draft; `missing_required` says what submission still
needs. Validators reuse `validate.py`, so the API, the CLI and the conversation reject the same
values with the same messages. Dates are ISO strings that keep the precision the reporter gave
(2024, 2024-03 or 2024-03-05): a day is never made up.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from assistant.reports import validate as v

ReporterType = Literal["company", "association", "government", "other"]
TradeDirection = Literal["export", "import"]
RequestKind = Literal[
    "explanation", "clarification", "modification", "withdrawal", "transition_period", "postponement"
]
REQUEST_KINDS: tuple[str, ...] = (
    "explanation", "clarification", "modification", "withdrawal", "transition_period", "postponement"
)
Language = Literal["zh", "en"]


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _raise(check: v.Checked[Any]) -> Any:
    if check.error is not None:
        raise ValueError(str(check.error))
    return check.value


class _Part(BaseModel):
    # allow_inf_nan=False: 1e400 (Infinity) and NaN are refused with "finite number" (issue 13)
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, validate_assignment=True,
                              allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _blank(cls, value: Any) -> Any:
        return _blank_to_none(value)


class Reporter(_Part):
    name: str | None = Field(default=None, max_length=100)
    organisation: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=40)
    email: str | None = Field(default=None, max_length=254)
    type: ReporterType | None = None

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        return None if value is None else _raise(v.check_phone(value))

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        return None if value is None else _raise(v.check_email(value))


class Product(_Part):
    description: str | None = Field(default=None, max_length=300)
    hs: str | None = Field(default=None, description="6 to 10 digits.")

    @field_validator("hs", mode="before")
    @classmethod
    def _hs(cls, value: Any) -> str | None:
        value = _blank_to_none(value)
        return None if value is None else _raise(v.check_hs(str(value)))


class Measure(_Part):
    title: str | None = Field(default=None, max_length=500)
    issuing_body: str | None = Field(default=None, max_length=300)
    ntm_code: str | None = Field(default=None, description="UNCTAD/MAST code, e.g. A22, B31, B83.")
    published: str | None = None
    entry_into_force: str | None = None
    notification_symbol: str | None = None

    @field_validator("ntm_code")
    @classmethod
    def _ntm(cls, value: str | None) -> str | None:
        if value is None:
            return None
        code = value.upper()
        if not re.fullmatch(r"[A-P]\d{0,3}", code):
            raise ValueError(str(v.Msg("NTM 编码应如 B31、A22", "An NTM code looks like B31 or A22")))
        return code

    @field_validator("published", "entry_into_force")
    @classmethod
    def _date(cls, value: str | None) -> str | None:
        return None if value is None else _check_date(value)

    @field_validator("notification_symbol")
    @classmethod
    def _symbol(cls, value: str | None) -> str | None:
        return None if value is None else _raise(v.check_symbol(value))


class Incident(_Part):
    description: str | None = Field(default=None, max_length=4000)
    first_met: str | None = None

    @field_validator("first_met")
    @classmethod
    def _date(cls, value: str | None) -> str | None:
        return None if value is None else _check_date(value)


class Impact(_Part):
    lost_sales: float | None = Field(default=None, ge=0)
    extra_cost: float | None = Field(default=None, ge=0)
    currency: str | None = None
    shipments_affected: int | None = Field(default=None, ge=0, le=1_000_000)
    smes_affected: bool | None = None

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str | None) -> str | None:
        if value is None:
            return None
        code = v.CURRENCY_WORDS.get(value.lower(), value.upper())
        if not re.fullmatch(r"[A-Z]{3}", code):
            raise ValueError(str(v.Msg("币种应为三位字母代码，如 USD、CNY、EUR",
                                       "Currency must be a 3-letter code such as USD, CNY, EUR")))
        return code


class Attachment(_Part):
    name: str = Field(min_length=1, max_length=300)
    url: str | None = Field(default=None, max_length=2000)
    kind: Literal["file", "link", "record"] = "link"
    note: str | None = Field(default=None, max_length=500)


def _check_date(value: str) -> str:
    if v.is_partial_iso_date(value):
        return value
    return str(_raise(v.parse_date(value)))


class BarrierReport(_Part):
    """A report of a barrier met abroad, in the words and with the facts the reporter gave."""

    reporter: Reporter = Field(default_factory=Reporter)
    trade_direction: TradeDirection = "export"
    market: str | None = Field(default=None, description="ISO-3 code of the market, or EU.")
    product: Product = Field(default_factory=Product)
    measure: Measure = Field(default_factory=Measure)
    incident: Incident = Field(default_factory=Incident)
    impact: Impact = Field(default_factory=Impact)
    actions_taken: str | None = Field(default=None, max_length=4000)
    request: list[RequestKind] = Field(default_factory=list)
    attachments: list[Attachment] = Field(default_factory=list, max_length=50)
    confidential_fields: list[str] = Field(default_factory=list)
    language: Language = "zh"
    channel: str = Field(default="web", max_length=40)

    @field_validator("market")
    @classmethod
    def _market(cls, value: str | None) -> str | None:
        if value is None:
            return None
        code = value.upper()
        if not re.fullmatch(r"[A-Z]{3}|EU", code):
            raise ValueError(str(v.Msg("市场应为 ISO-3 国家代码（如 DEU）或 EU",
                                       "Market must be an ISO-3 country code (e.g. DEU) or EU")))
        return code

    @field_validator("request", mode="before")
    @classmethod
    def _request_unique(cls, value: Any) -> Any:
        if isinstance(value, list):
            return list(dict.fromkeys(value))
        return value

    @field_validator("confidential_fields")
    @classmethod
    def _confidential(cls, value: list[str]) -> list[str]:
        bad = [f for f in value if f not in FIELD_PATHS]
        if bad:
            raise ValueError(str(v.Msg(f"未知字段：{', '.join(bad)}", f"Unknown fields: {', '.join(bad)}")))
        return list(dict.fromkeys(value))


# --- field paths, requirements and labels --------------------------------------------------------

FIELD_PATHS: tuple[str, ...] = (
    "reporter.name", "reporter.organisation", "reporter.phone", "reporter.email", "reporter.type",
    "trade_direction", "market", "product.description", "product.hs",
    "measure.title", "measure.issuing_body", "measure.ntm_code", "measure.published",
    "measure.entry_into_force", "measure.notification_symbol",
    "incident.description", "incident.first_met",
    "impact.lost_sales", "impact.extra_cost", "impact.currency", "impact.shipments_affected",
    "impact.smes_affected", "actions_taken", "request", "attachments",
)

# What submission needs, in the order the conversation asks. A contact is a phone OR an e-mail.
REQUIRED_FIELDS: tuple[str, ...] = (
    "incident.description", "market", "product.description", "request",
    "reporter.organisation", "reporter.name", "reporter.phone",
)
ALTERNATIVES: dict[str, tuple[str, ...]] = {"reporter.phone": ("reporter.email",)}
OPTIONAL_FIELDS: tuple[str, ...] = tuple(
    f for f in FIELD_PATHS if f not in REQUIRED_FIELDS and f not in ("reporter.email",)
) + ("reporter.email",)

LABELS: dict[str, tuple[str, str]] = {
    "reporter.name": ("姓名", "Name"),
    "reporter.organisation": ("工作单位", "Organisation"),
    "reporter.phone": ("电话", "Phone"),
    "reporter.email": ("邮箱", "E-mail"),
    "reporter.type": ("单位类型", "Reporter type"),
    "trade_direction": ("贸易方向", "Trade direction"),
    "market": ("市场（实施措施的国家/地区）", "Market imposing the measure"),
    "product.description": ("产品", "Product"),
    "product.hs": ("HS 编码", "HS code"),
    "measure.title": ("措施名称", "Measure title"),
    "measure.issuing_body": ("发布机构", "Issuing body"),
    "measure.ntm_code": ("措施类型（NTM 编码）", "Measure type (NTM code)"),
    "measure.published": ("发布日期", "Publication date"),
    "measure.entry_into_force": ("生效日期", "Entry into force"),
    "measure.notification_symbol": ("WTO 通报号", "WTO notification symbol"),
    "incident.description": ("遇到的问题", "What happened"),
    "incident.first_met": ("首次遇到的日期", "Date first met"),
    "impact.lost_sales": ("损失金额", "Lost sales"),
    "impact.extra_cost": ("额外成本", "Extra cost"),
    "impact.currency": ("币种", "Currency"),
    "impact.shipments_affected": ("受影响批次/货柜", "Shipments affected"),
    "impact.smes_affected": ("是否影响中小企业", "SMEs affected"),
    "actions_taken": ("已采取的行动", "Actions taken"),
    "request": ("诉求", "Request"),
    "attachments": ("附件/相关记录", "Attachments / related records"),
}

REQUEST_LABELS: dict[str, tuple[str, str]] = {
    "explanation": ("解释", "explanation"),
    "clarification": ("澄清", "clarification"),
    "modification": ("修改", "modification"),
    "withdrawal": ("废止/撤销", "withdrawal"),
    "transition_period": ("给予过渡期", "a transition period"),
    "postponement": ("推迟实施", "postponement"),
}

REPORTER_TYPE_LABELS: dict[str, tuple[str, str]] = {
    "company": ("企业", "company"),
    "association": ("行业协会/商会", "association"),
    "government": ("政府部门", "government"),
    "other": ("其他", "other"),
}


def label(path: str, lang: str) -> str:
    zh, en = LABELS.get(path, (path, path))
    return zh if lang.startswith("zh") else en


def get_path(report: BarrierReport, path: str) -> Any:
    obj: Any = report
    for part in path.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def set_path(report: BarrierReport, path: str, value: Any) -> BarrierReport:
    """A copy of `report` with `path` set; raises ValueError (bilingual) if the value is invalid."""
    data = report.model_dump()
    target = data
    parts = path.split(".")
    for part in parts[:-1]:
        target = target[part]
    target[parts[-1]] = value
    return BarrierReport.model_validate(data)


def is_filled(report: BarrierReport, path: str) -> bool:
    value = get_path(report, path)
    return value not in (None, "", [])


def missing_required(report: BarrierReport) -> list[str]:
    """Required field paths still empty, in asking order."""
    out = []
    for path in REQUIRED_FIELDS:
        if is_filled(report, path):
            continue
        if any(is_filled(report, alt) for alt in ALTERNATIVES.get(path, ())):
            continue
        out.append(path)
    return out


def filled_fields(report: BarrierReport) -> dict[str, Any]:
    """Every filled leaf path with its value (BarrierReport field names), for `report draft`."""
    return {p: get_path(report, p) for p in FIELD_PATHS if is_filled(report, p)}


def completeness_errors(report: BarrierReport) -> list[v.FieldError]:
    errors = []
    for path in missing_required(report):
        zh, en = LABELS[path]
        if path == "reporter.phone":
            msg = v.Msg("请至少提供电话或邮箱之一。", "Give at least a phone number or an e-mail address.")
        else:
            msg = v.Msg(f"缺少必填项：{zh}。", f"Required field missing: {en}.")
        errors.append(v.FieldError(path, msg))
    return errors
