"""Typed records: everything the assistant knows is one of these, each with a stable `ref`.

A record's `ref` is the identifier a user would quote (`G/TBT/N/USA/867/Add.1`,
`Regulation (EU) 2017/745`, `RASFF 2024.2707`, `海关总署公告〔2024〕151号`, `DS381`). Citations carry
it. Long texts are cut into `Chunk`s that point back to their record and know their place
(`Regulation (EU) 2017/745, Article 52`, page 41).

Bilingual records have `*_en` and `*_zh` fields written in our own words; `title` keeps the
original-language title, which answers in either language quote unchanged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator


class RecordType(StrEnum):
    notification = "notification"
    regulation = "regulation"
    case = "case"
    alert = "alert"
    announcement = "announcement"
    dispute = "dispute"
    form = "form"
    document = "document"


class Dates(BaseModel):
    """The dates a measure can carry; any may be unknown (None), never guessed."""

    model_config = ConfigDict(extra="forbid")

    distributed: dt.date | None = None  # WTO distribution date of a notification
    published: dt.date | None = None  # publication / issue date of a legal act or announcement
    adopted: dt.date | None = None  # (proposed) date of adoption
    entry_into_force: dt.date | None = None  # (proposed) date of entry into force
    applies_from: dt.date | None = None  # date of application, when it differs
    comment_deadline: dt.date | None = None  # final date for comments
    event: dt.date | None = None  # date of an alert / case event (RASFF "date of case")

    def known(self) -> dict[str, dt.date]:
        return {k: v for k, v in self.model_dump().items() if v is not None}


class KeyDate(BaseModel):
    """A dated milestone of a curated record, in both languages."""

    model_config = ConfigDict(extra="forbid")

    date: dt.date
    what_en: str
    what_zh: str | None = None
    ref: str | None = None  # the act or notification that set this date, when it has its own ref


class BaseRecord(BaseModel):
    """Fields shared by every record type."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    ref: str = Field(min_length=1, max_length=300)
    type: RecordType
    title: str = Field(min_length=1, description="Original-language title, quoted unchanged.")
    title_en: str | None = None
    title_zh: str | None = None
    summary_en: str | None = None
    summary_zh: str | None = None
    text: str = Field(default="", description="Full body in the original language, if any.")
    language: str = Field(default="en", description="Language of `title`/`text`: en, zh, fr, es.")
    markets: list[str] = Field(default_factory=list, description="ISO-3 codes, or EU/GCC/ASEAN/EAEU.")
    hs: list[str] = Field(default_factory=list, description="HS codes, as many digits as known.")
    ntm: list[str] = Field(default_factory=list, description="UNCTAD/MAST codes, e.g. B31, B83.")
    issuer: str | None = None
    dates: Dates = Field(default_factory=Dates)
    key_dates: list[KeyDate] = Field(default_factory=list)
    url: str | None = None
    source: str = Field(min_length=1, description="Where the facts come from.")
    licence: str = Field(min_length=1)
    as_of: dt.date | None = Field(default=None, description="When curated facts were last checked.")
    related: list[str] = Field(default_factory=list, description="Refs of related records.")
    keywords: list[str] = Field(default_factory=list, description="Search terms, both languages.")

    @field_validator("hs", mode="before")
    @classmethod
    def _hs_digits(cls, v: Any) -> Any:
        if isinstance(v, list):
            out = []
            for code in v:
                digits = "".join(ch for ch in str(code) if ch.isdigit())
                if digits:
                    out.append(digits)
            return out
        return v

    @field_validator("markets", mode="before")
    @classmethod
    def _markets_upper(cls, v: Any) -> Any:
        if isinstance(v, list):
            return [str(m).strip().upper() for m in v if str(m).strip()]
        return v

    def title_in(self, lang: str) -> str:
        """The title to show in `lang` (zh or en), falling back to the original."""
        if lang.startswith("zh"):
            return self.title_zh or self.title
        return self.title_en or self.title

    def summary_in(self, lang: str) -> str | None:
        if lang.startswith("zh"):
            return self.summary_zh or self.summary_en
        return self.summary_en or self.summary_zh

    def content_hash(self) -> str:
        """Stable hash of everything indexed about this record (drives incremental ingest)."""
        payload = self.model_dump_json(exclude_none=True)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:24]


class Notification(BaseRecord):
    """A WTO TBT or SPS notification, or one of its addenda, revisions or corrigenda."""

    type: Literal[RecordType.notification] = RecordType.notification
    agreement: Literal["TBT", "SPS"]
    member: str = Field(description="Notifying member code as in the symbol (USA, EU, CHN...).")
    core_symbol: str = Field(description="The core notification this one belongs to.")
    suffix: str | None = Field(default=None, description="Rev.1/Add.2/Corr.1 ... or None for core.")
    notification_type: str | None = None  # Regular, Addendum, Revision, Corrigendum, Emergency
    article: str | None = None  # e.g. 2.9.2
    products: str | None = None  # free text products covered
    objectives: list[str] = Field(default_factory=list)
    comment_url: str | None = None


class Regulation(BaseRecord):
    """A foreign technical regulation, standard or conformity-assessment scheme."""

    type: Literal[RecordType.regulation] = RecordType.regulation
    measure_kind: str | None = None  # technical regulation / standard / conformity assessment ...
    scope_en: str | None = None
    scope_zh: str | None = None
    requirements_en: list[str] = Field(default_factory=list)
    requirements_zh: list[str] = Field(default_factory=list)
    conformity_en: str | None = None  # marking, testing, certification, registration route
    conformity_zh: str | None = None
    enquiry_en: str | None = None  # whom to ask (authority / enquiry point)
    enquiry_zh: str | None = None
    notifications: list[str] = Field(default_factory=list, description="Related WTO symbols.")


class Case(BaseRecord):
    """A documented past barrier case: what happened, what was done, the outcome."""

    type: Literal[RecordType.case] = RecordType.case
    outcome_en: str | None = None
    outcome_zh: str | None = None
    lessons_en: list[str] = Field(default_factory=list)
    lessons_zh: list[str] = Field(default_factory=list)
    figures_en: list[str] = Field(default_factory=list, description="Quantified impacts, sourced.")
    figures_zh: list[str] = Field(default_factory=list)


class Alert(BaseRecord):
    """A border rejection or alert, e.g. a RASFF notification (出口受阻)."""

    type: Literal[RecordType.alert] = RecordType.alert
    system: str = "RASFF"
    notifying_country: str | None = None
    origin: str | None = None  # country of origin as named by the source
    origin_code: str | None = None  # ISO-3 of the origin when known
    product: str = ""
    product_category: str | None = None
    hazard: str | None = None
    hazard_category: str | None = None


class Announcement(BaseRecord):
    """An official announcement, policy interpretation or Q&A (e.g. China Customs, 海关总署)."""

    type: Literal[RecordType.announcement] = RecordType.announcement
    kind: Literal["announcement", "interpretation", "qa"] = "announcement"
    category: str | None = None
    document_type: str | None = None
    status: str | None = None
    answer: str | None = None  # official answer for a Q&A
    mentions: list[str] = Field(default_factory=list, description=(
        "ISO-3 codes of the other countries the text names (挪威 in a note on which countries still "
        "grant GSP): a question about one of them is not about another market."))


class Dispute(BaseRecord):
    """A WTO dispute (DSnnn)."""

    type: Literal[RecordType.dispute] = RecordType.dispute
    complainant: str | None = None
    respondent: str | None = None
    status: str | None = None
    agreements: list[str] = Field(default_factory=list, description="Agreement articles cited.")


class FormField(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str
    label_en: str
    label_zh: str | None = None
    help_en: str | None = None
    help_zh: str | None = None
    required: bool = False


class Form(BaseRecord):
    """A barrier-report intake form (China national form, US TACP, EU Single Entry Point)."""

    type: Literal[RecordType.form] = RecordType.form
    fields: list[FormField] = Field(default_factory=list)
    how_to_en: str | None = None
    how_to_zh: str | None = None


class Document(BaseRecord):
    """Any other text: a PDF, Markdown or plain-text file a user ingests."""

    type: Literal[RecordType.document] = RecordType.document
    path: str | None = None


Record = Annotated[
    Notification | Regulation | Case | Alert | Announcement | Dispute | Form | Document,
    Field(discriminator="type"),
]
RECORD_ADAPTER: TypeAdapter[Any] = TypeAdapter(Record)


def parse_record(data: dict[str, Any]) -> BaseRecord:
    """Validate a plain dict (from YAML/JSON) into the right record class."""
    rec: BaseRecord = RECORD_ADAPTER.validate_python(data)
    return rec


class Chunk(BaseModel):
    """A piece of a record's text that is indexed; it points back to its record."""

    model_config = ConfigDict(extra="forbid")

    id: str
    ref: str  # the record's ref
    type: RecordType
    cite: str  # what a citation shows: ref plus place, e.g. "Regulation (EU) 2017/745, Article 52"
    place: str | None = None  # "Article 52", "Annex VIII", "第三条"
    page: int | None = None
    lang: str
    text: str
    markets: list[str] = Field(default_factory=list)
    hs: list[str] = Field(default_factory=list)
    ntm: list[str] = Field(default_factory=list)
    date: dt.date | None = None  # the most relevant date, for recency filters

    @staticmethod
    def make_id(ref: str, place: str | None, lang: str, seq: int = 0) -> str:
        key = f"{ref}\x1f{place or ''}\x1f{lang}\x1f{seq}"
        return hashlib.sha1(key.encode("utf-8")).hexdigest()[:20]


def record_date(rec: BaseRecord) -> dt.date | None:
    """The date that best places a record in time (for sorting and recency)."""
    d = rec.dates
    return d.event or d.distributed or d.published or d.adopted or d.entry_into_force or d.applies_from
