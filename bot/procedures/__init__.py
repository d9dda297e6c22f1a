"""Deterministic procedure tools: who signs, who approves leave, the leave ledger, the
working-day calendar. Pure domain code: nothing here imports a chat transport."""
