#!/usr/bin/env bash
# Replays the Dockerfile's build steps without Docker, to prove the image would work.
#
# The COPY, WORKDIR, ENV and RUN lines are read from the Dockerfile itself (not duplicated
# here), and every image path (/src, /app, /opt/venv, ...) is mapped under a temp dir that
# stands in for the image's /. Each stage copies its files from the checkout, RUNs its
# python/pip/mkdir commands with that stage's ENV (user and ownership commands are skipped:
# they need root), so the build installs a non-editable venv with this machine's python3.11
# and ingests knowledge/. Then, from an unrelated working directory and with only the
# Dockerfile's ENV, it checks that the package is imported from the venv and that all its
# modules import, asks a question, runs `python -m bot serve --help`, and checks that nothing
# outside the data dir was written (the runtime user may write only there). The checks after
# the build all run and are reported together; any failure makes the exit code 1.
#
#   scripts/docker_steps.sh          run everything (a few minutes: a full pip install)
#   scripts/docker_steps.sh --plan   print the parsed Dockerfile steps and exit
#
# Env: DOCKERFILE (default: ./Dockerfile), PYTHON (default: python3.11), KEEP_TMP=1.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DOCKERFILE="${DOCKERFILE:-$HERE/Dockerfile}"
PY="${PYTHON:-python3.11}"
QUESTION="人事任免文件谁签发？"
EXPECTED=("县长" "第五十条")
SEP=$'\x1f'  # plan field separator: not whitespace, so empty fields survive `read`

step() { printf '\n[docker_steps +%ss] %s\n' "$SECONDS" "$*"; }
fail() { printf '\n[docker_steps] FAIL: %s\n' "$*" >&2; exit 1; }
FAILED=()  # runtime checks keep going after a failure, so one run reports them all
failed() { printf '  FAILED: %s\n' "$*" >&2; FAILED+=("$*"); }

# plan ROOT: one line per step, fields separated by \x1f, image paths mapped under ROOT.
#   STAGE n image name | WORKDIR path | ENV key value | COPY from dest src... |
#   RUN kind command   (kind: venv = create a venv at command, run, skip)
plan() {
    "$PY" - "$DOCKERFILE" "$1" <<'PYEOF'
import json, os, re, shlex, sys

path, root = sys.argv[1], sys.argv[2]
SEP = "\x1f"


def logical_lines(text):
    """Instructions with line continuations joined; comments and blank lines dropped."""
    buf = []
    for raw in text.splitlines():
        s = raw.strip()
        if not s or s.startswith("#"):
            continue
        if s.endswith("\\"):
            buf.append(s[:-1].strip())
            continue
        buf.append(s)
        yield " ".join(p for p in buf if p)
        buf = []
    if buf:
        sys.exit(f"{path}: ends inside a line continuation")


def words(args):
    return json.loads(args) if args.startswith("[") else shlex.split(args)


def flags_and_paths(args):
    toks = words(args)
    flags = dict(t[2:].partition("=")[::2] for t in toks if t.startswith("--"))
    return flags, [t for t in toks if not t.startswith("--")]


with open(path, encoding="utf-8") as fh:
    instrs = []
    for line in logical_lines(fh.read()):
        kw, _, rest = line.partition(" ")
        instrs.append((kw.upper(), rest.strip()))
if not any(kw == "FROM" for kw, _ in instrs):
    sys.exit(f"{path}: no FROM")

VENV = re.compile(r"^(?:\S*/)?python[\d.]*\s+-m\s+venv\s+(?:-\S+\s+)*(\S+)$")

# Image paths to map under root: workdirs, absolute COPY destinations, volumes, venvs.
prefixes = set()
for kw, args in instrs:
    if kw == "WORKDIR" and args.startswith("/"):
        prefixes.add(args.rstrip("/"))
    elif kw == "COPY":
        dest = flags_and_paths(args)[1][-1]
        if dest.startswith("/"):
            prefixes.add(dest.rstrip("/"))
    elif kw == "VOLUME":
        prefixes.update(p.rstrip("/") for p in words(args) if p.startswith("/"))
    elif kw == "RUN":
        for part in re.split(r"\s*&&\s*", args):
            m = VENV.match(part.strip())
            if m:
                prefixes.add(m.group(1).rstrip("/"))
prefixes.discard("")
if prefixes:
    pattern = re.compile(r"(?<![\w./-])(%s)(?![\w.-])"
                         % "|".join(map(re.escape, sorted(prefixes, key=len, reverse=True))))


def mapped(text):
    return pattern.sub(lambda m: root + m.group(1), text) if prefixes else text


def emit(*fields):
    print(SEP.join(str(f).replace(SEP, " ").replace("\n", " ") for f in fields))


stage, env = -1, {}
for kw, args in instrs:
    if kw == "FROM":
        stage, env = stage + 1, {}
        toks = args.split()
        toks = [t for t in toks if not t.startswith("--")]
        name = toks[2] if len(toks) >= 3 and toks[1].upper() == "AS" else "-"
        emit("STAGE", stage, toks[0], name)
    elif kw == "WORKDIR":
        emit("WORKDIR", mapped(args))
    elif kw == "ENV":
        toks = shlex.split(args)
        pairs = ([t.partition("=")[::2] for t in toks] if "=" in toks[0]
                 else [(toks[0], " ".join(toks[1:]))])
        for key, value in pairs:
            # $VAR refers to the stage's earlier ENV, else to the (base image's) environment.
            value = re.sub(r"\$\{?(\w+)\}?",
                           lambda m: env.get(m.group(1), os.environ.get(m.group(1), "")),
                           mapped(value))
            env[key] = value
            emit("ENV", key, value)
    elif kw == "COPY" or kw == "ADD":
        if kw == "ADD":
            sys.exit(f"{path}: ADD is not supported here; use COPY")
        flags, paths = flags_and_paths(args)
        if len(paths) < 2:
            sys.exit(f"{path}: COPY needs a source and a destination: {args}")
        src = [mapped(p) for p in paths[:-1]] if "from" in flags else paths[:-1]
        emit("COPY", flags.get("from", "-"), mapped(paths[-1]), *src)
    elif kw == "RUN":
        cmd = shlex.join(json.loads(args)) if args.startswith("[") else args
        for part in re.split(r"\s*&&\s*", cmd):
            part = part.strip()
            m = VENV.match(part)
            if m:
                emit("RUN", "venv", mapped(m.group(1)))
                continue
            toks = part.split() or [""]
            first = os.path.basename(toks[0])
            # mkdir only when every absolute path it names is an image path (mapped under root).
            unmapped = [w for w in toks[1:] if w.startswith("/") and not (prefixes and pattern.match(w))]
            kind = ("run" if re.fullmatch(r"(python|pip)[\d.]*", first)
                    or (first == "mkdir" and not unmapped) else "skip")
            emit("RUN", kind, mapped(part))
    elif kw == "USER":
        emit("USER", args.split(":")[0])
PYEOF
}

if [[ ${1:-} == --plan ]]; then
    plan ""
    exit 0
fi
[[ $# -eq 0 ]] || { echo "usage: $0 [--plan]" >&2; exit 2; }

command -v "$PY" >/dev/null || fail "$PY not found (set PYTHON=...)"
# Only the Dockerfile's ENV may configure the bot: drop the caller's settings.
unset BOT_CONFIG BOT_DATA_DIR BOT_DATABASE_URL BOT_TELEGRAM_API_BASE_URL \
      BOT_EMBEDDING_BACKEND BOT_EMBEDDING_MODEL TELEGRAM_BOT_TOKEN \
      VIRTUAL_ENV PYTHONPATH PYTHONHOME

TMP="$(mktemp -d "${TMPDIR:-/tmp}/docker_steps.XXXXXX")"
if [[ ${KEEP_TMP:-0} == 1 ]]; then
    trap 'echo "[docker_steps] kept $TMP"' EXIT
else
    trap 'rm -rf "$TMP"' EXIT
fi
ROOT="$TMP/root"        # stands in for the image's /
ELSEWHERE="$TMP/elsewhere"
mkdir -p "$ROOT" "$ELSEWHERE" "$TMP/logs"

step "parse $DOCKERFILE (image paths mapped under $ROOT)"
plan "$ROOT" >"$TMP/plan"
last_stage="$(grep -c "^STAGE$SEP" "$TMP/plan")"
last_stage=$((last_stage - 1))
py_version="$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"

stage=-1
workdir="$ROOT"
stage_env=()
nrun=0
snapped=0
# Runs a command as the image would: in a working dir, with only this stage's ENV added.
run_in() {
    local wd="$1"; shift
    (cd "$wd" && env ${stage_env[@]+"${stage_env[@]}"} "$@") </dev/null
}
env_value() {  # the current stage's ENV value of $1 (empty if unset)
    local kv
    for kv in ${stage_env[@]+"${stage_env[@]}"}; do
        [[ ${kv%%=*} == "$1" ]] && { printf '%s' "${kv#*=}"; return; }
    done
    return 0
}
snapshot() {  # the whole image (venv included) except the data dir
    local data; data="$(env_value BOT_DATA_DIR)"
    (cd "$ROOT" && find . ${data:+-path "./${data#"$ROOT"/}" -prune -o} -printf '%p %s %T@\n' | sort)
}

while IFS="$SEP" read -r -a f <&3; do
    case "${f[0]}" in
    STAGE)
        stage="${f[1]}" workdir="$ROOT" stage_env=()
        if [[ ${f[3]} == - ]]; then step "stage $stage: FROM ${f[2]}"
        else step "stage $stage: FROM ${f[2]} AS ${f[3]}"; fi
        if [[ ${f[2]} =~ ^(docker\.io/)?(library/)?python:([0-9]+\.[0-9]+) ]]; then
            [[ ${BASH_REMATCH[3]} == "$py_version" ]] ||
                fail "base image has Python ${BASH_REMATCH[3]}, but $PY is $py_version"
            echo "  local stand-in: $("$PY" --version) ($(command -v "$PY"))"
        else
            fail "base image ${f[2]} is not python:X.Y: cannot stand in for it"
        fi
        ;;
    WORKDIR)
        workdir="${f[1]}"
        mkdir -p "$workdir"
        echo "  WORKDIR ${workdir#"$ROOT"}"
        ;;
    ENV)
        stage_env+=("${f[1]}=${f[2]}")
        echo "  ENV ${f[1]}=${f[2]}"
        ;;
    COPY)
        from="${f[1]}" dest="${f[2]}"
        [[ $dest == /* ]] || dest="$workdir/${dest#./}"
        [[ $dest == */. ]] && dest="${dest%.}"
        for src in "${f[@]:3}"; do
            if [[ $from != - ]]; then
                # Every stage shares $ROOT: a same-path copy is already in place.
                [[ -e $src ]] || fail "COPY --from=$from: $src does not exist"
                [[ ${src%/} == "${dest%/}" ]] ||
                    fail "COPY --from=$from $src -> $dest: keep the path (a venv hard-codes it)"
                echo "  COPY --from=$from ${src#"$ROOT"} (same path, shared)"
                continue
            fi
            [[ -e $HERE/$src ]] || fail "COPY source $src does not exist in $HERE"
            if [[ -d $HERE/$src ]]; then  # Docker copies a directory's content
                mkdir -p "$dest" && cp -a "$HERE/$src/." "$dest/"
            elif [[ $dest == */ || ${#f[@]} -gt 4 || -d $dest ]]; then
                mkdir -p "$dest" && cp -a "$HERE/$src" "$dest/"
            else
                mkdir -p "$(dirname "$dest")" && cp -a "$HERE/$src" "$dest"
            fi
            echo "  COPY $src -> ${dest#"$ROOT"}"
        done
        ;;
    USER)
        echo "  USER ${f[1]} (commands run as $(id -un) here)"
        # From here on the image writes as this user: record what it must leave alone.
        if [[ $stage == "$last_stage" && $snapped == 0 && ${f[1]} != root && ${f[1]} != 0 ]]; then
            snapped=1
            snapshot >"$TMP/before"
        fi
        ;;
    RUN)
        kind="${f[1]}" cmd="${f[2]}"
        case "$kind" in
        skip) echo "  RUN (skipped: needs root/Docker) ${cmd//$ROOT/}"; continue ;;
        venv) echo "  RUN $PY -m venv ${cmd#"$ROOT"}"; cmd="$PY -m venv $cmd" ;;
        *) echo "  RUN ${cmd//$ROOT/}" ;;
        esac
        nrun=$((nrun + 1)) log="$TMP/logs/run-$nrun.log"
        if ! run_in "$workdir" sh -c "$cmd" >"$log" 2>&1; then
            tail -n 60 "$log" >&2
            fail "RUN ${cmd//$ROOT/} (stage $stage)"
        fi
        tail -n 3 "$log" | cut -c1-160 | sed 's/^/    | /'
        ;;
    esac
done 3<"$TMP/plan"

[[ $nrun -gt 0 ]] || fail "no RUN step was executed"
grep -q "^RUN${SEP}venv$SEP" "$TMP/plan" || fail "the Dockerfile creates no venv (python -m venv DIR)"
[[ $snapped == 1 ]] || fail "the final stage never switches to a non-root USER"

step "the package is installed in the venv, not imported from the sources"
where="$(run_in "$ELSEWHERE" python -c 'import bot, sys; print(bot.__file__); print(sys.prefix)')" ||
    fail "python -c 'import bot' fails"
echo "$where" | sed 's/^/  /'
bot_file="$(sed -n 1p <<<"$where")" prefix="$(sed -n 2p <<<"$where")"
[[ $prefix == "$ROOT"/* ]] || fail "python on the image PATH is not the venv: $prefix"
[[ $bot_file == "$prefix"/* ]] || fail "bot is imported from $bot_file, not from the venv (editable install?)"

step "every module of the installed distribution imports (its dependencies are declared)"
dist="$("$PY" -c 'import sys, tomllib; print(tomllib.load(open(sys.argv[1], "rb"))["project"]["name"])' \
        "$HERE/pyproject.toml")"
import_all="$(cat <<'PYEOF'
import importlib, importlib.metadata, pkgutil, sys

tops = importlib.metadata.distribution(sys.argv[1]).read_text("top_level.txt").split()
names = []
for top in tops:
    pkg = importlib.import_module(top)
    names += [m.name for m in pkgutil.walk_packages(pkg.__path__, top + ".")
              # __main__ runs the CLI; alembic env.py files only import inside alembic.
              if not m.name.endswith(".__main__") and ".migrations" not in m.name]
for name in names:
    importlib.import_module(name)
print(f"  ok: {len(names)} modules under {', '.join(tops)}")
PYEOF
)"
run_in "$ELSEWHERE" python -c "$import_all" "$dist" || failed "an installed module does not import"

step "python -m bot ask \"$QUESTION\"   (cwd: $ELSEWHERE)"
if answer="$(run_in "$ELSEWHERE" python -m bot ask "$QUESTION" 2>&1)"; then
    echo "$answer" | sed 's/^/  | /'
    missing=()
    for word in "${EXPECTED[@]}"; do
        grep -qF -- "$word" <<<"$answer" || missing+=("$word")
    done
    if [[ ${#missing[@]} -eq 0 ]]; then echo "  ok: mentions ${EXPECTED[*]}"
    else failed "the answer does not mention ${missing[*]}"; fi
else
    echo "$answer" | sed 's/^/  | /' >&2
    failed "python -m bot ask exited non-zero"
fi

step "python -m bot serve --help"
if run_in "$ELSEWHERE" python -m bot --help 2>&1 | grep -qE '[{,]serve[,}]'; then
    if out="$(run_in "$ELSEWHERE" python -m bot serve --help 2>&1)"; then
        echo "$out" | head -n 5 | sed 's/^/  | /'
        echo "  ok"
    else
        echo "$out" | tail -n 20 | sed 's/^/  | /' >&2
        failed "python -m bot serve --help exited non-zero"
    fi
else
    echo "  SKIPPED: there is no \`serve\` subcommand yet (the Dockerfile's CMD needs it)"
fi

step "nothing outside \$BOT_DATA_DIR was written after USER (that user may write only there)"
snapshot >"$TMP/after"
if diff -u "$TMP/before" "$TMP/after" >"$TMP/diff"; then
    echo "  ok: $(wc -l <"$TMP/after") files and dirs outside the data dir unchanged"
else
    sed "s|$ROOT||g" "$TMP/diff" | head -n 40 >&2
    failed "files outside the data dir changed (the runtime user could not write them)"
fi

if [[ ${#FAILED[@]} -gt 0 ]]; then
    printf '\n[docker_steps] FAIL (%ss): %d check(s) failed:\n' "$SECONDS" "${#FAILED[@]}" >&2
    printf '  - %s\n' "${FAILED[@]}" >&2
    exit 1
fi
step "OK: the Dockerfile's steps work (${SECONDS}s)"
