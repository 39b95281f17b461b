"""Subscriptions: what a person wants to hear about, where to reach them, and how often.

A subscription is criteria plus an `Address`. Criteria combine with AND across kinds and OR within
a kind: markets (a bloc brings its members, a member brings its blocs), what (HS prefixes matched
both ways up and down the hierarchy, or keywords found in the item), measure types (TBT, SPS,
REJECTION) and UNCTAD NTM codes. At least one market, product or keyword is required, so nobody
subscribes to everything by accident.

`SubscriptionStore` is the one place that reads and writes them; every channel (chat, HTTP API,
web form, CLI) goes through it. Numbers are per person (1, 2, 3 ...), so "取消订阅 2" means the
person's own second subscription and can never touch anyone else's.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import secrets
from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assistant.alerts.models import RecipientRow, SubscriptionRow
from assistant.db import utcnow
from assistant.notify import CHANNELS, Address
from assistant.retrieve.markets import bloc_members, expand_markets, get_market

MEASURE_TYPES = ("TBT", "SPS", "REJECTION")
FREQUENCIES = ("immediate", "daily", "weekly")
LANGS = ("zh", "en")
MAX_PER_PERSON = 50
MAX_ITEMS = 30  # per criteria list
_NTM_RE = re.compile(r"^[A-P](\d{1,3})?$")
_EMAIL_RE = re.compile(r"^[^@\s<>,;]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}$")


class SubscriptionError(ValueError):
    """Criteria or an address that cannot be stored; `en`/`zh` say why to the person."""

    def __init__(self, en: str, zh: str) -> None:
        super().__init__(en)
        self.en = en
        self.zh = zh

    def message(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class Criteria:
    """What to watch. Codes are normalised by `Criteria.clean`."""

    markets: tuple[str, ...] = ()
    hs: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    ntm: tuple[str, ...] = ()
    products: tuple[str, ...] = ()  # product words as the person named them (shown back)
    product_words: tuple[str, ...] = ()  # their synonyms in both languages (matched, not shown)

    @classmethod
    def clean(
        cls,
        *,
        markets: list[str] | tuple[str, ...] = (),
        hs: list[str] | tuple[str, ...] = (),
        keywords: list[str] | tuple[str, ...] = (),
        types: list[str] | tuple[str, ...] = (),
        ntm: list[str] | tuple[str, ...] = (),
        products: list[str] | tuple[str, ...] = (),
        product_words: list[str] | tuple[str, ...] = (),
    ) -> Criteria:
        """Validated, de-duplicated criteria, or SubscriptionError saying what is wrong."""
        for name, values in (("markets", markets), ("hs", hs), ("keywords", keywords),
                             ("types", types), ("ntm", ntm)):
            if len(values) > MAX_ITEMS:
                raise SubscriptionError(f"At most {MAX_ITEMS} {name} per subscription.",
                                        f"每个订阅的{name}最多{MAX_ITEMS}项。")
        m_out = []
        for raw in markets:
            code = str(raw).strip().upper()
            if not code:
                continue
            if get_market(code) is None and code != "FIXTURE":
                raise SubscriptionError(f"Unknown market code {code!r} (use ISO-3 or EU, GCC...).",
                                        f"不认识的市场代码 {code!r}（请用ISO三位代码或EU、GCC等）。")
            m_out.append(code)
        hs_out = []
        for raw in hs:
            digits = re.sub(r"\D", "", str(raw))
            if len(digits) < 2 or len(digits) > 10:
                raise SubscriptionError(f"HS code {raw!r} must have 2 to 10 digits.",
                                        f"HS编码 {raw!r} 应为2到10位数字。")
            hs_out.append(digits)
        kw_out = []
        for raw in keywords:
            word = " ".join(str(raw).split()).lower()
            if len(word) > 60:
                raise SubscriptionError("A keyword can have at most 60 characters.",
                                        "关键词最长60个字符。")
            if len(word) >= 2 or (word and "\u4e00" <= word <= "\u9fff"):
                kw_out.append(word)
        t_out = []
        for raw in types:
            t = str(raw).strip().upper()
            t = {"RASFF": "REJECTION", "REJECTIONS": "REJECTION", "ALERT": "REJECTION"}.get(t, t)
            if t not in MEASURE_TYPES:
                raise SubscriptionError(f"Measure type must be one of {', '.join(MEASURE_TYPES)}.",
                                        f"措施类型只能是 {'、'.join(MEASURE_TYPES)}。")
            t_out.append(t)
        n_out = []
        for raw in ntm:
            code = str(raw).strip().upper()
            if not _NTM_RE.match(code):
                raise SubscriptionError(f"NTM code {raw!r} is not an UNCTAD code such as B31 or A2.",
                                        f"NTM代码 {raw!r} 不是UNCTAD代码（如B31、A2）。")
            n_out.append(code)
        p_out = [" ".join(str(w).split())[:60] for w in products if str(w).strip()][:MAX_ITEMS]
        pw_out = [" ".join(str(w).split()).lower()[:60] for w in product_words if str(w).strip()]
        crit = cls(*(tuple(dict.fromkeys(v)) for v in (m_out, hs_out, kw_out, t_out, n_out,
                                                        p_out, pw_out[:100])))
        if not (crit.markets or crit.hs or crit.keywords or crit.product_words):
            raise SubscriptionError(
                "Name at least a market, a product (or HS code) or a keyword to watch.",
                "请至少指定一个市场、一种产品（或HS编码）或一个关键词。",
            )
        return crit

    def market_set(self) -> frozenset[str]:
        """The markets an item may carry to match: each code, its blocs and a bloc's members."""
        return _market_set(self.markets)


@lru_cache(maxsize=4096)
def _market_set(codes: tuple[str, ...]) -> frozenset[str]:
    out: set[str] = set()
    for code in codes:
        out.update(expand_markets([code]))
        out.update(bloc_members(code))
    return frozenset(out)


@dataclass(frozen=True)
class Subscription:
    id: int
    address: Address
    number: int
    lang: str
    label: str
    criteria: Criteria
    frequency: str
    paused: bool
    created_at: dt.datetime = field(compare=False)


def _loads(text: str) -> tuple[str, ...]:
    try:
        value = json.loads(text or "[]")
    except ValueError:
        return ()
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def from_row(row: SubscriptionRow) -> Subscription:
    return Subscription(
        id=row.id,
        address=Address(row.channel, row.user_id),
        number=row.number,
        lang=row.lang,
        label=row.label,
        criteria=Criteria(_loads(row.markets), _loads(row.hs), _loads(row.keywords),
                          _loads(row.types), _loads(row.ntm), _loads(row.products),
                          _loads(row.product_words)),
        frequency=row.frequency,
        paused=row.paused,
        created_at=row.created_at,
    )


def check_address(address: Address) -> Address:
    """The address, validated: a known channel and a plausible id (an e-mail for `email`)."""
    if address.channel not in CHANNELS or address.channel in ("web", "api", "demo"):
        raise SubscriptionError(
            "Alerts go to Telegram, WeChat, WeCom or e-mail; give one of those addresses.",
            "预警只能发到Telegram、微信、企业微信或电子邮箱，请提供其中一种联系方式。",
        )
    uid = address.user_id.strip()
    if not uid or len(uid) > 320:
        raise SubscriptionError("The address is empty or too long.", "联系地址为空或太长。")
    if address.channel == "email":
        if not _EMAIL_RE.match(uid):
            raise SubscriptionError(f"{uid!r} is not an e-mail address.", f"{uid!r} 不是有效的邮箱地址。")
        uid = uid.lower()
    return Address(address.channel, uid)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class SubscriptionStore:
    """Create, list, pause, resume and delete subscriptions; the person is always part of the key."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def create(
        self,
        address: Address,
        criteria: Criteria,
        *,
        lang: str = "zh",
        label: str = "",
        frequency: str = "daily",
    ) -> Subscription:
        address = check_address(address)
        if lang not in LANGS:
            raise SubscriptionError("Language must be zh or en.", "语言只能是zh或en。")
        if frequency not in FREQUENCIES:
            raise SubscriptionError("Frequency must be immediate, daily or weekly.",
                                    "频率只能是立即（immediate）、每日（daily）或每周（weekly）。")
        for attempt in range(3):
            try:
                with Session(self.engine) as db, db.begin():
                    count, top = db.execute(
                        select(func.count(), func.max(SubscriptionRow.number)).where(
                            SubscriptionRow.channel == address.channel,
                            SubscriptionRow.user_id == address.user_id,
                        )
                    ).one()
                    if count >= MAX_PER_PERSON:
                        raise SubscriptionError(
                            f"You already have {MAX_PER_PERSON} subscriptions; delete one first.",
                            f"您已有{MAX_PER_PERSON}个订阅，请先删除一个。",
                        )
                    now = utcnow()
                    row = SubscriptionRow(
                        channel=address.channel, user_id=address.user_id, number=(top or 0) + 1,
                        lang=lang, label=label.strip()[:300], markets=json.dumps(criteria.markets),
                        hs=json.dumps(criteria.hs),
                        keywords=json.dumps(criteria.keywords, ensure_ascii=False),
                        types=json.dumps(criteria.types), ntm=json.dumps(criteria.ntm),
                        products=json.dumps(criteria.products, ensure_ascii=False),
                        product_words=json.dumps(criteria.product_words, ensure_ascii=False),
                        frequency=frequency, paused=False, created_at=now, updated_at=now,
                    )
                    db.add(row)
                    db.flush()
                    return from_row(row)
            except IntegrityError:  # another request took the same number: take the next one
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def of(self, address: Address) -> list[Subscription]:
        with Session(self.engine) as db:
            rows = db.scalars(
                select(SubscriptionRow)
                .where(SubscriptionRow.channel == address.channel,
                       SubscriptionRow.user_id == address.user_id)
                .order_by(SubscriptionRow.number)
            ).all()
            return [from_row(r) for r in rows]

    def get(self, address: Address, number: int) -> Subscription | None:
        with Session(self.engine) as db:
            row = self._row(db, address, number)
            return None if row is None else from_row(row)

    def set_paused(self, address: Address, number: int, paused: bool) -> Subscription | None:
        with Session(self.engine) as db, db.begin():
            row = self._row(db, address, number)
            if row is None:
                return None
            row.paused = paused
            row.updated_at = utcnow()
            return from_row(row)

    def delete(self, address: Address, number: int) -> bool:
        with Session(self.engine) as db, db.begin():
            result = db.execute(
                delete(SubscriptionRow).where(
                    SubscriptionRow.channel == address.channel,
                    SubscriptionRow.user_id == address.user_id,
                    SubscriptionRow.number == number,
                )
            )
            return bool(getattr(result, "rowcount", 0))

    def active(self) -> list[Subscription]:
        """Every subscription that is not paused (what a pass matches against)."""
        with Session(self.engine) as db:
            rows = db.scalars(select(SubscriptionRow).where(SubscriptionRow.paused.is_(False)))
            return [from_row(r) for r in rows]

    def count(self) -> int:
        with Session(self.engine) as db:
            return int(db.scalar(select(func.count()).select_from(SubscriptionRow)) or 0)

    # --- API management tokens --------------------------------------------------------------------
    def issue_token(self, address: Address) -> str | None:
        """A new management token for an address that has none yet (None when it already has one)."""
        token = secrets.token_urlsafe(24)
        for attempt in range(2):
            try:
                with Session(self.engine) as db, db.begin():
                    row = self._recipient(db, address)
                    if row is None:
                        db.add(RecipientRow(channel=address.channel, user_id=address.user_id,
                                            token_hash=_hash(token), created_at=utcnow()))
                        return token
                    if row.token_hash:
                        return None
                    row.token_hash = _hash(token)
                    return token
            except IntegrityError:
                if attempt:
                    raise
        return None

    def check_token(self, address: Address, token: str | None) -> bool:
        if not token:
            return False
        with Session(self.engine) as db:
            row = self._recipient(db, address)
            return bool(row and row.token_hash and secrets.compare_digest(row.token_hash, _hash(token)))

    def has_token(self, address: Address) -> bool:
        with Session(self.engine) as db:
            row = self._recipient(db, address)
            return bool(row and row.token_hash)

    @staticmethod
    def _recipient(db: Session, address: Address) -> RecipientRow | None:
        return db.scalar(select(RecipientRow).where(
            RecipientRow.channel == address.channel, RecipientRow.user_id == address.user_id))

    @staticmethod
    def _row(db: Session, address: Address, number: int) -> SubscriptionRow | None:
        return db.scalar(select(SubscriptionRow).where(
            SubscriptionRow.channel == address.channel,
            SubscriptionRow.user_id == address.user_id,
            SubscriptionRow.number == number,
        ))
