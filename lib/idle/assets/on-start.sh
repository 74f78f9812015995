#!/bin/bash
# cdk-sustainable-ml NotebookIdleShutdown (SML-IDLE-NOTEBOOK): installs an offline idle checker that stops
# this notebook instance after the idle threshold. Downloads nothing; returns in seconds (limit: 5 minutes).
# Needs sagemaker:StopNotebookInstance on this instance, and without internet access a VPC interface
# endpoint com.amazonaws.<region>.sagemaker.api. Every path and setting can be overridden by SML_IDLE_* env.
THRESHOLD_SECONDS="${SML_IDLE_THRESHOLD_SECONDS:-__THRESHOLD_SECONDS__}"
INTERVAL_MINUTES="${SML_IDLE_INTERVAL_MINUTES:-__INTERVAL_MINUTES__}"
IGNORE_CONNECTIONS="${SML_IDLE_IGNORE_CONNECTIONS:-__IGNORE_CONNECTIONS__}"
ENDPOINT_URL="${SML_IDLE_ENDPOINT_URL:-__ENDPOINT_URL__}"
JUPYTER_URL="${SML_IDLE_JUPYTER_URL:-__JUPYTER_URL__}"
JUPYTER_RUNTIME_DIR="${SML_IDLE_JUPYTER_RUNTIME_DIR:-__JUPYTER_RUNTIME_DIR__}"
DIR="${SML_IDLE_DIR:-/opt/sml-idle}"
CRON_DIR="${SML_IDLE_CRON_DIR:-/etc/cron.d}"
LOG="${SML_IDLE_LOG:-/var/log/jupyter.log}"
METADATA="${SML_IDLE_METADATA_FILE:-/opt/ml/metadata/resource-metadata.json}"
say() { echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) sml-idle-install $*" | tee -a "$LOG"; }
fail() { say "FAILED: $* (idle shutdown not installed)"; exit 1; }
mkdir -p "$DIR/state" || fail "cannot create $DIR"
cat > "$DIR/idle_check.py" <<'SML_IDLE_CHECK_EOF' || fail "cannot write $DIR/idle_check.py"
__SML_CHECKER__
SML_IDLE_CHECK_EOF
PY=""
for p in ${SML_IDLE_PYTHON:-} /home/ec2-user/anaconda3/envs/JupyterSystemEnv/bin/python /usr/bin/python3 /usr/bin/python; do
  if [ -x "$p" ] && "$p" -c 'import boto3' >/dev/null 2>&1; then PY="$p"; break; fi
done
[ -n "$PY" ] || fail "no Python with boto3"
ARGS=(--threshold-seconds "$THRESHOLD_SECONDS" --jupyter-url "$JUPYTER_URL" --runtime-dir "$JUPYTER_RUNTIME_DIR" --state-dir "$DIR/state" --metadata-file "$METADATA")
[ "$IGNORE_CONNECTIONS" = true ] && ARGS+=(--ignore-connections)
[ "${SML_IDLE_VERIFY_TLS:-false}" = true ] && ARGS+=(--verify-tls)
[ -n "$ENDPOINT_URL" ] && ARGS+=(--endpoint-url "$ENDPOINT_URL")
"$PY" "$DIR/idle_check.py" "${ARGS[@]}" --init >> "$LOG" 2>&1 || fail "checker does not run"
CMD="$(printf '%q ' "$PY" "$DIR/idle_check.py" "${ARGS[@]}")>> $(printf '%q' "$LOG") 2>&1"
MODE="${SML_IDLE_SCHEDULER:-auto}"
if [ "$MODE" = auto ]; then
  MODE=loop
  if [ -d "$CRON_DIR" ] && { pgrep -x crond || pgrep -x cron; } >/dev/null 2>&1; then MODE=cron; fi
fi
if [ "$MODE" = cron ]; then
  if [ "$INTERVAL_MINUTES" -ge 60 ]; then SCHEDULE="0 * * * *"; else SCHEDULE="*/$INTERVAL_MINUTES * * * *"; fi
  printf 'SHELL=/bin/bash\nPATH=/sbin:/bin:/usr/sbin:/usr/bin\n%s root %s\n' "$SCHEDULE" "${CMD//%/\\%}" \
    > "$CRON_DIR/sml-idle-shutdown" || fail "cannot write $CRON_DIR/sml-idle-shutdown"
  chmod 0644 "$CRON_DIR/sml-idle-shutdown"
  say "cron '$SCHEDULE' threshold=${THRESHOLD_SECONDS}s python=$PY"
else
  [ -f "$DIR/loop.pid" ] && kill "$(cat "$DIR/loop.pid")" >/dev/null 2>&1
  SLEEP="${SML_IDLE_INTERVAL_SECONDS:-$((INTERVAL_MINUTES * 60))}"
  nohup setsid bash -c "while :; do $CMD; sleep $SLEEP; done" >/dev/null 2>&1 < /dev/null &
  echo $! > "$DIR/loop.pid"
  say "loop every ${SLEEP}s threshold=${THRESHOLD_SECONDS}s python=$PY pid=$!"
fi
