# cdk-sustainable-ml idle checker (SML-IDLE-NOTEBOOK): stops this notebook instance when Jupyter has been
# idle for --threshold-seconds. Standard library + boto3, Python >= 3.7, no downloads, one log line per run.
# Settings come from the on-start script (NotebookIdleShutdown): none is defaulted here.
import argparse, calendar, fcntl, glob, json, os, re, ssl, sys, time, urllib.error, urllib.parse, urllib.request


def log(decision, **kv):
    kv = ' '.join('%s=%s' % (k, str(v).replace(' ', '_')) for k, v in kv.items())
    print('%s sml-idle-check decision=%s %s' % (time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()), decision, kv),
          flush=True)


def parse_ts(value):  # Jupyter's ISO 8601 time (fraction optional, Z or offset) -> epoch seconds
    m = re.match(r'^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:?\d\d)?$', str(value or '').strip())
    if not m:
        return None
    t = calendar.timegm(time.strptime(m.group(1), '%Y-%m-%dT%H:%M:%S')) + float(m.group(2) or 0)
    tz = (m.group(3) or 'Z').replace(':', '')
    return t if tz == 'Z' else t - int(tz[0] + '1') * (int(tz[1:3]) * 3600 + int(tz[3:5]) * 60)


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def save(path, value):
    with open(path + '.tmp', 'w') as f:
        json.dump(value, f)
    os.replace(path + '.tmp', path)


def server_token(a):  # token of the live Jupyter on --jupyter-url's port, from its runtime file; '' if none
    port, found = urllib.parse.urlsplit(a.jupyter_url).port, []
    for f in [f for d in a.runtime_dir or [] for n in ('jp', 'nb') for f in glob.glob('%s/%sserver-*.json' % (d, n))]:
        i = load(f)
        try:
            if i['port'] == port and int(i['pid']) > 0:
                try:
                    os.kill(int(i['pid']), 0)
                except PermissionError:  # alive, another user's
                    pass
                found.append((os.path.getmtime(f), i.get('token') or ''))
        except Exception:  # not a server file, or its server is gone
            pass
    return max(found)[1] if found else ''


def jupyter(a, path):
    ctx = ssl.create_default_context()
    if not a.verify_tls:  # a notebook instance serves Jupyter on localhost with a self-signed certificate
        ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
    req = urllib.request.Request(a.jupyter_url.rstrip('/') + path)
    if a.token:
        req.add_header('Authorization', 'token ' + a.token)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=ctx))
    try:
        with opener.open(req, timeout=10) as r:
            body = json.loads(r.read().decode('utf-8'))
    except urllib.error.HTTPError as e:
        if path == '/api/terminals' and e.code == 404:  # terminals disabled
            return []
        raise
    if not isinstance(body, list):
        raise ValueError(path + ' is not a list')
    return body


def activity(a, state):  # -> (reasons the instance is active, latest activity, #kernels, #terminals)
    kernels = {}
    for s in jupyter(a, '/api/sessions'):
        if (s.get('kernel') or {}).get('id'):
            kernels[s['kernel']['id']] = s['kernel']
    for k in jupyter(a, '/api/kernels'):
        kernels[k.get('id')] = k
    terminals = jupyter(a, '/api/terminals')
    reasons, latest = [], max(state['start'], state.get('last_activity', 0))
    for kind, items in (('kernel', list(kernels.values())), ('terminal', terminals)):
        for i in items:
            seen = parse_ts(i.get('last_activity'))
            if seen is None:
                reasons.append(kind + '-activity-unknown')  # cannot tell: count as active
            else:
                latest = max(latest, seen)
            if kind == 'kernel' and i.get('execution_state') == 'busy':
                reasons.append('busy-kernel')
            if kind == 'kernel' and not a.ignore_connections and (i.get('connections') or 0) > 0:
                reasons.append('connected-kernel')
    return reasons, latest, len(kernels), len(terminals)


def stop(a, name, region):
    import boto3
    from botocore.config import Config
    cfg = Config(retries={'max_attempts': 3}, connect_timeout=10, read_timeout=30)
    boto3.client('sagemaker', region_name=region, endpoint_url=a.endpoint_url or None, config=cfg) \
        .stop_notebook_instance(NotebookInstanceName=name)


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--threshold-seconds', type=float, required=True)
    p.add_argument('--jupyter-url', required=True)
    p.add_argument('--token', default='')  # else the server's own, read from --runtime-dir; else none
    p.add_argument('--runtime-dir', action='append')  # Jupyter runtime dir(s) with jpserver-/nbserver-<pid>.json
    p.add_argument('--verify-tls', action='store_true')
    p.add_argument('--ignore-connections', action='store_true')
    p.add_argument('--state-dir', required=True)
    p.add_argument('--metadata-file', required=True)
    p.add_argument('--endpoint-url', default='')
    p.add_argument('--region', default='')
    p.add_argument('--now', type=float)  # epoch seconds instead of the clock (tests)
    p.add_argument('--init', action='store_true')  # record the start time, clear the stop marker
    a = p.parse_args()
    now = time.time() if a.now is None else a.now
    os.makedirs(a.state_dir, exist_ok=True)
    state_file, marker = os.path.join(a.state_dir, 'state.json'), os.path.join(a.state_dir, 'stop-requested')
    if a.init:
        if os.path.exists(marker):
            os.remove(marker)
        save(state_file, {'start': now, 'last_activity': now})
        return log('init', start=int(now), threshold=int(a.threshold_seconds))
    lock = open(os.path.join(a.state_dir, 'lock'), 'w')
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return log('skip', reason='another-check-running')
    if os.path.exists(marker):  # never stop twice
        return log('skip', reason='stop-already-requested')
    state = load(state_file)
    if not isinstance(state, dict) or not isinstance(state.get('start'), (int, float)):
        state = {'start': now, 'last_activity': now}  # first seen now
    auth = 'argument' if a.token else 'none'
    if not a.token:
        a.token = server_token(a)
        auth = 'runtime-file' if a.token else auth
    try:
        reasons, latest, kernels, terminals = activity(a, state)
    except Exception as e:  # fail safe: never stop when Jupyter cannot be read
        save(state_file, state)
        return log('keep', reason='jupyter-unreadable', auth=auth, error='%s:%s' % (type(e).__name__, e))
    state['last_activity'] = max(state.get('last_activity', 0), min(latest, now))
    save(state_file, state)
    info = dict(kernels=kernels, terminals=terminals, idle_for=int(now - latest), threshold=int(a.threshold_seconds))
    if reasons:
        return log('keep', reason=','.join(sorted(set(reasons))), **info)
    if now - latest < a.threshold_seconds:
        return log('keep', reason='recent-activity', **info)
    meta = load(a.metadata_file) or {}
    name, arn = meta.get('ResourceName'), str(meta.get('ResourceArn') or '').split(':')
    if not name:
        return log('error', reason='no-instance-name', metadata=a.metadata_file, **info)
    try:
        stop(a, name, a.region or (arn[3] if len(arn) > 5 else None))
    except Exception as e:  # no marker: the next run tries again
        return log('stop-failed', instance=name, error='%s:%s' % (type(e).__name__, e), **info)
    with open(marker, 'w') as f:
        f.write(str(now))
    log('stop', instance=name, **info)


if __name__ == '__main__':
    sys.exit(main())
