"""The shared base of the HTTP stand-ins (tests/botapi.py, tests/llm_standin.py): an aiohttp
server on 127.0.0.1, on an ephemeral port, running in its own thread and event loop, so
that the code under test can talk to it from any loop or thread."""
from __future__ import annotations

import asyncio
import threading

from aiohttp import web


class ThreadedServer:
    NAME = "stand-in"
    CLIENT_MAX_SIZE = 1024 * 1024

    def __init__(self) -> None:
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._closing = False

    # -- hooks for subclasses -----------------------------------------------------------
    def _routes(self, app: web.Application) -> None:
        raise NotImplementedError

    def _before_stop(self) -> None:
        """Called in the caller's thread before shutdown (e.g. to release waiters)."""
        self._closing = True

    async def _on_shutdown(self) -> None:
        """Called in the server loop before the runner is cleaned up."""

    # -- lifecycle ------------------------------------------------------------------------
    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self):
        """Start serving (idempotent); returns self once the port is bound."""
        if self._thread is not None:
            return self
        self._closing = False
        ready = threading.Event()
        failure: list[BaseException] = []
        self._thread = threading.Thread(target=self._serve, args=(ready, failure),
                                        name=self.NAME, daemon=True)
        self._thread.start()
        if not ready.wait(10) or failure:
            self._thread = None
            raise RuntimeError(f"{self.NAME} failed to start: {failure!r}")
        return self

    def stop(self) -> None:
        """Close the server and join its thread (idempotent)."""
        thread, loop = self._thread, self._loop
        if thread is None or loop is None:
            return
        self._before_stop()
        try:
            asyncio.run_coroutine_threadsafe(self._shutdown(), loop).result(timeout=10)
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=10)
            self._thread = None
            self._loop = None

    def _serve(self, ready: threading.Event, failure: list) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._startup())
            self._loop = loop
        except BaseException as exc:  # reported to start()
            failure.append(exc)
            ready.set()
            loop.close()
            return
        ready.set()
        try:
            loop.run_forever()
        finally:
            loop.close()

    async def _startup(self) -> None:
        app = web.Application(client_max_size=self.CLIENT_MAX_SIZE)
        self._routes(app)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = self._runner.addresses[0][1]

    async def _shutdown(self) -> None:
        await self._on_shutdown()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def port(self) -> int:
        """The bound TCP port."""
        if self._port is None:
            raise RuntimeError(f"the {self.NAME} is not started")
        return self._port
