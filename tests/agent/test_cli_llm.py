"""`python -m bot ask` with the language model switched on from the environment: the
answer comes through the agent; with the endpoint stopped, offline, within the timeout."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from llm_standin import LLMStandIn, text, tool_call

GOOD = "人事任免文件由县长签发。依据第五十条：“人事任免文件，由县长签署或签发”。"


def ask(seed_config, base_url, *question):
    env = dict(os.environ, BOT_DATA_DIR=str(seed_config.storage.data_dir), BOT_LLM_ENABLED="1",
               BOT_LLM_BASE_URL=base_url, BOT_LLM_MODEL="qwen-plus", LLM_API_KEY="sk-cli-secret")
    started = time.monotonic()
    r = subprocess.run([sys.executable, "-m", "bot", "ask", "--json", *question], env=env,
                       capture_output=True, text=True, timeout=120)
    return r, time.monotonic() - started


def test_ask_goes_through_the_agent_and_falls_back_when_the_endpoint_is_down(seed_config):
    with LLMStandIn() as endpoint:
        endpoint.script(tool_call("route_document", {"issuer": "县政府", "doc_kind": "人事任免"}),
                        text(GOOD))
        r, _ = ask(seed_config, endpoint.base_url, "人事任免文件谁签发？")
        assert endpoint.api_keys_seen == ["sk-cli-secret"]
        base_url = endpoint.base_url
    out = json.loads(r.stdout)
    assert out["path"] == "llm" and [c["article"] for c in out["citations"]] == [50], r.stderr
    assert "sk-cli-secret" not in r.stdout + r.stderr
    r, seconds = ask(seed_config, base_url, "人事任免文件谁签发？")   # the endpoint is gone now
    out = json.loads(r.stdout)
    assert out["path"] == "offline-fallback" and "第五十条" in out["answer"]
    assert "Traceback" not in r.stderr
