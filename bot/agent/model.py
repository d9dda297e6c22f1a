"""The chat model behind the agent: langchain-openai's ChatOpenAI on any OpenAI-compatible
endpoint. The API key comes from the environment variable named in [llm] api_key_env."""
from __future__ import annotations

import os

from bot.config import ConfigError, LLMConfig


def make_chat_model(llm: LLMConfig, env=None):
    from langchain_openai import ChatOpenAI

    env = os.environ if env is None else env
    if not llm.base_url or not llm.model:
        raise ConfigError("[llm] enabled needs base_url and model")
    # Self-hosted servers (vLLM, Ollama) accept any key; the client insists on one.
    key = env.get(llm.api_key_env, "").strip() or "not-needed"
    return ChatOpenAI(base_url=llm.base_url, model=llm.model, api_key=key,
                      temperature=llm.temperature, max_tokens=llm.max_tokens,
                      timeout=llm.request_timeout_seconds, max_retries=0)
