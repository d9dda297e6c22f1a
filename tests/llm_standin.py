"""An OpenAI-compatible chat-completions stand-in for end-to-end tests.

``LLMStandIn`` serves ``POST /v1/chat/completions`` and ``GET /v1/models`` over real HTTP on
127.0.0.1 (an aiohttp server in its own thread and event loop), so ``langchain_openai.ChatOpenAI``
and the ``openai`` client talk to it exactly as they talk to OpenAI::

    with LLMStandIn() as llm:
        model = ChatOpenAI(base_url=llm.base_url, api_key="sk-test", model="qwen-plus")
        llm.script(tool_call("lookup", {"q": "会议"}), text("答复"))
        ...
        assert llm.last_request()["body"]["model"] == "qwen-plus"

Each chat request consumes the next scripted item (``text``, ``tool_call``, ``tool_calls``,
``error``, ``slow``, ``garbage``, ``malformed_tool_call``, ``responder``; a bare string means
``text``); with an empty script the ``default`` item answers. ``stream: true`` requests get the
same answer as SSE ``chat.completion.chunk`` events ending with ``data: [DONE]``. Every public
method is thread-safe; only ``wait_for_requests`` blocks (use ``async_wait_for_requests``
inside a running loop).
"""
from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from aiohttp import web

from standin_server import ThreadedServer

DEFAULT_TEXT = "（stand-in: no scripted reply）"

_ERROR_KINDS = {  # status -> (type, code), as OpenAI answers them
    400: ("invalid_request_error", None),
    401: ("invalid_request_error", "invalid_api_key"),
    404: ("invalid_request_error", "not_found"),
    429: ("requests", "rate_limit_exceeded"),
    500: ("server_error", None),
    503: ("server_error", "service_unavailable"),
}
_call_ids = itertools.count(1)


# --------------------------------------------------------------------------- script items

def text(content: str) -> dict:
    """A plain assistant answer (finish_reason "stop")."""
    return {"kind": "message", "content": content, "tool_calls": None, "finish_reason": "stop"}


def tool_calls(calls: Iterable[tuple[str, dict]]) -> dict:
    """An assistant message calling several tools at once (content null)."""
    return {"kind": "message", "content": None, "finish_reason": "tool_calls", "tool_calls": [
        _tool_call_json(name, json.dumps(args, ensure_ascii=False)) for name, args in calls]}


def tool_call(name: str, args: dict, call_id: str | None = None) -> dict:
    """An assistant message calling one tool; ``call_id`` defaults to a fresh "call_N"."""
    item = tool_calls([(name, args)])
    if call_id is not None:
        item["tool_calls"][0]["id"] = call_id
    return item


def truncated(content: str) -> dict:
    """An answer cut off at the token limit (finish_reason "length")."""
    return {"kind": "message", "content": content, "tool_calls": None, "finish_reason": "length"}


def malformed_tool_call(name: str, raw_arguments: str = "{not json") -> dict:
    """A tool call whose ``arguments`` string is not valid JSON."""
    return {"kind": "message", "content": None, "finish_reason": "tool_calls",
            "tool_calls": [_tool_call_json(name, raw_arguments)]}


def error(status: int, message: str = "stand-in error", *, retry_after: float = 1) -> dict:
    """An HTTP error with OpenAI's error JSON; 429 carries a ``Retry-After`` header."""
    return {"kind": "error", "status": status, "message": message, "retry_after": retry_after}


def slow(seconds: float, then: dict | str | None = None) -> dict:
    """Wait ``seconds`` (without blocking the server), then answer with ``then`` (or default)."""
    return {"kind": "slow", "seconds": seconds, "then": then}


def garbage(body: str | bytes = "not json", status: int = 200,
            content_type: str = "application/json") -> dict:
    """A malformed answer: ``body`` sent verbatim."""
    return {"kind": "garbage", "body": body, "status": status, "content_type": content_type}


def responder(fn: Callable[[dict], dict | str]) -> dict:
    """``fn(request_body) -> item``, called when the request arrives."""
    return {"kind": "responder", "fn": fn}


def _tool_call_json(name: str, arguments: str) -> dict:
    return {"id": f"call_{next(_call_ids)}", "type": "function",
            "function": {"name": name, "arguments": arguments}}


def _as_item(item: dict | str) -> dict:
    if isinstance(item, str):
        return text(item)
    if not isinstance(item, dict) or "kind" not in item:
        raise TypeError(f"not a script item: {item!r}")
    return item


def error_body(status: int, message: str) -> dict:
    """OpenAI's error envelope for ``status``."""
    kind, code = _ERROR_KINDS.get(status, ("server_error" if status >= 500
                                           else "invalid_request_error", None))
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}


# --------------------------------------------------------------------------- the server

class LLMStandIn(ThreadedServer):
    """An OpenAI chat-completions server on 127.0.0.1 for ``ChatOpenAI(base_url=...)``.

    ``default``: the item used when the script is empty (settable later as ``.default``).
    ``models``: the ids listed by ``GET /v1/models``; a chat request for another model gets
    404 ``model_not_found``. ``api_keys``: the keys accepted (None: any non-empty bearer
    token); a missing or other key gets 401 ``invalid_api_key``. As the real API does, a
    ``tool`` message that answers no preceding assistant ``tool_calls`` id gets 400.
    """

    NAME = "llm-standin"

    def __init__(self, *, default: dict | str | None = None,
                 models: Iterable[str] = ("qwen-plus",), api_keys: Iterable[str] | None = None):
        self.default = _as_item(default if default is not None else text(DEFAULT_TEXT))
        self.models = list(models)
        self.api_keys = None if api_keys is None else set(api_keys)
        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        super().__init__()
        self._script: list[dict] = []
        self._requests: list[dict] = []
        self._ids = itertools.count(1)

    # ------------------------------------------------------------------ lifecycle

    def _routes(self, app: web.Application) -> None:
        app.router.add_post("/v1/chat/completions", self._chat)
        app.router.add_get("/v1/models", self._models)
        app.router.add_route("*", "/{tail:.*}", self._not_found)

    @property
    def base_url(self) -> str:
        """ChatOpenAI's / openai's ``base_url``."""
        return f"http://127.0.0.1:{self.port}/v1"

    # ------------------------------------------------------------------ HTTP layer

    @staticmethod
    def _json(body: dict, status: int = 200, headers: dict | None = None) -> web.Response:
        return web.json_response(body, status=status, headers=headers,
                                 dumps=lambda obj: json.dumps(obj, ensure_ascii=False))

    async def _record(self, request: web.Request) -> dict:
        raw = await request.read()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        record = {"method": request.method, "path": request.path,
                  "headers": {k.lower(): v for k, v in request.headers.items()},
                  "body": body, "time": time.time()}
        with self._cond:
            self._requests.append(record)
            self._cond.notify_all()
        return record

    async def _not_found(self, request: web.Request) -> web.Response:
        await self._record(request)
        message = f"Unknown request URL: {request.method} {request.path}."
        return self._json(error_body(404, message), 404)

    async def _models(self, request: web.Request) -> web.Response:
        await self._record(request)
        return self._json({"object": "list", "data": [
            {"id": m, "object": "model", "created": 0, "owned_by": "stand-in"}
            for m in self.models]})

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        record = await self._record(request)
        body = record["body"]
        if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
            return self._json(error_body(400, "request body must be JSON with 'messages'"), 400)
        refusal = self._refusal(record, body)
        if refusal is not None:
            return self._json(error_body(*refusal), refusal[0])
        with self._lock:
            item = self._script.pop(0) if self._script else self.default
        try:
            while item["kind"] in ("slow", "responder"):
                if item["kind"] == "slow":
                    await self._sleep(item["seconds"])
                    item = _as_item(item["then"] if item["then"] is not None else self.default)
                else:
                    item = _as_item(item["fn"](body))
        except Exception as exc:  # a test's responder broke: answer like a broken server
            return self._json(error_body(500, f"stand-in responder failed: {exc!r}"), 500)
        if item["kind"] == "error":
            headers = {"Retry-After": str(item["retry_after"])} if item["status"] == 429 else None
            return self._json(error_body(item["status"], item["message"]), item["status"], headers)
        if item["kind"] == "garbage":
            raw = item["body"]
            return web.Response(body=raw.encode() if isinstance(raw, str) else raw,
                                status=item["status"], content_type=item["content_type"])
        if body.get("stream"):
            return await self._stream(request, body, item)
        return self._json(self._completion(body, item))

    def _refusal(self, record: dict, body: dict) -> tuple[int, str] | None:
        """What the real API refuses before any model runs: (status, message) or None."""
        auth = record["headers"].get("authorization", "")
        key = auth[7:].strip() if auth.lower().startswith("bearer ") else ""
        if not key or (self.api_keys is not None and key not in self.api_keys):
            return 401, "Incorrect API key provided."
        if body.get("model") not in self.models:
            return 404, f"The model `{body.get('model')}` does not exist or you do not have access to it."
        open_calls: set[str] = set()
        for message in body["messages"]:
            if not isinstance(message, dict):
                return 400, "Invalid type for 'messages': expected an object."
            if message.get("role") == "assistant":
                open_calls = {c.get("id") for c in message.get("tool_calls") or [] if isinstance(c, dict)}
            elif message.get("role") == "tool":
                if message.get("tool_call_id") not in open_calls:
                    return 400, ("Invalid parameter: messages with role 'tool' must be a response "
                                 "to a preceeding message with 'tool_calls'.")
            else:
                open_calls = set()
        return None

    def _envelope(self, body: dict, obj: str) -> dict:
        return {"id": f"chatcmpl-standin-{next(self._ids)}", "object": obj,
                "created": int(time.time()), "model": body.get("model") or "stand-in"}

    @staticmethod
    def _usage(body: dict, item: dict) -> dict:
        prompt = len(json.dumps(body["messages"], ensure_ascii=False)) // 4 + 1
        completion = len(json.dumps([item["content"], item["tool_calls"]])) // 4 + 1
        return {"prompt_tokens": prompt, "completion_tokens": completion,
                "total_tokens": prompt + completion}

    def _completion(self, body: dict, item: dict) -> dict:
        message: dict[str, Any] = {"role": "assistant", "content": item["content"]}
        if item["tool_calls"]:
            message["tool_calls"] = item["tool_calls"]
        return {**self._envelope(body, "chat.completion"),
                "choices": [{"index": 0, "message": message,
                             "finish_reason": item["finish_reason"], "logprobs": None}],
                "usage": self._usage(body, item)}

    async def _stream(self, request: web.Request, body: dict, item: dict) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream",
                                               "Cache-Control": "no-cache"})
        await response.prepare(request)
        envelope = self._envelope(body, "chat.completion.chunk")

        async def send(choices: list[dict], **extra: Any) -> None:
            chunk = {**envelope, "choices": choices, **extra}
            await response.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())

        def choice(delta: dict, finish: str | None = None) -> dict:
            return {"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}

        await send([choice({"role": "assistant", "content": "" if item["content"] else None})])
        content = item["content"] or ""
        for i in range(0, len(content), 8):
            await send([choice({"content": content[i:i + 8]})])
        for index, call in enumerate(item["tool_calls"] or []):
            await send([choice({"tool_calls": [{"index": index, **call}]})])
        await send([choice({}, item["finish_reason"])])
        if (body.get("stream_options") or {}).get("include_usage"):
            await send([], usage=self._usage(body, item))
        await response.write(b"data: [DONE]\n\n")
        await response.write_eof()
        return response

    async def _sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self._closing and (left := deadline - time.monotonic()) > 0:
            await asyncio.sleep(min(left, 0.05))

    # ------------------------------------------------------------------ script and records

    def script(self, *items: dict | str) -> None:
        """Append answers, consumed in order, one per chat request."""
        checked = [_as_item(item) for item in items]
        with self._lock:
            self._script.extend(checked)

    @property
    def pending(self) -> int:
        """How many scripted items are still unconsumed."""
        return len(self._script)

    def reset(self) -> None:
        """Clear the script and the request records."""
        with self._lock:
            self._script.clear()
            self._requests.clear()

    @property
    def requests(self) -> list[dict]:
        """Every request so far (a copy): {method, path, headers, body, time}."""
        with self._lock:
            return list(self._requests)

    @property
    def chat_requests(self) -> list[dict]:
        """Only the ``/v1/chat/completions`` requests."""
        return [r for r in self.requests if r["path"] == "/v1/chat/completions"]

    def last_request(self) -> dict:
        """The most recent request; AssertionError if there was none."""
        with self._lock:
            if not self._requests:
                raise AssertionError("the LLM stand-in received no request")
            return self._requests[-1]

    @property
    def api_keys_seen(self) -> list[str]:
        """Bearer tokens from ``Authorization`` headers, in order, without repeats."""
        keys: list[str] = []
        for record in self.requests:
            auth = record["headers"].get("authorization", "")
            if auth.startswith("Bearer ") and auth[7:] not in keys:
                keys.append(auth[7:])
        return keys

    def dump(self) -> str:
        """The requests so far, one line each (for assertion messages)."""
        return "\n".join(f"  {r['method']} {r['path']} "
                         f"{json.dumps(r['body'], ensure_ascii=False)[:200]}"
                         for r in self.requests) or "  (no requests)"

    def wait_for_requests(self, n: int, timeout: float = 5) -> list[dict]:
        """Block until at least ``n`` requests arrived; returns them. Not inside a running loop."""
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            pass
        else:
            raise RuntimeError("wait_for_requests() would block the running event loop; "
                               "use `await standin.async_wait_for_requests(...)`")
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self._requests) < n:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"fewer than {n} requests within {timeout}s\n"
                                         + self.dump())
                self._cond.wait(min(remaining, 0.5))
            return list(self._requests)

    async def async_wait_for_requests(self, n: int, timeout: float = 5) -> list[dict]:
        """``wait_for_requests`` that awaits (short sleeps) instead of blocking the loop."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                if len(self._requests) >= n:
                    return list(self._requests)
            if time.monotonic() >= deadline:
                raise AssertionError(f"fewer than {n} requests within {timeout}s\n" + self.dump())
            await asyncio.sleep(0.01)
