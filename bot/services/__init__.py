"""Use cases: one service per use case, each performing all of its side effects (ledger,
notifications in the outbox, derived reminders) inside one unit of work. Chat, CLI and a
web console call these and nothing else."""
