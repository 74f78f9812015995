#!/bin/bash
# cdk-sustainable-ml NotebookIdleShutdown (SML-IDLE-NOTEBOOK); commented source: lib/idle/assets/on-start.sh
# Installs an offline idle checker that stops this notebook instance after the idle threshold. Downloads nothing,
# returns in seconds (limit: 5 minutes), and never fails the start: when the checker cannot be installed it logs
# one line saying why, exits 0 and the instance starts without idle shutdown (a failed on-start leaves it Failed).
# Needs sagemaker:StopNotebookInstance on this instance, and without internet access a VPC interface
# endpoint com.amazonaws.<region>.sagemaker.api. Every path and setting can be overridden by SML_IDLE_* env.
THRESHOLD_SECONDS="${SML_IDLE_THRESHOLD_SECONDS:-__THRESHOLD_SECONDS__}"
INTERVAL_MINUTES="${SML_IDLE_INTERVAL_MINUTES:-__INTERVAL_MINUTES__}"
IGNORE_CONNECTIONS="${SML_IDLE_IGNORE_CONNECTIONS:-__IGNORE_CONNECTIONS__}"
CPU_THRESHOLD="${SML_IDLE_CPU_THRESHOLD:-__CPU_THRESHOLD__}"
CPU_USER="${SML_IDLE_CPU_USER:-__CPU_USER__}"
ENDPOINT_URL="${SML_IDLE_ENDPOINT_URL:-__ENDPOINT_URL__}"
JUPYTER_URL="${SML_IDLE_JUPYTER_URL:-__JUPYTER_URL__}"
JUPYTER_RUNTIME_DIR="${SML_IDLE_JUPYTER_RUNTIME_DIR:-__JUPYTER_RUNTIME_DIR__}"
DIR="${SML_IDLE_DIR:-/opt/sml-idle}"
UNITS="${SML_IDLE_UNIT_DIR:-/etc/systemd/system}"
LOG="${SML_IDLE_LOG:-/var/log/jupyter.log}"
METADATA="${SML_IDLE_METADATA_FILE:-/opt/ml/metadata/resource-metadata.json}"
# The installer runs in a subshell: `fail` ends it, not the script, so that onStartCommands after it still run.
(
say() { echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) sml-idle-install $*" | tee -a "$LOG"; }
fail() { say "NOT INSTALLED: $*; this instance will not stop when idle"; exit 0; }
E="$(mkdir -p "$DIR/state" 2>&1)" || fail "$E"
cat > "$DIR/idle_check.py" <<'SML_IDLE_CHECK_EOF' || fail "cannot write $DIR/idle_check.py"
__SML_CHECKER__
SML_IDLE_CHECK_EOF
PY=""
# /usr/bin/python is Python 2 on Amazon Linux 2: the checker needs Python 3.7+
for p in ${SML_IDLE_PYTHON:-} /home/ec2-user/anaconda3/envs/JupyterSystemEnv/bin/python /usr/bin/python3 /usr/bin/python; do
  if [ -x "$p" ] && "$p" -c 'import sys, boto3; sys.exit(sys.version_info < (3, 7))' >/dev/null 2>&1; then PY="$p"; break; fi
done
[ -n "$PY" ] || fail "no Python 3.7+ with boto3"
ARGS=(--threshold-seconds "$THRESHOLD_SECONDS" --jupyter-url "$JUPYTER_URL" --runtime-dir "$JUPYTER_RUNTIME_DIR" --state-dir "$DIR/state" --metadata-file "$METADATA")
[ "$IGNORE_CONNECTIONS" = true ] && ARGS+=(--ignore-connections)
[ "$CPU_THRESHOLD" = 0 ] || ARGS+=(--cpu-threshold "$CPU_THRESHOLD" --cpu-user "$CPU_USER")
[ "${SML_IDLE_VERIFY_TLS:-false}" = true ] && ARGS+=(--verify-tls)
[ -n "$ENDPOINT_URL" ] && ARGS+=(--endpoint-url "$ENDPOINT_URL")
"$PY" "$DIR/idle_check.py" "${ARGS[@]}" --init >> "$LOG" 2>&1 || fail "checker does not run (see $LOG)"
CHECK="$DIR/check.sh"
printf '#!/bin/bash\nexec %s>> %q 2>&1\n' "$(printf '%q ' "$PY" "$DIR/idle_check.py" "${ARGS[@]}")" "$LOG" > "$CHECK" \
  && chmod 0755 "$CHECK" || fail "cannot write $CHECK"
SLEEP="${SML_IDLE_INTERVAL_SECONDS:-$((INTERVAL_MINUTES * 60))}"
# a systemd timer where systemd runs (Amazon Linux 2023 has no cron), else cron where its daemon runs, else a loop
MODE="${SML_IDLE_SCHEDULER:-auto}"
if [ "$MODE" = auto ]; then
  case "$(systemctl is-system-running 2>/dev/null)" in
    running|degraded|starting|initializing) MODE=systemd ;;
    *) MODE=loop; command -v crontab >/dev/null && pgrep -x 'crond?' >/dev/null && MODE=cron ;;
  esac
fi
# on-start runs at every start: remove what an earlier run installed, so that exactly one scheduler remains
# (the loop leads its process group; a loop started a moment ago may not have called setsid yet)
P="$(cat "$DIR/loop.pid" 2>/dev/null)" && grep -qsF "$CHECK" "/proc/$P/cmdline" && kill -- "-$P" "$P" 2>/dev/null
rm -f "$DIR/loop.pid"
T=sml-idle-shutdown
if [ "$MODE" != systemd ] && [ -f "$UNITS/$T.timer" ]; then
  systemctl --no-block stop $T.timer; rm -f "$UNITS/$T.timer" "$UNITS/$T.service"; systemctl daemon-reload
fi
CRON="$(crontab -l 2>/dev/null | grep -vF "$CHECK")"
if [ "$MODE" = cron ] || crontab -l 2>/dev/null | grep -qF "$CHECK"; then
  if [ "$INTERVAL_MINUTES" -ge 60 ]; then S="0 * * * *"; else S="*/$INTERVAL_MINUTES * * * *"; fi
  { [ -n "$CRON" ] && echo "$CRON"; [ "$MODE" = cron ] && echo "$S $CHECK"; } | crontab - || MODE=loop
fi
if [ "$MODE" = systemd ]; then
  printf '[Unit]\nDescription=SML-IDLE-NOTEBOOK idle check\n[Service]\nType=oneshot\nExecStart=%s\n' "$CHECK" > "$UNITS/$T.service" \
  && printf '[Timer]\nOnActiveSec=%s\nOnUnitActiveSec=%s\nAccuracySec=1s\n' "$SLEEP" "$SLEEP" > "$UNITS/$T.timer" \
  && systemctl daemon-reload && systemctl --no-block restart $T.timer || MODE=loop
fi
if [ "$MODE" = loop ]; then
  nohup setsid bash -c "while :; do $(printf %q "$CHECK"); sleep $SLEEP; done" >/dev/null 2>&1 < /dev/null &
  echo $! > "$DIR/loop.pid"
fi
[ "$MODE" = cron ] && W="'$S'" || W="every ${SLEEP}s"
say "$MODE $W threshold=${THRESHOLD_SECONDS}s cpu=${CPU_THRESHOLD}% python=$PY"
)
