# cdk-sustainable-ml idle checker (SML-IDLE-NOTEBOOK): stops this notebook instance when Jupyter has been
# idle for --threshold-seconds (and, with --cpu-threshold, the user's processes outside Jupyter use little CPU).
# Standard library + boto3, Python >= 3.7, no downloads, one log line per run.
# Settings come from the on-start script (NotebookIdleShutdown): none is defaulted here.
import argparse, calendar, fcntl, glob, json, os, pwd, re, ssl, sys, time, urllib.error, urllib.parse, urllib.request


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


def server(a):  # (token, pid) of the live Jupyter on --jupyter-url's port, from its runtime file; ('', 0) if none
    port, found = urllib.parse.urlsplit(a.jupyter_url).port, []
    for f in [f for d in a.runtime_dir or [] for n in ('jp', 'nb') for f in glob.glob('%s/%sserver-*.json' % (d, n))]:
        i = load(f)
        try:
            if i['port'] == port and int(i['pid']) > 0:
                try:
                    os.kill(int(i['pid']), 0)
                except PermissionError:  # alive, another user's
                    pass
                found.append((os.path.getmtime(f), i.get('token') or '', int(i['pid'])))
        except Exception:  # not a server file, or its server is gone
            pass
    return max(found)[1:] if found else ('', 0)


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


def activity(a, state):  # -> (reasons the instance is active, latest activity, kernel ids, #terminals)
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
    return reasons, latest, set(kernels), len(terminals)


def cpu_sample(a, skip_pid=0, kernel_ids=()):  # {pid: [start, CPU ticks, parent]} of the user's processes outside Jupyter
    out, skip = {}, set('kernel-%s.json' % k for k in kernel_ids)
    for pid in filter(str.isdigit, os.listdir('/proc')):
        try:  # not the server, not a kernel (a process given kernel-<id>.json of a live kernel): Jupyter reports those
            if os.stat('/proc/' + pid).st_uid != a.uid or int(pid) == skip_pid:
                continue
            with open('/proc/%s/cmdline' % pid, 'rb') as f:
                if skip & set(os.path.basename(x.decode('utf-8', 'replace')) for x in f.read().split(b'\0')):
                    continue
            with open('/proc/%s/stat' % pid) as f:
                v = f.read().rsplit(')', 1)[1].split()
            out[pid] = [v[19], sum(int(t) for t in v[11:15]), v[1]]  # utime+stime, and cutime+cstime of reaped children
        except (OSError, IndexError, ValueError):  # gone
            pass
    return {'t': time.time(), 'p': out}


def cpu_percent(prev, cur):  # CPU used between two samples, in % of one vCPU; None without a usable previous one
    if not isinstance(prev, dict) or not cur['t'] > prev.get('t', cur['t']):
        return None
    old, new = prev.get('p') or {}, cur['p']
    kept = {p for p in new if old.get(p, [None])[0] == new[p][0]}  # the same process in both samples
    used = sum(new[p][1] for p in new) - sum(old[p][1] for p in kept)
    # a process gone since, reaped by a parent still here: the parent's children time holds all of its CPU
    used -= sum(v[1] for p, v in old.items() if p not in kept and v[2] in kept)
    return 100.0 * max(used, 0) / os.sysconf('SC_CLK_TCK') / (cur['t'] - prev['t'])


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
    p.add_argument('--cpu-threshold', type=float, default=0)  # % of one vCPU since the last check; 0: CPU not read
    p.add_argument('--cpu-user', default='')  # whose processes count (not the Jupyter server's own, not its kernels)
    p.add_argument('--state-dir', required=True)
    p.add_argument('--metadata-file', required=True)
    p.add_argument('--endpoint-url', default='')
    p.add_argument('--region', default='')
    p.add_argument('--now', type=float)  # epoch seconds instead of the clock (tests)
    p.add_argument('--init', action='store_true')  # record the start time, clear the stop marker
    a = p.parse_args()
    if a.cpu_threshold and not a.cpu_user:
        p.error('--cpu-threshold needs --cpu-user')
    try:
        a.uid = pwd.getpwnam(a.cpu_user).pw_uid if a.cpu_threshold else None
    except KeyError:  # no such user: the CPU signal is off, and every check says so (cpu=no-user)
        a.uid = None
    now = time.time() if a.now is None else a.now
    os.makedirs(a.state_dir, exist_ok=True)
    state_file, marker = os.path.join(a.state_dir, 'state.json'), os.path.join(a.state_dir, 'stop-requested')
    if a.init:
        if os.path.exists(marker):
            os.remove(marker)
        save(state_file, dict({'start': now, 'last_activity': now}, **({'cpu': cpu_sample(a)} if a.uid is not None else {})))
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
    token, pid = server(a)
    auth = 'argument' if a.token else 'runtime-file' if token else 'none'
    a.token = a.token or token
    try:
        reasons, latest, kernel_ids, terminals = activity(a, state)
    except Exception as e:  # fail safe: never stop when Jupyter cannot be read
        save(state_file, state)
        return log('keep', reason='jupyter-unreadable', auth=auth, error='%s:%s' % (type(e).__name__, e))
    info = dict(kernels=len(kernel_ids), terminals=terminals)
    if a.cpu_threshold and a.uid is None:
        info['cpu'] = 'no-user'
    elif a.cpu_threshold:
        try:
            cur = cpu_sample(a, pid, kernel_ids)
            used, state['cpu'] = cpu_percent(state.get('cpu'), cur), cur
        except Exception as e:  # fail safe, as for Jupyter
            used, info['cpu_error'] = None, '%s:%s' % (type(e).__name__, e)
            reasons.append('cpu-unreadable')
        info['cpu'] = 'unknown' if used is None else '%.1f' % used
        if used is not None and used >= a.cpu_threshold:
            reasons.append('cpu-busy')
            latest = now
    state['last_activity'] = max(state.get('last_activity', 0), min(latest, now))
    save(state_file, state)
    info.update(idle_for=int(now - latest), threshold=int(a.threshold_seconds))
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
