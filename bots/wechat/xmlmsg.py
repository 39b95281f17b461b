"""Reading WeChat callback XML safely and writing passive replies.

Inbound XML is parsed with defusedxml and any DTD is refused outright, so entity expansion
("billion laughs") and external entities (XXE) never run. Replies are built as strings with every
value in CDATA (a "]]>" inside a value is split), never by string-formatting user text into tags.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring


class XMLRefused(ValueError):
    """Malformed XML, XML with a DTD or entities, or XML that is not a WeChat message."""


@dataclass(frozen=True)
class Inbound:
    """One callback message (or event) in the fields the adapter uses."""

    to_user: str
    from_user: str
    create_time: str
    msg_type: str
    msg_id: str | None = None
    event: str | None = None
    event_key: str | None = None
    content: str | None = None
    recognition: str | None = None
    agent_id: str | None = None

    @property
    def key(self) -> str:
        """The de-duplication key: MsgId, or FromUserName+CreateTime(+Event) without one."""
        if self.msg_id:
            return f"id:{self.msg_id}"
        return f"ft:{self.from_user}:{self.create_time}:{self.event or self.msg_type}"

    @property
    def text(self) -> str | None:
        """What the user said: a text message, or a voice message WeChat has transcribed."""
        if self.msg_type == "text":
            return self.content or ""
        if self.msg_type == "voice" and self.recognition:
            return self.recognition
        return None


def parse_xml(body: bytes | str) -> Element:
    """The root element; XMLRefused for anything malformed, with a DTD, or not <xml>."""
    try:
        root = fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise XMLRefused("XML with a DTD or entities is refused") from exc
    except (ParseError, ValueError) as exc:
        raise XMLRefused("malformed XML") from exc
    if root.tag != "xml":
        raise XMLRefused("not a WeChat message (root element is not <xml>)")
    return root


def _field(root: Element, name: str) -> str | None:
    node = root.find(name)
    if node is None:
        return None
    return (node.text or "").strip() if name != "Content" else (node.text or "")


def encrypted_field(root: Element) -> str | None:
    """The <Encrypt> payload of a safe-mode message, if any."""
    value = _field(root, "Encrypt")
    return value or None


def parse_message(root: Element) -> Inbound:
    """The message in a (decrypted) <xml> element; XMLRefused without sender or type."""
    sender, msg_type = _field(root, "FromUserName"), _field(root, "MsgType")
    if not sender or not msg_type:
        raise XMLRefused("not a WeChat message (no FromUserName or MsgType)")
    return Inbound(
        to_user=_field(root, "ToUserName") or "",
        from_user=sender,
        create_time=_field(root, "CreateTime") or "",
        msg_type=msg_type.lower(),
        msg_id=_field(root, "MsgId") or _field(root, "MsgID") or None,
        event=(_field(root, "Event") or None),
        event_key=_field(root, "EventKey"),
        content=_field(root, "Content"),
        recognition=(_field(root, "Recognition") or None),
        agent_id=_field(root, "AgentID"),
    )


def cdata(value: str) -> str:
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def text_reply(msg: Inbound, content: str, now: int | None = None) -> str:
    """A passive text reply to `msg` (To/From swapped)."""
    created = int(time.time()) if now is None else now
    return (
        "<xml>"
        f"<ToUserName>{cdata(msg.from_user)}</ToUserName>"
        f"<FromUserName>{cdata(msg.to_user)}</FromUserName>"
        f"<CreateTime>{created}</CreateTime>"
        "<MsgType><![CDATA[text]]></MsgType>"
        f"<Content>{cdata(content)}</Content>"
        "</xml>"
    )


def encrypted_envelope(encrypted: str, signature: str, timestamp: str, nonce: str) -> str:
    """The safe-mode wrapper of an encrypted reply."""
    return (
        "<xml>"
        f"<Encrypt>{cdata(encrypted)}</Encrypt>"
        f"<MsgSignature>{cdata(signature)}</MsgSignature>"
        f"<TimeStamp>{timestamp}</TimeStamp>"
        f"<Nonce>{cdata(nonce)}</Nonce>"
        "</xml>"
    )
