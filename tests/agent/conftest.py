"""Agent fixtures: a fake chat model that emits tool calls, and an Assistant over the
session's seed index (the same engine as chat)."""
from __future__ import annotations

import copy

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from bot.agent.assistant import Assistant
from bot.engine import Engine
from bot.procedures.frontdesk import FrontDesk


class ToolCallingFake(GenericFakeChatModel):
    """GenericFakeChatModel lacks bind_tools; the agent only needs it to return a model
    that keeps emitting the scripted messages."""

    def bind_tools(self, tools, **kwargs):
        return self


def call(name: str, **args) -> AIMessage:
    return AIMessage(content="", tool_calls=[{"name": name, "args": args, "id": f"call-{name}"}])


def fake(*messages) -> ToolCallingFake:
    return ToolCallingFake(messages=iter(messages))


@pytest.fixture(scope="session")
def agent_engine(seed_config, seed_index):
    return Engine(seed_config, seed_index, FrontDesk.from_config(seed_config))


@pytest.fixture
def llm_config(seed_config):
    cfg = copy.deepcopy(seed_config)
    cfg.llm.enabled = True
    cfg.llm.timeout_seconds = 5
    cfg.llm.request_timeout_seconds = 3
    return cfg


@pytest.fixture
def assistant_with(llm_config, agent_engine):
    """assistant_with(model) -> an Assistant answering through `model`."""
    def make(model):
        return Assistant(llm_config, agent_engine, model)
    return make
