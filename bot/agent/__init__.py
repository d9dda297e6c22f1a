"""The optional language-model path (langchain v1 agent over an OpenAI-compatible API).

The model chooses tools and phrases the answer; retrieval and the deterministic rule tools
decide, and `verify` checks every cited article, quote and role against what the tools
returned. Any failure — endpoint down, slow, malformed, or an answer that does not verify
after one regeneration — falls back to the offline engine's answer."""
