"""County procedure assistant: runtime (retrieval, answers, CLI)."""
