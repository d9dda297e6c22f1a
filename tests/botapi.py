"""A Telegram Bot API stand-in for end-to-end tests.

``BotApiStandIn`` serves the Bot API over real HTTP on 127.0.0.1 (an aiohttp server running
in its own thread and event loop), so python-telegram-bot talks to it exactly as it talks to
Telegram::

    with BotApiStandIn() as api:
        bot = Bot(TOKEN, base_url=api.base_url)
        api.send_text(100, "/start")            # a user writes to the bot
        ...                                       # the bot under test polls and answers
        reply = api.wait_for(lambda r: r["chat_id"] == 100)

Tests inject updates (``send_text``, ``press``), read what the bot did (``sent``, ``calls``,
``callback_answers`` ...), and inject faults (``fail_next``, ``rate_limit_next``,
``delay_next``). Every public method is thread-safe and may be called from sync code or from
coroutines running in any event loop; only ``wait_for`` blocks (use ``async_wait_for`` inside a
running loop).

Behaviour modelled on the real Bot API (beyond the basics):

* form values are decoded the way PTB encodes them: every non-string value arrives as a JSON
  string (``"123"``, ``"true"``, ``'{"inline_keyboard": ...}'``); free-text fields such as
  ``text`` are never decoded;
* ``parse_mode="HTML"`` is parsed like Telegram (tags become entities, ``&lt;`` etc. are
  unescaped, unsupported or unbalanced tags and a bare ``<`` give 400 "can't parse entities");
  Markdown modes are stored verbatim;
* message text is stripped of surrounding whitespace; empty text, text over 4096 UTF-16 units
  and callback_data over 64 bytes are rejected;
* editMessageText without ``reply_markup`` removes the inline keyboard; an edit that changes
  nothing gives 400 "message is not modified";
* a callback query can be answered once, and only if ``press`` created it;
* getUpdates is refused (409) while a webhook is set; ``allowed_updates`` filters delivery;
* a private chat with a user who never wrote to the bot gets 403 "bot can't initiate
  conversation with a user" (``started`` lists who did); in groups, privacy mode delivers only
  commands, mentions of the bot and replies to its messages.
"""
from __future__ import annotations

import asyncio
import copy
import itertools
import json
import re
import threading
import time
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any

from aiohttp import web

from standin_server import ThreadedServer

BOT_ID = 7000000001
BOT_FIRST_NAME = "西平规则助手"
DEFAULT_BOT_USERNAME = "xiping_rules_bot"

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64

# Parameters that are free text: PTB sends them raw, so they must never be JSON-decoded
# (a message text "42" or "[1]" stays a string).
_STRING_PARAMS = frozenset({
    "action", "business_connection_id", "callback_query_id", "caption", "certificate", "data",
    "description", "document", "emoji", "file_id", "inline_message_id", "ip_address",
    "language_code", "message_effect_id", "name", "next_offset", "parse_mode", "query",
    "question", "secret_token", "short_description", "sticker", "switch_pm_parameter",
    "switch_pm_text", "text", "title", "url",
})

_CHAT_ACTIONS = frozenset({
    "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
    "upload_document", "choose_sticker", "find_location", "record_video_note",
    "upload_video_note",
})

_BOT_COMMAND_RE = re.compile(r"(?<![\w/<>])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/<>])")
_MENTION_RE = re.compile(r"(?<!\w)@[A-Za-z0-9_]{3,32}(?![A-Za-z0-9_])")
_COMMAND_NAME_RE = re.compile(r"^[a-z0-9_]{1,32}$")


class ApiError(Exception):
    """A Telegram-style error answer: HTTP status, description and optional parameters."""

    def __init__(self, status: int, description: str, parameters: dict | None = None):
        super().__init__(f"{status} {description}")
        self.status = status
        self.description = description
        self.parameters = parameters

    def body(self) -> dict:
        body: dict[str, Any] = {"ok": False, "error_code": self.status,
                                "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def _bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


def _utf16_slice(text: str, offset: int, length: int) -> str:
    raw = text.encode("utf-16-le")
    return raw[2 * offset: 2 * (offset + length)].decode("utf-16-le", errors="replace")


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units (the unit of Telegram entity offsets)."""
    return len(text.encode("utf-16-le")) // 2


def auto_entities(text: str) -> list[dict]:
    """The ``bot_command`` and ``mention`` entities a Telegram client would attach to ``text``."""
    found: list[tuple[int, int, str]] = []
    taken: list[range] = []
    for match in _BOT_COMMAND_RE.finditer(text):
        found.append((match.start(), match.end(), "bot_command"))
        taken.append(range(match.start(), match.end()))
    for match in _MENTION_RE.finditer(text):
        if any(match.start() in span for span in taken):
            continue  # the "@bot" part of "/start@bot"
        found.append((match.start(), match.end(), "mention"))
    found.sort()
    return [{"type": kind, "offset": utf16_len(text[:start]),
             "length": utf16_len(text[start:end])} for start, end, kind in found]


# --------------------------------------------------------------------------- HTML parse mode

_HTML_TAGS = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "span": "spoiler", "tg-spoiler": "spoiler", "code": "code", "pre": "pre", "a": "text_link",
    "blockquote": "blockquote", "tg-emoji": "custom_emoji",
}
_HTML_ENTITY_RE = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|lt|gt|amp|quot);")
_HTML_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


def _html_unescape_at(src: str, i: int) -> tuple[str, int]:
    match = _HTML_ENTITY_RE.match(src, i)
    if not match:
        return "&", i + 1
    ref = match.group(1)
    if ref in _HTML_NAMED:
        return _HTML_NAMED[ref], match.end()
    code = int(ref[2:], 16) if ref[1] in "xX" else int(ref[1:])
    try:
        return chr(code), match.end()
    except (ValueError, OverflowError):
        return "&", i + 1


def parse_html(src: str) -> tuple[str, list[dict]]:
    """Telegram's HTML parse mode: ``(plain text, entities)``; raises ``ApiError`` (400)."""
    out: list[str] = []
    u16 = 0
    stack: list[tuple[str, int, dict]] = []
    entities: list[dict] = []
    n = len(src)

    def fail(message: str) -> ApiError:
        return _bad(f"can't parse entities: {message}")

    def byte_offset(pos: int) -> int:
        return len(src[:pos].encode())

    i = 0
    while i < n:
        char = src[i]
        if char == "&":
            text, i = _html_unescape_at(src, i)
            out.append(text)
            u16 += utf16_len(text)
            continue
        if char != "<":
            out.append(char)
            u16 += utf16_len(char)
            i += 1
            continue
        begin = i
        i += 1
        if i < n and src[i] == "/":  # end tag
            close = src.find(">", i)
            if close < 0:
                raise fail(f"Unclosed end tag at byte offset {byte_offset(begin)}")
            name = src[i + 1:close].strip().lower()
            if not stack:
                raise fail(f"Unexpected end tag at byte offset {byte_offset(begin)}")
            tag, start, attrs = stack.pop()
            if name != tag:
                raise fail(f'Unmatched end tag at byte offset {byte_offset(begin)}, '
                           f'expected "</{tag}>", found "</{name}>"')
            i = close + 1
            if tag == "code" and stack and stack[-1][0] == "pre" and stack[-1][1] == start:
                cls = attrs.get("class", "")
                if cls.startswith("language-"):
                    stack[-1][2]["_language"] = cls[len("language-"):]
                    continue
            if u16 == start:
                continue
            entity: dict[str, Any] = {"type": _HTML_TAGS[tag], "offset": start,
                                      "length": u16 - start}
            if tag == "a":
                if not attrs.get("href"):
                    continue
                entity["url"] = attrs["href"]
            elif tag == "pre" and attrs.get("_language"):
                entity["language"] = attrs["_language"]
            elif tag == "blockquote" and "expandable" in attrs:
                entity["type"] = "expandable_blockquote"
            elif tag == "tg-emoji":
                entity["custom_emoji_id"] = attrs.get("emoji-id", "")
            entities.append(entity)
            continue
        # start tag: the name runs up to whitespace or '>'
        name_end = i
        while name_end < n and not src[name_end].isspace() and src[name_end] != ">":
            name_end += 1
        if name_end >= n:
            raise fail(f"Unclosed start tag at byte offset {byte_offset(begin)}")
        name = src[i:name_end].lower()
        if name not in _HTML_TAGS:
            raise fail(f'Unsupported start tag "{name}" at byte offset {byte_offset(begin)}')
        i = name_end
        attrs: dict[str, str] = {}
        while True:
            while i < n and src[i].isspace():
                i += 1
            if i >= n:
                raise fail(f"Unclosed start tag at byte offset {byte_offset(begin)}")
            if src[i] == ">":
                i += 1
                break
            attr_end = i
            while attr_end < n and not src[attr_end].isspace() and src[attr_end] not in "=>":
                attr_end += 1
            attr = src[i:attr_end].lower()
            i = attr_end
            while i < n and src[i].isspace():
                i += 1
            value = ""
            if i < n and src[i] == "=":
                i += 1
                while i < n and src[i].isspace():
                    i += 1
                if i < n and src[i] in "\"'":
                    quote = src[i]
                    close = src.find(quote, i + 1)
                    if close < 0:
                        raise fail(f"Unclosed start tag at byte offset {byte_offset(begin)}")
                    raw, i = src[i + 1:close], close + 1
                else:
                    value_end = i
                    while value_end < n and not src[value_end].isspace() and src[value_end] != ">":
                        value_end += 1
                    raw, i = src[i:value_end], value_end
                parts, j = [], 0
                while j < len(raw):
                    if raw[j] == "&":
                        text, j = _html_unescape_at(raw, j)
                        parts.append(text)
                    else:
                        parts.append(raw[j])
                        j += 1
                value = "".join(parts)
            attrs[attr] = value
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise fail('Tag "span" must have class "tg-spoiler" '
                       f'at byte offset {byte_offset(begin)}')
        stack.append((name, u16, attrs))
    if stack:
        raise fail(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _strip_text(text: str, entities: list[dict]) -> tuple[str, list[dict]]:
    """Strip surrounding whitespace as Telegram does, shifting/clipping entities to match."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    lead = utf16_len(text[:len(text) - len(text.lstrip())])
    size = utf16_len(stripped)
    kept = []
    for entity in entities:
        start = max(0, entity["offset"] - lead)
        end = min(size, entity["offset"] + entity["length"] - lead)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return stripped, kept


def _decode_form_value(name: str, value: str) -> Any:
    """Undo PTB's form encoding: non-string values were sent JSON-dumped."""
    if name in _STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _as_int(params: dict, name: str, default: Any = None, *, required: bool = False) -> Any:
    if name not in params or params[name] is None or params[name] == "":
        if required:
            raise _bad("message identifier is not specified" if name == "message_id"
                       else f"{name} is empty")
        return default
    value = params[name]
    if isinstance(value, bool):
        raise _bad(f"field \"{name}\" must be of type Integer")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            pass
    raise _bad(f"field \"{name}\" must be of type Integer")


def _as_json(params: dict, name: str) -> Any:
    """A nested object parameter; accepts an already-decoded value or a JSON string."""
    value = params.get(name)
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise _bad(f"can't parse {name} JSON object") from None
    return value


def _as_bool(params: dict, name: str) -> bool:
    value = params.get(name)
    if isinstance(value, str):
        return value.lower() in ("true", "1")
    return bool(value)


# --------------------------------------------------------------------------- the stand-in

class BotApiStandIn(ThreadedServer):
    """A Telegram Bot API server on 127.0.0.1 for PTB's ``Bot(token, base_url=...)``.

    ``token``: if given, requests with any other token get 401 Unauthorized.
    ``strict_chats``: if true, sending to a chat that never wrote to the bot (and was not
    added with ``add_chat``) gives 400 "chat not found", as on Telegram; by default such chats
    are created on the fly.
    """

    NAME = "botapi-standin"
    CLIENT_MAX_SIZE = 64 * 1024 * 1024

    def __init__(self, *, username: str = DEFAULT_BOT_USERNAME, token: str | None = None,
                 strict_chats: bool = False, privacy_mode: bool = True):
        self.username = username
        self.token = token
        self.strict_chats = strict_chats
        #: As on Telegram, a group message reaches the bot only when it is a command, a
        #: mention of the bot or a reply to one of its messages (others are not delivered).
        self.privacy_mode = privacy_mode
        #: Chat ids whose messages fail with 403 Forbidden; tests add to it freely.
        self.blocked_chats: set[int] = set()
        #: Users who have started the bot (wrote to it in private). As on Telegram, a bot
        #: cannot open a private chat with anyone else: 403 "can't initiate conversation".
        self.started: set[int] = set()

        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        super().__init__()
        self._waiters: set[asyncio.Future] = set()  # long polls; touched only in the server loop

        self._update_ids = itertools.count(100001)
        self._query_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._updates: list[dict] = []
        self._injected: list[dict] = []
        #: Files users sent (file_id -> {"data", "file_path", "file_unique_id"}), served by
        #: getFile and the file download URL, as Telegram's servers do.
        self._files: dict[str, dict] = {}
        #: Telegram's limit on what a bot may download (getFile answers "file is too big").
        self.download_limit = 20 * 1024 * 1024
        self._allowed_updates: list[str] | None = None
        self._users: dict[int, dict] = {}
        self._chats: dict[int, dict] = {}
        self._next_message_id: dict[int, int] = {}
        self._messages: dict[tuple[int, int], dict] = {}
        self._queries: dict[str, dict] = {}  # callback_query_id -> {"answered": bool}
        self._commands: dict[tuple[str, str], list[dict]] = {}
        self._webhook: dict | None = None
        self._faults: list[dict] = []
        self._tokens_seen: set[str] = set()
        self._records: dict[str, list[dict]] = {
            "sent": [], "calls": [], "callback_answers": [], "chat_actions": [], "deleted": [],
        }
        self._methods: dict[str, tuple[str, Callable[[dict, dict], Any]]] = {
            name.lower(): (name, handler) for name, handler in (
                ("getMe", self._get_me),
                ("sendMessage", self._send_message),
                ("sendDocument", self._send_document),
                ("editMessageText", self._edit_message_text),
                ("editMessageReplyMarkup", self._edit_message_reply_markup),
                ("deleteMessage", self._delete_message),
                ("answerCallbackQuery", self._answer_callback_query),
                ("sendChatAction", self._send_chat_action),
                ("setMyCommands", self._set_my_commands),
                ("getMyCommands", self._get_my_commands),
                ("deleteMyCommands", self._delete_my_commands),
                ("setWebhook", self._set_webhook),
                ("deleteWebhook", self._delete_webhook),
                ("getWebhookInfo", self._get_webhook_info),
                ("logOut", self._log_out),
                ("close", self._close),
                ("getChat", self._get_chat),
                ("getFile", self._get_file),
                ("getUpdates", None),  # served by _get_updates (long polling, async)
            )
        }

    # ------------------------------------------------------------------ lifecycle

    def _routes(self, app: web.Application) -> None:
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_route("GET", "/file/bot{token}/{path:.+}", self._download)
        app.router.add_route("*", "/{tail:.*}", self._not_found)

    def _before_stop(self) -> None:
        """Release pending long polls before the server closes."""
        with self._cond:
            self._closing = True
            self._cond.notify_all()

    async def _on_shutdown(self) -> None:
        self._wake_waiters()

    @property
    def base_file_url(self) -> str:
        """PTB's ``base_file_url``: files download from ``{base_file_url}{token}/{file_path}``."""
        return f"http://127.0.0.1:{self.port}/file/bot"

    async def _download(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        path = request.match_info["path"]
        with self._lock:
            self._tokens_seen.add(token)
            self._records["calls"].append({"method": "download", "params": {"file_path": path},
                                           "status": 200, "token": token, "fault": None,
                                           "delay": None, "files": [], "error": None,
                                           "time": time.time()})
            if self.token is not None and token != self.token:
                return self._json({"ok": False, "error_code": 401, "description": "Unauthorized"}, 401)
            entry = next((f for f in self._files.values() if f["file_path"] == path), None)
        if entry is None:
            return self._json({"ok": False, "error_code": 404, "description": "Not Found"}, 404)
        return web.Response(body=entry["data"], content_type="application/octet-stream")

    def _get_file(self, params: dict, files: dict) -> dict:
        file_id = params.get("file_id")
        entry = self._files.get(file_id) if isinstance(file_id, str) else None
        if entry is None:
            raise _bad("invalid file_id")
        if len(entry["data"]) > self.download_limit:
            raise _bad("file is too big")
        return {"file_id": file_id, "file_unique_id": entry["file_unique_id"],
                "file_size": len(entry["data"]), "file_path": entry["file_path"]}

    def _store_file(self, data: bytes, folder: str, suffix: str) -> dict:
        number = next(self._file_ids)
        file_id = f"BQACAgUAAxkBAAI{number:06d}"
        entry = {"data": bytes(data), "file_unique_id": f"AgADu{number:06d}",
                 "file_path": f"{folder}/file_{number}{suffix}"}
        self._files[file_id] = entry
        return {"file_id": file_id, "file_unique_id": entry["file_unique_id"]}

    def send_document(self, user_id: int, data: bytes, file_name: str, *,
                      mime_type: str = "application/octet-stream", caption: str | None = None,
                      chat_id: int | None = None, declared_size: int | None = None,
                      reply_to_message_id: int | None = None) -> dict:
        """Queue a message from ``user_id`` carrying a document (a file upload).
        ``declared_size`` overrides the file_size the update reports (a file Telegram
        holds but will not let a bot download). Returns the update."""
        with self._cond:
            ref = self._store_file(data, "documents", "." + file_name.rsplit(".", 1)[-1]
                                   if "." in file_name else "")
            document = {**ref, "file_name": file_name, "mime_type": mime_type,
                        "file_size": declared_size if declared_size is not None else len(data)}
        return self._media_message(user_id, {"document": document}, caption, chat_id,
                                   reply_to_message_id)

    def send_photo(self, user_id: int, data: bytes, *, caption: str | None = None,
                   chat_id: int | None = None, width: int = 1280, height: int = 1707) -> dict:
        """Queue a photo from ``user_id``: Telegram sends several sizes; here a thumbnail
        and the full size (the same bytes). Returns the update."""
        with self._cond:
            full = self._store_file(data, "photos", ".jpg")
            thumb = self._store_file(data, "photos", ".jpg")
            sizes = [{**thumb, "width": 90, "height": 120, "file_size": len(data)},
                     {**full, "width": width, "height": height, "file_size": len(data)}]
        return self._media_message(user_id, {"photo": sizes}, caption, chat_id, None)

    def _media_message(self, user_id: int, media: dict, caption: str | None,
                       chat_id: int | None, reply_to_message_id: int | None) -> dict:
        content = dict(media)
        if caption:
            content["caption"] = caption
            entities = auto_entities(caption)
            if entities:
                content["caption_entities"] = entities
        return self._from_user(user_id, chat_id, content, reply_to_message_id=reply_to_message_id)

    @property
    def base_url(self) -> str:
        """PTB's ``base_url``: PTB requests ``{base_url}{token}/{method}``."""
        return f"http://127.0.0.1:{self.port}/bot"

    # ------------------------------------------------------------------ HTTP layer

    @staticmethod
    def _json(body: dict, status: int = 200) -> web.Response:
        return web.json_response(body, status=status,
                                 dumps=lambda obj: json.dumps(obj, ensure_ascii=False))

    async def _not_found(self, request: web.Request) -> web.Response:
        return self._json({"ok": False, "error_code": 404, "description": "Not Found"}, 404)

    async def _read_params(self, request: web.Request) -> tuple[dict, dict]:
        params: dict[str, Any] = {}
        files: dict[str, dict] = {}
        for name, value in request.query.items():
            params[name] = _decode_form_value(name, value)
        if not request.body_exists:
            return params, files
        ctype = request.content_type
        if ctype == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise _bad("can't parse JSON request body") from None
            if not isinstance(body, dict):
                raise _bad("JSON request body must be an object")
            params.update(body)
        elif ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            for name, value in form.items():
                if isinstance(value, web.FileField):
                    files[name] = {"filename": value.filename,
                                   "content_type": value.content_type,
                                   "data": value.file.read()}
                else:
                    params[name] = _decode_form_value(name, value)
        return params, files

    async def _handle(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        requested = request.match_info["method"]
        key = requested.lower()
        method = self._methods[key][0] if key in self._methods else requested
        params: dict = {}
        files: dict = {}
        fault_kind = None
        delay = None
        with self._lock:
            self._tokens_seen.add(token)
        try:
            params, files = await self._read_params(request)
            with self._lock:
                fault = self._take_fault(key)
            if fault is not None and fault["kind"] == "delay":
                delay = fault["seconds"]
                await self._sleep(delay)
                with self._lock:
                    fault = self._take_fault(key, kinds=("fail", "rate_limit"))
            if fault is not None:
                fault_kind = fault["kind"]
                raise ApiError(fault["status"], fault["description"], fault.get("parameters"))
            if self.token is not None and token != self.token:
                raise ApiError(401, "Unauthorized")
            if key not in self._methods:
                raise ApiError(404, "Not Found: method not found")
            if key == "getupdates":
                result = await self._get_updates(params)
            else:
                with self._cond:
                    result = self._methods[key][1](params, files)
                    self._cond.notify_all()
            status, body = 200, {"ok": True, "result": result}
        except ApiError as err:
            status, body = err.status, err.body()
        except Exception as exc:  # a stand-in bug: answer like a broken server, keep going
            status, body = 500, ApiError(500, f"Internal Server Error: stand-in {exc!r}").body()
        with self._cond:
            self._records["calls"].append({
                "method": method, "params": params, "status": status, "token": token,
                "fault": fault_kind, "delay": delay, "files": sorted(files),
                "error": None if status == 200 else body.get("description"),
                "time": time.time(),
            })
            self._cond.notify_all()
        return self._json(body, status)

    async def _sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self._closing and (left := deadline - time.monotonic()) > 0:
            await asyncio.sleep(min(left, 0.05))

    def _take_fault(self, key: str, kinds: Iterable[str] = ("delay", "fail", "rate_limit")
                    ) -> dict | None:
        for fault in self._faults:
            if fault["kind"] in kinds and fault["method"] in ("*", key):
                fault["count"] -= 1
                if fault["count"] <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    # ------------------------------------------------------------------ long polling

    def _wake_waiters(self) -> None:
        """Runs in the server loop: resolve every pending long poll."""
        for fut in list(self._waiters):
            if not fut.done():
                fut.set_result(None)

    def _notify_updates(self) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(self._wake_waiters)
            except RuntimeError:  # loop closed meanwhile
                pass

    def _confirm(self, offset: int) -> None:
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]

    def _deliverable(self, limit: int) -> list[dict]:
        allowed = self._allowed_updates
        batch = [u for u in self._updates
                 if not allowed or any(kind in u for kind in allowed)]
        return copy.deepcopy(batch[:limit])

    async def _get_updates(self, params: dict) -> list[dict]:
        offset = _as_int(params, "offset", 0)
        limit = min(max(_as_int(params, "limit", 100), 1), 100)
        timeout = params.get("timeout") or 0
        try:
            timeout = max(float(timeout), 0.0)
        except (TypeError, ValueError):
            raise _bad('field "timeout" must be of type Integer') from None
        allowed = _as_json(params, "allowed_updates")
        with self._cond:
            if self._webhook is not None:
                raise ApiError(409, "Conflict: can't use getUpdates method while webhook is "
                                    "active; use deleteWebhook to delete the webhook first")
            self._confirm(offset)
            if isinstance(allowed, list):
                self._allowed_updates = list(allowed)
            self._cond.notify_all()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            with self._lock:
                batch = self._deliverable(limit)
            remaining = deadline - loop.time()
            if batch or self._closing or remaining <= 0:
                return batch
            # No await between the check above and registering the waiter, and wake-ups run
            # in this loop, so an update injected in between cannot be missed.
            fut = loop.create_future()
            self._waiters.add(fut)
            try:
                await asyncio.wait_for(fut, remaining)
            except asyncio.TimeoutError:
                pass
            finally:
                self._waiters.discard(fut)

    # ------------------------------------------------------------------ chats and messages

    def _bot_user(self) -> dict:
        return {"id": BOT_ID, "is_bot": True, "first_name": BOT_FIRST_NAME,
                "username": self.username}

    def _remember_user(self, user_id: int, first_name: str | None = None,
                       username: str | None = None) -> dict:
        user = self._users.get(user_id) or {"id": user_id, "is_bot": False,
                                            "first_name": f"User{user_id}",
                                            "language_code": "zh-hans"}
        if first_name is not None:
            user["first_name"] = first_name
        if username is not None:
            user["username"] = username
        self._users[user_id] = user
        private = self._chats.get(user_id)
        if private is not None:
            private.update(first_name=user["first_name"])
            if "username" in user:
                private["username"] = user["username"]
        return dict(user)

    def _remember_chat(self, chat_id: int, chat_type: str | None = None,
                       title: str | None = None) -> dict:
        chat = self._chats.get(chat_id)
        if chat is None:
            if chat_id > 0:
                user = self._users.get(chat_id) or self._remember_user(chat_id)
                chat = {"id": chat_id, "type": "private", "first_name": user["first_name"]}
                if "username" in user:
                    chat["username"] = user["username"]
            else:
                chat = {"id": chat_id, "type": chat_type or "supergroup",
                        "title": title or f"Group {-chat_id}"}
            self._chats[chat_id] = chat
        else:
            if chat_type is not None and chat_id < 0:
                chat["type"] = chat_type
            if title is not None and chat_id < 0:
                chat["title"] = title
        return dict(chat)

    def add_chat(self, chat_id: int, *, chat_type: str | None = None, title: str | None = None,
                 first_name: str | None = None, username: str | None = None) -> dict:
        """Make a chat known without a message (for ``strict_chats``); returns the chat."""
        if chat_id == 0:
            raise ValueError("chat_id must not be 0")
        with self._lock:
            if chat_id > 0:
                self._remember_user(chat_id, first_name, username)
            return self._remember_chat(chat_id, chat_type, title)

    def _resolve_chat(self, params: dict) -> dict:
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise _bad("chat_id is empty")
        if isinstance(raw, str) and raw.startswith("@"):
            for chat in self._chats.values():
                if chat.get("username", "").lower() == raw[1:].lower():
                    return dict(chat)
            raise _bad("chat not found")
        chat_id = _as_int(params, "chat_id")
        if chat_id == 0:
            raise _bad("chat not found")
        if chat_id not in self._chats and self.strict_chats:
            raise _bad("chat not found")
        return self._remember_chat(chat_id)

    def _check_blocked(self, chat: dict) -> None:
        if chat["type"] == "private" and chat["id"] not in self.started:
            raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        if chat["id"] in set(self.blocked_chats):
            if chat["type"] == "private":
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            kind = "supergroup" if chat["type"] == "supergroup" else "group"
            raise ApiError(403, f"Forbidden: bot was kicked from the {kind} chat")

    def _new_message_id(self, chat_id: int) -> int:
        message_id = self._next_message_id.get(chat_id, 1)
        self._next_message_id[chat_id] = message_id + 1
        return message_id

    def _stored(self, chat_id: int, message_id: int) -> dict | None:
        return self._messages.get((chat_id, message_id))

    def _for_embedding(self, message: dict) -> dict:
        """A copy fit for reply_to_message / callback_query.message (no nested reply)."""
        embedded = copy.deepcopy(message)
        embedded.pop("reply_to_message", None)
        return embedded

    def _message_text(self, params: dict, field: str, entities_field: str,
                      limit: int, too_long: str) -> tuple[str, list[dict]]:
        raw = params.get(field)
        text = "" if raw is None else str(raw)
        entities = _as_json(params, entities_field)
        parse_mode = str(params.get("parse_mode") or "")
        if entities is not None:
            if not isinstance(entities, list):
                raise _bad(f"can't parse {entities_field} JSON object")
        elif parse_mode.lower() == "html":
            text, entities = parse_html(text)
        else:
            entities = []
        text, entities = _strip_text(text, entities)
        if utf16_len(text) > limit:
            raise _bad(too_long)
        return text, entities

    @staticmethod
    def _check_markup(markup: Any) -> None:
        if markup is None:
            return
        if not isinstance(markup, dict):
            raise _bad("can't parse reply keyboard markup JSON object")
        rows = markup.get("inline_keyboard")
        if rows is None:
            return
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise _bad("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
        for row in rows:
            for button in row:
                if not isinstance(button, dict) or not button.get("text"):
                    raise _bad("can't parse inline keyboard button: Text buttons are unallowed "
                               "in the inline keyboard")
                data = button.get("callback_data")
                if data is not None and not (
                        0 < len(str(data).encode()) <= MAX_CALLBACK_DATA_BYTES):
                    raise _bad("BUTTON_DATA_INVALID")

    def _reply_target(self, params: dict, chat: dict) -> dict | None:
        reply = _as_json(params, "reply_parameters")
        if isinstance(reply, dict):
            message_id = reply.get("message_id")
            target_chat = reply.get("chat_id", chat["id"])
            allow_missing = bool(reply.get("allow_sending_without_reply"))
        else:
            message_id = _as_int(params, "reply_to_message_id")
            target_chat = chat["id"]
            allow_missing = _as_bool(params, "allow_sending_without_reply")
        if message_id is None:
            return None
        target = self._stored(target_chat, int(message_id))
        if target is None and not allow_missing:
            raise _bad("message to be replied not found")
        return None if target is None else self._for_embedding(target)

    def _store_bot_message(self, chat: dict, params: dict, content: dict) -> dict:
        message = {"message_id": self._new_message_id(chat["id"]), "from": self._bot_user(),
                   "chat": chat, "date": int(time.time()), **content}
        reply_to = self._reply_target(params, chat)
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        markup = _as_json(params, "reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            message["reply_markup"] = markup  # Telegram echoes inline keyboards only
        self._messages[(chat["id"], message["message_id"])] = message
        return message

    def _record_sent(self, method: str, message: dict, params: dict, **extra: Any) -> None:
        self._records["sent"].append({
            "method": method, "chat_id": message["chat"]["id"],
            "message_id": message["message_id"],
            "text": message.get("text", message.get("caption")),
            "reply_markup": _as_json(params, "reply_markup"),
            "params": params, "message": copy.deepcopy(message), "time": time.time(), **extra,
        })

    # ------------------------------------------------------------------ API methods

    def _get_me(self, params: dict, files: dict) -> dict:
        return {**self._bot_user(), "can_join_groups": True,
                "can_read_all_group_messages": False, "supports_inline_queries": False,
                "can_connect_to_business": False, "has_main_web_app": False}

    def _send_message(self, params: dict, files: dict) -> dict:
        chat = self._resolve_chat(params)
        if params.get("text") is None or str(params.get("text")).strip() == "":
            raise _bad("message text is empty")
        text, entities = self._message_text(params, "text", "entities", MAX_TEXT_LENGTH,
                                            "message is too long")
        if not text:
            raise _bad("message text is empty")
        self._check_markup(_as_json(params, "reply_markup"))
        self._check_blocked(chat)
        content: dict[str, Any] = {"text": text}
        if entities:
            content["entities"] = entities
        message = self._store_bot_message(chat, params, content)
        self._record_sent("sendMessage", message, params)
        return copy.deepcopy(message)

    def _send_document(self, params: dict, files: dict) -> dict:
        chat = self._resolve_chat(params)
        doc = params.get("document")
        upload = files.get("document")
        if isinstance(doc, str) and doc.startswith("attach://"):
            upload = files.get(doc[len("attach://"):])
        if upload is None and not doc:
            raise _bad("there is no document in the request")
        caption, entities = self._message_text(params, "caption", "caption_entities",
                                               MAX_CAPTION_LENGTH, "message caption is too long")
        self._check_markup(_as_json(params, "reply_markup"))
        self._check_blocked(chat)
        number = next(self._file_ids)
        document: dict[str, Any] = {"file_id": f"BQACAgUAAxkDAAI{number:06d}",
                                    "file_unique_id": f"AgAD{number:06d}"}
        if upload is not None:
            document.update(file_name=upload["filename"], mime_type=upload["content_type"],
                            file_size=len(upload["data"]))
        content: dict[str, Any] = {"document": document}
        if caption:
            content["caption"] = caption
        if entities:
            content["caption_entities"] = entities
        message = self._store_bot_message(chat, params, content)
        self._record_sent("sendDocument", message, params, document=upload or {"file_id": doc})
        return copy.deepcopy(message)

    def _message_to_edit(self, params: dict) -> tuple[dict, dict]:
        if params.get("inline_message_id"):
            raise _bad("MESSAGE_ID_INVALID")  # inline messages are not modelled
        chat = self._resolve_chat(params)
        message_id = _as_int(params, "message_id", required=True)
        message = self._stored(chat["id"], message_id)
        if message is None:
            raise _bad("message to edit not found")
        if message["from"]["id"] != BOT_ID:
            raise _bad("message can't be edited")
        self._check_blocked(chat)
        return chat, message

    _NOT_MODIFIED = ("message is not modified: specified new message content and reply markup "
                     "of the message are exactly the same as a current content and reply markup "
                     "of the message")

    def _edit_message_text(self, params: dict, files: dict) -> dict:
        chat, message = self._message_to_edit(params)
        if "text" not in message:
            raise _bad("there is no text in the message to edit")
        text, entities = self._message_text(params, "text", "entities", MAX_TEXT_LENGTH,
                                            "MESSAGE_TOO_LONG")
        if not text:
            raise _bad("message text is empty")
        markup = _as_json(params, "reply_markup")
        self._check_markup(markup)
        inline = markup if isinstance(markup, dict) and "inline_keyboard" in markup else None
        if (text == message["text"] and entities == message.get("entities", [])
                and inline == message.get("reply_markup")):
            raise _bad(self._NOT_MODIFIED)
        message["text"] = text
        message.pop("entities", None)
        if entities:
            message["entities"] = entities
        message.pop("reply_markup", None)  # an edit without reply_markup drops the keyboard
        if inline is not None:
            message["reply_markup"] = inline
        message["edit_date"] = int(time.time())
        self._record_sent("editMessageText", message, params)
        return copy.deepcopy(message)

    def _edit_message_reply_markup(self, params: dict, files: dict) -> dict:
        chat, message = self._message_to_edit(params)
        markup = _as_json(params, "reply_markup")
        self._check_markup(markup)
        inline = markup if isinstance(markup, dict) and "inline_keyboard" in markup else None
        if inline == message.get("reply_markup"):
            raise _bad(self._NOT_MODIFIED)
        message.pop("reply_markup", None)
        if inline is not None:
            message["reply_markup"] = inline
        message["edit_date"] = int(time.time())
        self._record_sent("editMessageReplyMarkup", message, params)
        return copy.deepcopy(message)

    def _delete_message(self, params: dict, files: dict) -> bool:
        chat = self._resolve_chat(params)
        message_id = _as_int(params, "message_id", required=True)
        message = self._messages.pop((chat["id"], message_id), None)
        if message is None:
            raise _bad("message to delete not found")
        self._records["deleted"].append({"chat_id": chat["id"], "message_id": message_id,
                                         "message": message, "time": time.time()})
        return True

    def _answer_callback_query(self, params: dict, files: dict) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        query = self._queries.get(query_id)
        if query is None or query["answered"]:
            raise _bad("query is too old and response timeout expired or query ID is invalid")
        query["answered"] = True
        self._records["callback_answers"].append({
            "callback_query_id": query_id, "text": params.get("text"),
            "show_alert": _as_bool(params, "show_alert"), "url": params.get("url"),
            "cache_time": _as_int(params, "cache_time"), "params": params,
            "time": time.time(),
        })
        return True

    def _send_chat_action(self, params: dict, files: dict) -> bool:
        chat = self._resolve_chat(params)
        action = params.get("action")
        if action not in _CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        self._check_blocked(chat)
        self._records["chat_actions"].append({"chat_id": chat["id"], "action": action,
                                              "params": params, "time": time.time()})
        return True

    @staticmethod
    def _commands_key(params: dict) -> tuple[str, str]:
        scope = _as_json(params, "scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")

    def _set_my_commands(self, params: dict, files: dict) -> bool:
        commands = _as_json(params, "commands")
        if not isinstance(commands, list):
            raise _bad("can't parse commands JSON object")
        cleaned = []
        for item in commands:
            command = item.get("command", "") if isinstance(item, dict) else ""
            if not _COMMAND_NAME_RE.match(str(command)):
                raise _bad("BOT_COMMAND_INVALID")
            description = str(item.get("description", ""))
            if not 1 <= len(description) <= 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
            cleaned.append({"command": item["command"], "description": description})
        if len(cleaned) > 100:
            raise _bad("BOT_COMMANDS_TOO_MUCH")
        key = self._commands_key(params)
        if cleaned:
            self._commands[key] = cleaned
        else:
            self._commands.pop(key, None)
        return True

    def _get_my_commands(self, params: dict, files: dict) -> list[dict]:
        return copy.deepcopy(self._commands.get(self._commands_key(params), []))

    def _delete_my_commands(self, params: dict, files: dict) -> bool:
        self._commands.pop(self._commands_key(params), None)
        return True

    def _set_webhook(self, params: dict, files: dict) -> bool:
        url = str(params.get("url") or "")
        if _as_bool(params, "drop_pending_updates"):
            self._updates.clear()
        if not url:
            self._webhook = None
            return True
        if not url.startswith("https://"):
            raise _bad("bad webhook: An HTTPS URL must be provided for webhook")
        self._webhook = {"url": url, **{k: v for k, v in params.items() if k != "url"}}
        return True

    def _delete_webhook(self, params: dict, files: dict) -> bool:
        if _as_bool(params, "drop_pending_updates"):
            self._updates.clear()
        self._webhook = None
        return True

    def _get_webhook_info(self, params: dict, files: dict) -> dict:
        info: dict[str, Any] = {"url": "", "has_custom_certificate": False,
                                "pending_update_count": len(self._updates)}
        if self._webhook is not None:
            info.update(url=self._webhook["url"],
                        max_connections=_as_int(self._webhook, "max_connections", 40))
            allowed = _as_json(self._webhook, "allowed_updates")
            if allowed:
                info["allowed_updates"] = allowed
        return info

    def _log_out(self, params: dict, files: dict) -> bool:
        return True

    def _close(self, params: dict, files: dict) -> bool:
        return True

    def _get_chat(self, params: dict, files: dict) -> dict:
        chat = self._resolve_chat(params)
        return {**chat, "accent_color_id": 0, "max_reaction_count": 11,
                "accepted_gift_types": {"unlimited_gifts": False, "limited_gifts": False,
                                        "unique_gifts": False, "premium_subscription": False,
                                        "gifts_from_channels": False}}

    # ------------------------------------------------------------------ injecting updates

    def _enqueue(self, payload: dict) -> dict:
        update = {"update_id": next(self._update_ids), **payload}
        self._updates.append(update)
        self._injected.append(update)
        self._cond.notify_all()
        return update

    def send_text(self, user_id: int, text: str, chat_id: int | None = None, *,
                  first_name: str | None = None, username: str | None = None,
                  chat_type: str | None = None, title: str | None = None,
                  reply_to_message_id: int | None = None,
                  entities: list[dict] | None = None) -> dict:
        """Queue a text message from ``user_id`` (in a private chat unless ``chat_id`` < 0).

        Without ``entities``, bot_command and mention entities are computed (UTF-16 offsets).
        ``reply_to_message_id`` embeds the stored message replied to. Returns the update.
        """
        entities = auto_entities(text) if entities is None else entities
        content: dict[str, Any] = {"text": text}
        if entities:
            content["entities"] = copy.deepcopy(entities)
        return self._from_user(user_id, chat_id, content, first_name=first_name, username=username,
                               chat_type=chat_type, title=title,
                               reply_to_message_id=reply_to_message_id)

    def _from_user(self, user_id: int, chat_id: int | None, content: dict, *,
                   first_name: str | None = None, username: str | None = None,
                   chat_type: str | None = None, title: str | None = None,
                   reply_to_message_id: int | None = None) -> dict:
        """Store a message from ``user_id`` with ``content`` (text, or a document or photo
        with its caption) and queue its update, as Telegram would deliver it."""
        chat_id = user_id if chat_id is None else chat_id
        if user_id <= 0:
            raise ValueError("user_id must be positive")
        if chat_id > 0 and chat_id != user_id:
            raise ValueError("a private chat's id is the user's id; use a negative group id")
        with self._cond:
            user = self._remember_user(user_id, first_name, username)
            chat = self._remember_chat(chat_id, chat_type, title)
            if chat["type"] == "private":
                self.started.add(user_id)
            message: dict[str, Any] = {"message_id": self._new_message_id(chat_id),
                                       "from": user, "chat": chat, "date": int(time.time()),
                                       **copy.deepcopy(content)}
            if reply_to_message_id is not None:
                target = self._stored(chat_id, reply_to_message_id)
                if target is None:
                    raise KeyError(f"no message {reply_to_message_id} in chat {chat_id} "
                                   "to reply to")
                message["reply_to_message"] = self._for_embedding(target)
            self._messages[(chat_id, message["message_id"])] = message
            if chat["type"] != "private" and self.privacy_mode and not self._reaches_bot(message):
                # Privacy mode: the group sees it, the bot never gets an update.
                return {"update_id": None, "message": copy.deepcopy(message), "delivered": False}
            update = self._enqueue({"message": copy.deepcopy(message)})
            result = copy.deepcopy(update)
        self._notify_updates()
        return result

    def _reaches_bot(self, message: dict) -> bool:
        """What privacy mode lets through in a group: commands (general, or for this bot),
        mentions of the bot, and replies to the bot's messages."""
        reply = message.get("reply_to_message")
        if reply and (reply.get("from") or {}).get("id") == BOT_ID:
            return True
        text = message.get("text") or message.get("caption") or ""
        for entity in message.get("entities") or message.get("caption_entities") or ():
            value = _utf16_slice(text, entity["offset"], entity["length"])
            if entity["type"] == "bot_command":
                target = value.partition("@")[2]
                if not target or target.lower() == self.username.lower():
                    return True
            if entity["type"] == "mention" and value[1:].lower() == self.username.lower():
                return True
        return False

    def press(self, user_id: int, message_id: int, data: str, chat_id: int | None = None, *,
              check_button: bool = True) -> dict:
        """Queue a callback_query: ``user_id`` presses the button ``data`` under a bot message.

        With ``check_button`` the message must currently show a button with that
        callback_data (as a real client would). Returns the update.
        """
        chat_id = user_id if chat_id is None else chat_id
        with self._cond:
            message = self._stored(chat_id, message_id)
            if message is None:
                raise KeyError(f"no message {message_id} in chat {chat_id}")
            if check_button:
                datas = [d for _, d in self.buttons(message)]
                if data not in datas:
                    raise ValueError(f"message {message_id} in chat {chat_id} has no button "
                                     f"with callback_data {data!r}; it has {datas!r}")
            user = self._remember_user(user_id)
            if chat_id > 0:
                self.started.add(user_id)
            query_id = f"{BOT_ID % 100000}{next(self._query_ids):08d}"
            self._queries[query_id] = {"answered": False}
            update = self._enqueue({"callback_query": {
                "id": query_id, "from": user, "message": copy.deepcopy(message),
                "chat_instance": f"-{abs(chat_id) * 7919 % 10**12}", "data": data,
            }})
            result = copy.deepcopy(update)
        self._notify_updates()
        return result

    def inject(self, payload: dict) -> dict:
        """Queue a raw update (``payload`` without ``update_id``), whatever its shape: for
        updates the bot cannot parse or does not handle. Returns the update."""
        with self._cond:
            update = copy.deepcopy(self._enqueue(copy.deepcopy(payload)))
        self._notify_updates()
        return update

    def pending_updates(self) -> int:
        """How many injected updates the bot has not confirmed yet (via getUpdates offset)."""
        with self._lock:
            return len(self._updates)

    # ------------------------------------------------------------------ fault injection

    def fail_next(self, method: str, count: int = 1, status: int = 500,
                  description: str | None = None) -> None:
        """Answer the next ``count`` calls of ``method`` (``"*"``: any) with an error."""
        if description is None:
            try:
                phrase = HTTPStatus(status).phrase
            except ValueError:
                phrase = "Error"
            description = phrase if status >= 500 else f"{phrase}: injected fault"
        with self._lock:
            self._faults.append({"kind": "fail", "method": method.lower(), "count": count,
                                 "status": status, "description": description})

    def rate_limit_next(self, method: str, count: int = 1, retry_after: int = 1) -> None:
        """Answer the next ``count`` calls of ``method`` with 429 and ``retry_after``."""
        with self._lock:
            self._faults.append({
                "kind": "rate_limit", "method": method.lower(), "count": count, "status": 429,
                "description": f"Too Many Requests: retry after {retry_after}",
                "parameters": {"retry_after": retry_after},
            })

    def delay_next(self, method: str, seconds: float, count: int = 1) -> None:
        """Hold the next ``count`` calls of ``method`` for ``seconds`` before answering."""
        with self._lock:
            self._faults.append({"kind": "delay", "method": method.lower(), "count": count,
                                 "seconds": seconds})

    def clear_faults(self) -> None:
        """Drop every fault not consumed yet."""
        with self._lock:
            self._faults.clear()

    # ------------------------------------------------------------------ reading records

    def _copy(self, name: str) -> list[dict]:
        with self._lock:
            return list(self._records[name])

    @property
    def sent(self) -> list[dict]:
        """Successful sendMessage/sendDocument/edit* calls: method, chat_id, message_id, text,
        reply_markup, params, message (the Message returned)."""
        return self._copy("sent")

    @property
    def calls(self) -> list[dict]:
        """Every API call: method, params, status, token, fault, delay, error, files."""
        return self._copy("calls")

    @property
    def callback_answers(self) -> list[dict]:
        """answerCallbackQuery calls: callback_query_id, text, show_alert, url, cache_time."""
        return self._copy("callback_answers")

    @property
    def chat_actions(self) -> list[dict]:
        """sendChatAction calls: chat_id, action."""
        return self._copy("chat_actions")

    @property
    def deleted(self) -> list[dict]:
        """deleteMessage calls: chat_id, message_id, message."""
        return self._copy("deleted")

    @property
    def commands(self) -> list[dict]:
        """The command list for the default scope and no language."""
        with self._lock:
            return copy.deepcopy(self._commands.get(self._commands_key({}), []))

    def commands_for(self, scope: dict | None = None, language_code: str = "") -> list[dict]:
        """The command list for a scope dict (e.g. ``{"type": "all_private_chats"}``)."""
        with self._lock:
            key = self._commands_key({"scope": scope, "language_code": language_code})
            return copy.deepcopy(self._commands.get(key, []))

    @property
    def webhook(self) -> dict | None:
        """The current webhook settings (url and other setWebhook params) or None."""
        with self._lock:
            return copy.deepcopy(self._webhook)

    @property
    def tokens_seen(self) -> set[str]:
        """Every token that appeared in a request path."""
        with self._lock:
            return set(self._tokens_seen)

    @property
    def allowed_updates(self) -> list[str] | None:
        """The last allowed_updates list sent with getUpdates."""
        with self._lock:
            return None if self._allowed_updates is None else list(self._allowed_updates)

    @property
    def injected(self) -> list[dict]:
        """Every update injected so far, confirmed or not."""
        with self._lock:
            return copy.deepcopy(self._injected)

    def message(self, chat_id: int, message_id: int) -> dict:
        """The current state of a stored message (bot's or user's)."""
        with self._lock:
            found = self._stored(chat_id, message_id)
            if found is None:
                raise KeyError(f"no message {message_id} in chat {chat_id}")
            return copy.deepcopy(found)

    def messages_to(self, chat_id: int) -> list[str]:
        """Current text (or caption) of every undeleted bot message in ``chat_id``, in order."""
        with self._lock:
            found = sorted((mid, msg) for (cid, mid), msg in self._messages.items()
                           if cid == chat_id and msg["from"]["id"] == BOT_ID)
            return [msg.get("text", msg.get("caption", "")) for _, msg in found]

    @staticmethod
    def buttons(message: Any) -> list[tuple[str, str | None]]:
        """``(text, callback_data)`` of every inline button of a record, Message dict or PTB
        Message/InlineKeyboardMarkup, row by row."""
        if hasattr(message, "to_dict"):
            message = message.to_dict()
        if not message:
            return []
        markup = message if "inline_keyboard" in message else message.get("reply_markup")
        if not isinstance(markup, dict):
            return []
        return [(button.get("text"), button.get("callback_data"))
                for row in markup.get("inline_keyboard", []) for button in row]

    def reset_records(self) -> None:
        """Clear sent, calls, callback_answers, chat_actions and deleted (not chats, messages,
        pending updates or faults)."""
        with self._cond:
            for records in self._records.values():
                records.clear()
            self._cond.notify_all()

    def dump(self, source: str = "sent", last: int = 20) -> str:
        """A readable summary of recent records and calls, for assertion messages."""
        with self._lock:
            records = self._records[source][-last:]
            calls = self._records["calls"][-last:]
            lines = [f"{source} ({len(self._records[source])} records, last {len(records)}):"]
            for record in records:
                shown = {k: v for k, v in record.items() if k not in ("params", "message", "time")}
                lines.append(f"  {shown}")
            lines.append(f"calls (last {len(calls)}):")
            for call in calls:
                brief = {k: v for k, v in call["params"].items() if k != "reply_markup"}
                lines.append(f"  {call['method']} -> {call['status']}"
                             f"{' (' + call['fault'] + ')' if call['fault'] else ''} {brief}")
            lines.append(f"pending updates: {len(self._updates)}")
        return "\n".join(lines)

    def _first_match(self, source: str, predicate: Callable[[dict], bool] | None,
                     since: int) -> dict | None:
        for record in self._records[source][since:]:
            if predicate is None or predicate(record):
                return record
        return None

    def wait_for(self, predicate: Callable[[dict], bool] | None = None, timeout: float = 10, *,
                 source: str = "sent", since: int = 0) -> dict:
        """Block until a record in ``source`` (from index ``since``) matches ``predicate``.

        Returns the first matching record; raises AssertionError with ``dump()`` on timeout.
        Must not be called inside a running event loop: use ``async_wait_for`` there.
        """
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            pass
        else:
            raise RuntimeError("wait_for() would block the running event loop; "
                               "use `await standin.async_wait_for(...)`")
        if source not in self._records:
            raise ValueError(f"unknown source {source!r}; one of {sorted(self._records)}")
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = self._first_match(source, predicate, since)
                if found is not None:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"no matching record in {source!r} within {timeout}s\n"
                                         + self.dump(source))
                self._cond.wait(min(remaining, 0.5))

    async def async_wait_for(self, predicate: Callable[[dict], bool] | None = None,
                             timeout: float = 10, *, source: str = "sent",
                             since: int = 0) -> dict:
        """``wait_for`` that awaits (short sleeps) instead of blocking the caller's loop."""
        if source not in self._records:
            raise ValueError(f"unknown source {source!r}; one of {sorted(self._records)}")
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                found = self._first_match(source, predicate, since)
            if found is not None:
                return found
            if time.monotonic() >= deadline:
                raise AssertionError(f"no matching record in {source!r} within {timeout}s\n"
                                     + self.dump(source))
            await asyncio.sleep(0.01)
