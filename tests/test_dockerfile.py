"""Static checks that the Dockerfile follows the project's container conventions.

No Docker, no network, no install: the Dockerfile is parsed here. Every check is a function
returning a list of problems; each runs on the real Dockerfile (no problems) and on a broken
variant of a known-good Dockerfile (some problem), so none of them can pass vacuously.

RUN_DOCKER_STEPS=1 also replays the build with scripts/docker_steps.sh (a full pip install:
minutes).
"""
from __future__ import annotations

import json
import os
import posixpath
import re
import shlex
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
SCRIPT = ROOT / "scripts" / "docker_steps.sh"

BASE_IMAGE = "python:3.11-slim"
VENV = "/opt/venv"
DATA_DIR = "/app/data"
SERVE = ["python", "-m", "bot", "serve"]
# What the image needs from the build context, and nothing else (no `COPY . .`).
NEEDED = {"pyproject.toml", "README.md", "config.toml", "bot", "ingest", "knowledge", "prompts"}
# What the build context must not carry.
MUST_IGNORE = [".venv", "data", "bench", "tests", ".git", "scripts", ".pytest_cache",
               "bot/__pycache__/cli.cpython-311.pyc"]
ROOT_USERS = {"root", "0"}


# Parsing ---------------------------------------------------------------------------------

class DockerfileError(ValueError):
    pass


@dataclass(frozen=True)
class Instruction:
    keyword: str  # upper case
    args: str     # continuation lines joined
    stage: int    # index of the FROM it belongs to
    line: int     # first line, 1-based


def parse_dockerfile(text: str) -> list[Instruction]:
    """Instructions with line continuations joined and comments dropped (also inside a
    continuation, as Docker does)."""
    out: list[Instruction] = []
    buf: list[str] = []
    start, stage = 0, -1
    for n, raw in enumerate(text.splitlines(), 1):
        s = raw.strip()
        if not s or s.startswith("#"):
            continue
        if not buf:
            start = n
        if s.endswith("\\"):
            buf.append(s[:-1].strip())
            continue
        buf.append(s)
        line, buf = " ".join(p for p in buf if p), []
        keyword, _, args = line.partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            stage += 1
        elif stage < 0 and keyword != "ARG":
            raise DockerfileError(f"line {start}: {keyword} before the first FROM")
        out.append(Instruction(keyword, args.strip(), stage, start))
    if buf:
        raise DockerfileError("the file ends inside a line continuation")
    if stage < 0:
        raise DockerfileError("no FROM")
    return out


def exec_form(args: str) -> list[str] | None:
    """The JSON (exec) form of CMD/RUN/HEALTHCHECK CMD, or None for the shell form."""
    if not args.startswith("["):
        return None
    try:
        value = json.loads(args)
    except json.JSONDecodeError:
        return None  # Docker then treats it as shell form
    return value if isinstance(value, list) and all(isinstance(v, str) for v in value) else None


def command_words(args: str) -> list[str]:
    form = exec_form(args)
    return form if form is not None else shlex.split(args)


def flags_and_paths(args: str) -> tuple[dict[str, str], list[str]]:
    words = command_words(args)
    flags = {w[2:].partition("=")[0]: w.partition("=")[2] for w in words if w.startswith("--")}
    return flags, [w for w in words if not w.startswith("--")]


def stage_names(instrs: list[Instruction]) -> dict[str, int]:
    names = {}
    for i in instrs:
        if i.keyword == "FROM":
            words = [w for w in i.args.split() if not w.startswith("--")]
            names[str(i.stage)] = i.stage
            if len(words) >= 3 and words[1].upper() == "AS":
                names[words[2].lower()] = i.stage
    return names


def final_stage(instrs: list[Instruction]) -> list[Instruction]:
    last = max(i.stage for i in instrs)
    return [i for i in instrs if i.stage == last]


def env_of(stage: list[Instruction]) -> dict[str, str]:
    env: dict[str, str] = {}
    for i in stage:
        if i.keyword == "ENV":
            words = shlex.split(i.args)
            if "=" in words[0]:
                env.update(w.partition("=")[::2] for w in words)
            else:
                env[words[0]] = " ".join(words[1:])
    return env


def copies(instrs: list[Instruction]) -> list[tuple[Instruction, str | None, list[str], str]]:
    """(instruction, --from stage or None, sources, destination) for each COPY/ADD."""
    out = []
    for i in instrs:
        if i.keyword in ("COPY", "ADD"):
            flags, paths = flags_and_paths(i.args)
            out.append((i, flags.get("from"), paths[:-1], paths[-1] if paths else ""))
    return out


def context_sources(instrs: list[Instruction]) -> list[str]:
    return [s for _, frm, srcs, _ in copies(instrs) if frm is None for s in srcs]


def resolved_dest(instr: Instruction, stage: list[Instruction], src: str, dest: str) -> str:
    """Where COPY puts src, as an absolute image path."""
    workdir = "/"
    for i in stage:
        if i is instr:
            break
        if i.keyword == "WORKDIR":
            workdir = posixpath.join(workdir, i.args)
    dest = posixpath.join(workdir, dest)
    if dest.endswith("/") or dest.endswith("/."):
        dest = posixpath.join(dest, posixpath.basename(src.rstrip("/")))
    return posixpath.normpath(dest)


def run_commands(instr: Instruction) -> list[str]:
    """A RUN's commands, split on &&."""
    form = exec_form(instr.args)
    text = shlex.join(form) if form is not None else instr.args
    return [c.strip() for c in re.split(r"\s*&&\s*", text) if c.strip()]


def is_bot_ingest(cmd: str) -> bool:
    return re.match(r"^(\S*/)?python[\d.]*\s+-m\s+bot\s+ingest\b", cmd) is not None


def healthcheck(stage: list[Instruction]) -> list[str] | None:
    """The HEALTHCHECK's command words; None when absent or NONE."""
    checks = [i for i in stage if i.keyword == "HEALTHCHECK"]
    if not checks:
        return None
    m = re.match(r"^(?:--\S+\s+)*(CMD|NONE)\b\s*(.*)$", checks[-1].args, re.IGNORECASE | re.DOTALL)
    if not m or m.group(1).upper() == "NONE":
        return None
    return command_words(m.group(2))


# .dockerignore (moby/patternmatcher semantics) --------------------------------------------

def _glob_regex(pattern: str) -> re.Pattern:
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**", i):
            i += 2
            if pattern.startswith("/", i):  # "**/": any number of directories, also none
                out.append("(?:.*/)?")
                i += 1
            else:
                out.append(".*")
            continue
        c = pattern[i]
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[" and "]" in pattern[i + 1:]:
            j = pattern.index("]", i + 1)
            out.append("[" + pattern[i + 1:j].replace("\\", "\\\\") + "]")
            i = j
        elif c == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 1
        else:
            out.append(re.escape(c))
        i += 1
    return re.compile("".join(out) + r"\Z")


def dockerignore_patterns(text: str) -> list[tuple[bool, re.Pattern]]:
    """(is_exception, regex) per line; paths are cleaned and made relative like Docker does."""
    patterns = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        line = posixpath.normpath(line[1:].strip() if negate else line).lstrip("/")
        if line not in ("", "."):
            patterns.append((negate, _glob_regex(line)))
    return patterns


def is_dockerignored(path: str, patterns: list[tuple[bool, re.Pattern]]) -> bool:
    """Whether the build context leaves out path: the last pattern matching the path or one of
    its parent directories decides."""
    parts = posixpath.normpath(path).lstrip("/").split("/")
    candidates = ["/".join(parts[:k]) for k in range(1, len(parts) + 1)]
    excluded = False
    for negate, regex in patterns:
        if any(regex.match(c) for c in candidates):
            excluded = not negate
    return excluded


def tracked_files(root: Path, source: str) -> list[str]:
    """Git-tracked files under a COPY source ([] when git is not available)."""
    try:
        out = subprocess.run(["git", "-C", str(root), "ls-files", "-z", "--", source],
                             capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return []
    return [f for f in out.stdout.split("\0") if f] if out.returncode == 0 else []


# Checks: each returns the problems found ----------------------------------------------------

def check_base_images(instrs: list[Instruction]) -> list[str]:
    names = stage_names(instrs)
    problems = []
    for i in instrs:
        if i.keyword == "FROM":
            image = next(w for w in i.args.split() if not w.startswith("--"))
            if image != BASE_IMAGE and image.lower() not in names:
                problems.append(f"line {i.line}: FROM {image}, expected {BASE_IMAGE}")
    final_from = final_stage(instrs)[0]
    if final_from.args.split()[0] != BASE_IMAGE:
        problems.append(f"the runtime stage is not FROM {BASE_IMAGE}")
    return problems


def check_builder_venv(instrs: list[Instruction]) -> list[str]:
    """A builder stage installs the project (non-editable, no extras, no pip cache) into the
    venv, and the runtime stage copies that venv to the same path."""
    final = final_stage(instrs)
    last = final[0].stage
    builder_cmds = [(i.stage, c) for i in instrs if i.keyword == "RUN" and i.stage != last
                    for c in run_commands(i)]
    problems = []
    venv_stages = {s for s, c in builder_cmds
                   if re.match(rf"^(\S*/)?python[\d.]*\s+-m\s+venv\s+{re.escape(VENV)}/?$", c)}
    if not venv_stages:
        problems.append(f"no builder stage runs `python -m venv {VENV}`")
    installs = [(s, c) for s, c in builder_cmds if re.search(r"\bpip\s+install\b", c)]
    if not installs:
        problems.append("no builder stage runs `pip install`")
    for _, cmd in installs:
        words = shlex.split(cmd)
        if not words[0].startswith(f"{VENV}/bin/") and words[0] not in ("pip", "python"):
            problems.append(f"`{cmd}`: not the venv's pip")
        if "--no-cache-dir" not in words:
            problems.append(f"`{cmd}`: missing --no-cache-dir")
        if "-e" in words or "--editable" in words:
            problems.append(f"`{cmd}`: editable install (the runtime stage has no sources)")
        if "." not in words:
            problems.append(f"`{cmd}`: does not install the project itself (`.`, no extras)")
    names = stage_names(instrs)
    venv_copies = [(frm, srcs, dest) for i, frm, srcs, dest in copies(final)
                   if frm is not None and names.get(frm.lower()) in venv_stages]
    if not any(srcs == [VENV] and dest.rstrip("/") == VENV for _, srcs, dest in venv_copies):
        problems.append(f"the runtime stage does not COPY --from=<builder> {VENV} {VENV} "
                        "(same path: a venv's scripts hard-code it)")
    return problems


def check_env(instrs: list[Instruction]) -> list[str]:
    final = final_stage(instrs)
    env = env_of(final)
    want = {"PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1",
            "ANONYMIZED_TELEMETRY": "False", "BOT_DATA_DIR": DATA_DIR}
    problems = [f"ENV {k}={env.get(k)!r}, expected {v!r}" for k, v in want.items() if env.get(k) != v]
    if env.get("PATH", "").split(":")[0] != f"{VENV}/bin":
        problems.append(f"ENV PATH does not start with {VENV}/bin")
    # The installed package cannot find config.toml outside the workdir by itself.
    config_dests = [resolved_dest(i, final, s, d) for i, frm, srcs, d in copies(final)
                    if frm is None for s in srcs if s == "config.toml"]
    if env.get("BOT_CONFIG") not in config_dests:
        problems.append(f"ENV BOT_CONFIG={env.get('BOT_CONFIG')!r} is not where config.toml "
                        f"is copied ({config_dests})")
    return problems


def check_user(instrs: list[Instruction]) -> list[str]:
    """A non-root system user, created in the runtime stage, is the user at CMD."""
    final = final_stage(instrs)
    problems, user, seen_cmd = [], None, False
    for i in final:
        if i.keyword == "USER":
            if seen_cmd:
                problems.append(f"line {i.line}: USER after CMD")
            user = i.args.split(":")[0]
        elif i.keyword == "CMD":
            seen_cmd = True
            if user is None or user in ROOT_USERS:
                problems.append(f"line {i.line}: CMD runs as {user or 'root (no USER)'}")
    useradds = [shlex.split(c) for i in final if i.keyword == "RUN" for c in run_commands(i)
                if c.startswith("useradd ")]
    system_users = {w[-1] for w in useradds if "--system" in w or "-r" in w}
    if user and user not in ROOT_USERS and user not in system_users:
        problems.append(f"USER {user} is not created with `useradd --system` in the runtime stage")
    return problems


def check_healthcheck(instrs: list[Instruction], port: int, path: str) -> list[str]:
    final = final_stage(instrs)
    cmd = healthcheck(final)
    if cmd is None:
        return ["no HEALTHCHECK in the runtime stage"]
    problems = []
    text = " ".join(cmd)
    if not cmd or not re.fullmatch(r"(\S*/)?python[\d.]*", cmd[0]) or "urllib" not in text:
        problems.append(f"HEALTHCHECK should use python's urllib (slim images have no curl): {text}")
    urls = re.findall(r"https?://[^\s'\"]+", text)
    if len(urls) != 1:
        problems.append(f"HEALTHCHECK should target exactly one URL, found {urls}")
    else:
        url = urlsplit(urls[0])
        if url.hostname not in ("127.0.0.1", "localhost"):
            problems.append(f"HEALTHCHECK targets {url.hostname}, not the container itself")
        if url.port != port:
            problems.append(f"HEALTHCHECK port {url.port} != [telegram] port {port}")
        if url.path != path:
            problems.append(f"HEALTHCHECK path {url.path!r} != [telegram] health_path {path!r}")
    exposed = {w.split("/")[0] for i in final if i.keyword == "EXPOSE" for w in i.args.split()}
    if str(port) not in exposed:
        problems.append(f"EXPOSE {sorted(exposed)} lacks the [telegram] port {port}")
    return problems


def check_cmd(instrs: list[Instruction]) -> list[str]:
    final = final_stage(instrs)
    cmds = [i for i in final if i.keyword == "CMD"]
    if not cmds:
        return ["no CMD in the runtime stage"]
    problems = []
    form = exec_form(cmds[-1].args)
    if form is None:
        problems.append("CMD in shell form: sh would be PID 1 and swallow SIGTERM")
    elif form != SERVE:
        problems.append(f"CMD {form}, expected {SERVE}")
    if any(i.keyword == "ENTRYPOINT" for i in final):
        problems.append("ENTRYPOINT changes what CMD means")
    return problems


def check_ingest_order(instrs: list[Instruction]) -> list[str]:
    """The index is built after knowledge/, config.toml and the venv are in place, and before
    the data dir becomes a VOLUME (later changes to a volume path can be discarded)."""
    final = final_stage(instrs)
    pos = {id(i): n for n, i in enumerate(final)}
    ingests = [i for i in final if i.keyword == "RUN" and any(map(is_bot_ingest, run_commands(i)))]
    if not ingests:
        return ["the runtime stage never runs `python -m bot ingest`"]
    at = pos[id(ingests[0])]
    problems = []
    for needed in ("knowledge", "config.toml", VENV):
        where = [pos[id(i)] for i, _, srcs, _ in copies(final) if needed in (s.rstrip("/") for s in srcs)]
        if not where:
            problems.append(f"the runtime stage never copies {needed}")
        elif min(where) > at:
            problems.append(f"`bot ingest` runs before {needed} is copied")
    volumes = [(pos[id(i)], command_words(i.args)) for i in final if i.keyword == "VOLUME"]
    data_volumes = [n for n, paths in volumes if DATA_DIR in (p.rstrip("/") for p in paths)]
    if not data_volumes:
        problems.append(f"no VOLUME {DATA_DIR}")
    elif min(data_volumes) < at:
        problems.append(f"VOLUME {DATA_DIR} is declared before the ingest fills it")
    return problems


def check_copy_sources(instrs: list[Instruction], root: Path) -> list[str]:
    problems = []
    sources = context_sources(instrs)
    for src in sources:
        if not (root / src).exists():
            problems.append(f"COPY source {src} does not exist in the repository")
        if src.rstrip("/") not in NEEDED:
            problems.append(f"COPY source {src} is not one of {sorted(NEEDED)}")
    missing = NEEDED - {s.rstrip("/") for s in sources}
    if missing:
        problems.append(f"never copied: {sorted(missing)}")
    return problems


def check_dockerignore(instrs: list[Instruction], ignore_text: str, root: Path) -> list[str]:
    patterns = dockerignore_patterns(ignore_text)
    problems = []
    for src in context_sources(instrs):
        if is_dockerignored(src, patterns):
            problems.append(f".dockerignore excludes the COPY source {src}")
            continue
        hidden = [f for f in tracked_files(root, src) if is_dockerignored(f, patterns)]
        if hidden:
            problems.append(f".dockerignore excludes tracked files under {src}: {hidden[:5]}")
    problems += [f".dockerignore does not exclude {p}" for p in MUST_IGNORE
                 if not is_dockerignored(p, patterns)]
    return problems


# Fixtures --------------------------------------------------------------------------------

def telegram_settings() -> tuple[int, str]:
    raw = tomllib.loads((ROOT / "config.toml").read_text(encoding="utf-8"))
    tg = raw.get("telegram", {})
    return int(tg.get("port", 8080)), str(tg.get("health_path", "/healthz"))


@pytest.fixture(scope="module")
def instrs() -> list[Instruction]:
    return parse_dockerfile(DOCKERFILE.read_text(encoding="utf-8"))


# A minimal Dockerfile that passes every check; the cases below break it one way each.
GOOD = """\
FROM python:3.11-slim AS builder
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY ingest ./ingest
RUN python -m venv /opt/venv && /opt/venv/bin/pip install --no-cache-dir .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 ANONYMIZED_TELEMETRY=False \\
    PATH="/opt/venv/bin:$PATH" BOT_CONFIG=/app/config.toml BOT_DATA_DIR=/app/data
RUN useradd --system bot && mkdir -p /app/data && chown bot /app/data
WORKDIR /app
COPY --from=builder /opt/venv /opt/venv
COPY config.toml ./
COPY prompts ./prompts
COPY knowledge ./knowledge
USER bot
RUN python -m bot ingest --quiet
VOLUME /app/data
EXPOSE 8080
HEALTHCHECK CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz')"]
CMD ["python", "-m", "bot", "serve"]
"""
GOOD_IGNORE = ".venv\ndata\nbench\ntests\n.git\nscripts\n.pytest_cache\n**/__pycache__\n"


def run_check(name: str, dockerfile: str, ignore: str = GOOD_IGNORE) -> list[str]:
    instrs = parse_dockerfile(dockerfile)
    return {
        "base": lambda: check_base_images(instrs),
        "builder": lambda: check_builder_venv(instrs),
        "env": lambda: check_env(instrs),
        "user": lambda: check_user(instrs),
        "healthcheck": lambda: check_healthcheck(instrs, 8080, "/healthz"),
        "cmd": lambda: check_cmd(instrs),
        "ingest": lambda: check_ingest_order(instrs),
        "sources": lambda: check_copy_sources(instrs, ROOT),
        "dockerignore": lambda: check_dockerignore(instrs, ignore, ROOT),
    }[name]()


CHECKS = ["base", "builder", "env", "user", "healthcheck", "cmd", "ingest", "sources", "dockerignore"]

# (check, text replaced in GOOD, replacement[, .dockerignore])
BROKEN = [
    ("base", "FROM python:3.11-slim\nENV", "FROM python:3.12-slim\nENV"),
    ("base", "python:3.11-slim AS builder", "python:3.11 AS builder"),
    ("builder", "/opt/venv/bin/pip install --no-cache-dir .", "/opt/venv/bin/pip install --no-cache-dir -e ."),
    ("builder", "pip install --no-cache-dir .", "pip install ."),
    ("builder", "pip install --no-cache-dir .", "pip install --no-cache-dir '.[st]'"),
    ("builder", "COPY --from=builder /opt/venv /opt/venv", "COPY --from=builder /opt/venv /venv"),
    ("builder", "python -m venv /opt/venv && ", ""),
    ("env", "ANONYMIZED_TELEMETRY=False", "ANONYMIZED_TELEMETRY=True"),
    ("env", "BOT_DATA_DIR=/app/data", "BOT_DATA_DIR=/data"),
    ("env", 'PATH="/opt/venv/bin:$PATH"', 'PATH="$PATH:/opt/venv/bin"'),
    ("env", "BOT_CONFIG=/app/config.toml ", ""),
    ("user", "USER bot\n", ""),
    ("user", "USER bot\n", "USER root\n"),
    ("user", "useradd --system bot", "useradd bot"),
    ("user", 'CMD ["python", "-m", "bot", "serve"]\n', 'CMD ["python", "-m", "bot", "serve"]\nUSER bot\n'),
    ("healthcheck", "http://127.0.0.1:8080/healthz", "http://127.0.0.1:8081/healthz"),
    ("healthcheck", "http://127.0.0.1:8080/healthz", "http://127.0.0.1:8080/health"),
    ("healthcheck", "EXPOSE 8080", "EXPOSE 8000"),
    ("healthcheck", """CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz')"]""",
     "CMD curl -fsS http://127.0.0.1:8080/healthz"),
    ("healthcheck", "HEALTHCHECK CMD", "HEALTHCHECK NONE\n# CMD"),
    ("cmd", '"bot", "serve"]', '"bot", "start"]'),
    ("cmd", 'CMD ["python", "-m", "bot", "serve"]', "CMD python -m bot serve"),
    ("cmd", '\nCMD ["python"', '\nENTRYPOINT ["tini", "--"]\nCMD ["python"'),
    ("ingest", "COPY knowledge ./knowledge\nUSER bot\nRUN python -m bot ingest --quiet\n",
     "USER bot\nRUN python -m bot ingest --quiet\nCOPY knowledge ./knowledge\n"),
    ("ingest", "RUN python -m bot ingest --quiet\nVOLUME /app/data\n",
     "VOLUME /app/data\nRUN python -m bot ingest --quiet\n"),
    ("ingest", "RUN python -m bot ingest --quiet\n", ""),
    ("sources", "COPY prompts ./prompts", "COPY promptz ./prompts"),
    ("sources", "COPY prompts ./prompts", "COPY . ."),
    ("dockerignore", "", "", GOOD_IGNORE + "prompts\n"),
    ("dockerignore", "", "", GOOD_IGNORE + "*.md\n"),
    ("dockerignore", "", "", GOOD_IGNORE + "**/*.toml\n"),
    ("dockerignore", "", "", GOOD_IGNORE + "knowledge\n!knowledge/*.txt\n"),
    ("dockerignore", "", "", GOOD_IGNORE.replace(".venv\n", "")),
]


# The real Dockerfile -------------------------------------------------------------------

def test_base_image_is_python_3_11_slim(instrs):
    assert check_base_images(instrs) == []


def test_builder_stage_installs_the_project_into_a_venv(instrs):
    assert check_builder_venv(instrs) == []


def test_runtime_env(instrs):
    assert check_env(instrs) == []


def test_runs_as_a_non_root_system_user(instrs):
    assert check_user(instrs) == []


def test_healthcheck_matches_config_toml(instrs):
    port, path = telegram_settings()
    assert check_healthcheck(instrs, port, path) == []


def test_cmd_is_bot_serve(instrs):
    assert check_cmd(instrs) == []


def test_ingest_runs_after_the_knowledge_is_copied(instrs):
    assert check_ingest_order(instrs) == []


def test_copy_sources_exist_and_are_only_what_is_needed(instrs):
    assert check_copy_sources(instrs, ROOT) == []


def test_dockerignore_keeps_copy_sources_and_drops_the_rest(instrs):
    assert check_dockerignore(instrs, DOCKERIGNORE.read_text(encoding="utf-8"), ROOT) == []


def test_docker_steps_script_reads_the_same_steps(instrs):
    """scripts/docker_steps.sh parses the Dockerfile itself: same COPYs, and it really runs
    the venv, the pip install and the ingest (not skips them)."""
    out = subprocess.run(["bash", str(SCRIPT), "--plan"], capture_output=True, text=True,
                         timeout=60, env={**os.environ, "PYTHON": sys.executable})
    assert out.returncode == 0, out.stderr
    plan = [line.split("\x1f") for line in out.stdout.splitlines()]
    script_copies = [(f[1], f[2], f[3:]) for f in plan if f[0] == "COPY"]
    ours = [(frm or "-", dest, srcs) for _, frm, srcs, dest in copies(instrs)]
    assert script_copies == ours
    kinds = {(f[1], f[2]) for f in plan if f[0] == "RUN"}
    assert ("venv", VENV) in kinds
    assert any(k == "run" and re.search(r"\bpip install\b", c) for k, c in kinds)
    assert any(k == "run" and is_bot_ingest(c) for k, c in kinds)


# Each check can fail -----------------------------------------------------------------------

@pytest.mark.parametrize("name", CHECKS)
def test_good_fixture_passes(name):
    assert run_check(name, GOOD) == []


@pytest.mark.parametrize("case", BROKEN, ids=[f"{c[0]}-{n}" for n, c in enumerate(BROKEN)])
def test_broken_dockerfile_fails_its_check(case):
    name, old, new, *ignore = case
    if old:
        assert old in GOOD, "the case no longer applies to GOOD"
        text = GOOD.replace(old, new, 1)
    else:
        text = GOOD
    assert run_check(name, text, *ignore) != []


def test_parser_joins_continuations_and_drops_comments():
    instrs = parse_dockerfile("# c\nFROM a AS b\nRUN one \\\n  # inside\n  && two\nCMD [\"x\"]\n")
    assert [(i.keyword, i.args, i.stage, i.line) for i in instrs] == [
        ("FROM", "a AS b", 0, 2), ("RUN", "one && two", 0, 3), ("CMD", '["x"]', 0, 6)]
    assert run_commands(instrs[1]) == ["one", "two"]
    assert exec_form('["x"]') == ["x"] and exec_form("x y") is None and exec_form("[x") is None


@pytest.mark.parametrize("bad", ["RUN echo\n", "FROM a\nRUN x \\\n", "# only a comment\n"])
def test_parser_rejects_broken_dockerfiles(bad):
    with pytest.raises(DockerfileError):
        parse_dockerfile(bad)


@pytest.mark.parametrize("pattern,path,ignored", [
    ("data", "data", True),
    ("data", "data/index/x", True),
    ("data", "bot/data", False),
    ("/data", "data", True),
    ("**/__pycache__", "bot/retrieval/__pycache__/x.pyc", True),
    ("**/__pycache__", "__pycache__", True),
    ("*.md", "README.md", True),
    ("*.md", "knowledge/a.md", False),
    ("**/*.py[co]", "bot/a.pyc", True),
    ("**/*.py[co]", "bot/a.py", False),
    (".env.*", ".env.local", True),
    ("knowledge\n!knowledge/a.txt", "knowledge/a.txt", False),
    ("knowledge\n!knowledge/a.txt", "knowledge/b.txt", True),
    ("# data", "data", False),
])
def test_dockerignore_matcher(pattern, path, ignored):
    assert is_dockerignored(path, dockerignore_patterns(pattern)) is ignored


# The slow replay ------------------------------------------------------------------------

@pytest.mark.skipif(os.environ.get("RUN_DOCKER_STEPS") != "1",
                    reason="set RUN_DOCKER_STEPS=1 to replay the Dockerfile (minutes)")
def test_docker_steps_script():
    out = subprocess.run(["bash", str(SCRIPT)], capture_output=True, text=True, timeout=3600)
    assert out.returncode == 0, (out.stdout[-4000:], out.stderr[-4000:])
