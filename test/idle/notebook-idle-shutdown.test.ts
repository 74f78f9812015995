import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Duration, Stack, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { embeddedIdleChecker, extractIdleChecker, idleCheckerSource, NotebookIdleShutdown, NotebookIdleShutdownProps } from '../../lib/idle/notebook-idle-shutdown';
import { newTestStack } from '../support/app';
import { SYSTEM_PYTHON } from '../support/jupyter';

const README = fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8');

function synth(props: NotebookIdleShutdownProps = {}): { stack: Stack; lc: NotebookIdleShutdown; template: Template; script: string } {
  const stack = newTestStack();
  const lc = new NotebookIdleShutdown(stack, 'Idle', props);
  const template = Template.fromStack(stack);
  const [resource] = Object.values(template.findResources('AWS::SageMaker::NotebookInstanceLifecycleConfig')) as any[];
  const script = Buffer.from(resource.Properties.OnStart[0].Content, 'base64').toString('utf8');
  return { stack, lc, template, script };
}

/** The value the on-start script gives a setting when no SML_IDLE_* override is set. */
function setting(script: string, name: string): string {
  const m = new RegExp(`^${name}="\\$\\{SML_IDLE_${name}:-(.*)\\}"$`, 'm').exec(script);
  if (!m) throw new Error(`setting ${name} not found`);
  return m[1];
}

describe('NotebookIdleShutdown', () => {
  test('synthesizes one lifecycle configuration with an on-start script and no on-create script', () => {
    const { template } = synth();
    template.resourceCountIs('AWS::SageMaker::NotebookInstanceLifecycleConfig', 1);
    template.hasResourceProperties('AWS::SageMaker::NotebookInstanceLifecycleConfig', {
      OnStart: [{ Content: Match.stringLikeRegexp('^[A-Za-z0-9+/=]+$') }],
      OnCreate: Match.absent(),
      NotebookInstanceLifecycleConfigName: Match.absent(),
    });
  });

  test('default idle threshold is 1 hour', () => {
    const { script, lc } = synth();
    expect(setting(script, 'THRESHOLD_SECONDS')).toBe('3600');
    expect(lc.idleThreshold.toSeconds()).toBe(3600);
  });

  test('default check interval is 5 minutes', () => {
    const { script, lc } = synth();
    expect(setting(script, 'INTERVAL_MINUTES')).toBe('5');
    expect(lc.checkInterval.toMinutes()).toBe(5);
  });

  test('by default an open connection alone does not keep the instance up (ignoreConnections true, as the AWS sample)', () => {
    expect(setting(synth().script, 'IGNORE_CONNECTIONS')).toBe('true');
  });

  test('by default the CPU signal is on: ec2-user\'s processes outside Jupyter above 10% of one vCPU count as activity', () => {
    const { script } = synth();
    expect(setting(script, 'CPU_THRESHOLD')).toBe('10');
    expect(setting(script, 'CPU_USER')).toBe('ec2-user');
    expect(script).toContain('[ "$CPU_THRESHOLD" = 0 ] || ARGS+=(--cpu-threshold "$CPU_THRESHOLD" --cpu-user "$CPU_USER")');
  });

  test('cpuActivityThreshold sets the threshold; 0 turns the CPU signal off', () => {
    expect(setting(synth({ cpuActivityThreshold: 2.5 }).script, 'CPU_THRESHOLD')).toBe('2.5');
    expect(setting(synth({ cpuActivityThreshold: 0 }).script, 'CPU_THRESHOLD')).toBe('0');
  });

  test('by default the checker uses the SDK endpoint and Jupyter on https://localhost:8443', () => {
    const { script } = synth();
    expect(setting(script, 'ENDPOINT_URL')).toBe('');
    expect(setting(script, 'JUPYTER_URL')).toBe('https://localhost:8443');
  });

  test('no token is baked in: the checker looks for the server\'s own in ec2-user\'s Jupyter runtime dir', () => {
    const { script } = synth();
    expect(setting(script, 'JUPYTER_RUNTIME_DIR')).toBe('/home/ec2-user/.local/share/jupyter/runtime');
    const shell = script.replace(extractIdleChecker(script), '');
    expect(shell).toContain('--runtime-dir "$JUPYTER_RUNTIME_DIR"');
    expect(shell).not.toMatch(/--token|TOKEN/);
  });

  test('every placeholder of the on-start template is filled', () => {
    const { script } = synth();
    const shell = script.replace(extractIdleChecker(script), '');
    expect(shell.match(/__[A-Z_]+__/g)).toBeNull();
  });

  test('the on-start script embeds the checker extractably, without comments: the same Python syntax tree as its source', () => {
    const { script } = synth();
    const checker = extractIdleChecker(script);
    expect(checker).toBe(embeddedIdleChecker());
    expect(idleCheckerSource()).toBe(fs.readFileSync(path.join(__dirname, '../../lib/idle/assets/idle_check.py'), 'utf8'));
    const ast = (source: string) => execFileSync(SYSTEM_PYTHON, ['-c', 'import ast, sys; print(ast.dump(ast.parse(sys.stdin.read())))'], { input: source, encoding: 'utf8' });
    expect(ast(checker)).toBe(ast(idleCheckerSource()));
    expect(checker.split('\n').filter((l) => l.trimStart().startsWith('#'))).toEqual([
      '# cdk-sustainable-ml idle checker (SML-IDLE-NOTEBOOK); commented source: lib/idle/assets/idle_check.py',
    ]);
    expect(checker.length).toBeLessThan(idleCheckerSource().length * 0.8);
    expect(script.startsWith('#!/bin/bash\n# cdk-sustainable-ml NotebookIdleShutdown (SML-IDLE-NOTEBOOK); commented source: lib/idle/assets/on-start.sh\n')).toBe(true);
    expect(script).not.toContain('\r');
    execFileSync('/bin/bash', ['-n'], { input: script }); // the shell parses
  });

  test('the on-start script downloads nothing', () => {
    const { script } = synth();
    expect(script).not.toMatch(/\b(curl|wget|pip|conda install|yum|apt-get|aws s3|git clone)\b/);
    const urls = script.match(/https?:\/\/[^\s"')]+/g) ?? [];
    expect(urls.every((u) => u.startsWith('https://localhost:8443'))).toBe(true);
  });

  test('installs the checker through a systemd timer, cron or a background loop, never in the foreground', () => {
    const { script } = synth();
    expect(script).toContain('UNITS="${SML_IDLE_UNIT_DIR:-/etc/systemd/system}"');
    expect(script).toContain('systemctl daemon-reload && systemctl --no-block restart $T.timer');
    expect(script).toContain('| crontab -');
    expect(script).toMatch(/nohup setsid bash -c .* &$/m);
  });

  test('the base64 content is within the 16,384-character limit', () => {
    const { lc, template } = synth();
    const [resource] = Object.values(template.findResources('AWS::SageMaker::NotebookInstanceLifecycleConfig')) as any[];
    const content: string = resource.Properties.OnStart[0].Content;
    expect(content.length).toBe(lc.onStartContentLength);
    expect(content.length).toBeLessThanOrEqual(NotebookIdleShutdown.MAX_SCRIPT_LENGTH);
  });

  test('the README says what the checker reads (no token on a notebook instance) and every reason it keeps an instance for', () => {
    const source = idleCheckerSource();
    const reasons = new Set([
      ...[...source.matchAll(/reasons\.append\('([a-z-]+)'\)/g)].map((m) => m[1]),
      ...[...source.matchAll(/log\('keep', reason='([a-z-]+)'/g)].map((m) => m[1]),
      ...[...source.matchAll(/reasons\.append\(kind \+ '(-[a-z-]+)'\)/g)].flatMap((m) => [`kernel${m[1]}`, `terminal${m[1]}`]),
    ]);
    expect([...reasons].sort()).toEqual(['busy-kernel', 'connected-kernel', 'cpu-busy', 'cpu-unreadable', 'jupyter-unreadable',
      'kernel-activity-unknown', 'recent-activity', 'terminal-activity-unknown']);
    for (const reason of reasons) expect(README).toContain(`\`${reason}\``);
    expect(README).not.toContain('with the server\'s\ntoken');
    expect(README).toMatch(/without a\s+token/);
    expect(README).toContain('`cpuActivityThreshold`');
  });

  test('exposes the lifecycle configuration name and ARN as attributes', () => {
    const { stack, lc } = synth();
    const resource = lc.node.defaultChild as sagemaker.CfnNotebookInstanceLifecycleConfig;
    expect(resource.node.id).toBe('Resource');
    const logicalId = stack.resolve(resource.logicalId);
    expect(stack.resolve(lc.lifecycleConfigName)).toEqual({ 'Fn::GetAtt': [logicalId, 'NotebookInstanceLifecycleConfigName'] });
    expect(stack.resolve(lc.lifecycleConfigArn)).toEqual({ 'Fn::GetAtt': [logicalId, 'NotebookInstanceLifecycleConfigArn'] });
  });

  test('bakes custom threshold, interval, connections and endpoint into the script', () => {
    const { script } = synth({
      idleThreshold: Duration.hours(2),
      checkInterval: Duration.minutes(10),
      ignoreConnections: false,
      sageMakerEndpointUrl: 'https://vpce-0abc.api.sagemaker.eu-west-1.vpce.amazonaws.com',
    });
    expect(setting(script, 'THRESHOLD_SECONDS')).toBe('7200');
    expect(setting(script, 'INTERVAL_MINUTES')).toBe('10');
    expect(setting(script, 'IGNORE_CONNECTIONS')).toBe('false');
    expect(setting(script, 'ENDPOINT_URL')).toBe('https://vpce-0abc.api.sagemaker.eu-west-1.vpce.amazonaws.com');
  });

  test('accepts the threshold and interval bounds', () => {
    expect(setting(synth({ idleThreshold: Duration.minutes(10), checkInterval: Duration.minutes(1) }).script, 'THRESHOLD_SECONDS')).toBe('600');
    expect(setting(synth({ idleThreshold: Duration.days(7), checkInterval: Duration.minutes(60) }).script, 'INTERVAL_MINUTES')).toBe('60');
  });

  test('sets the lifecycle configuration name', () => {
    synth({ lifecycleConfigName: 'team-a-idle-stop' }).template.hasResourceProperties('AWS::SageMaker::NotebookInstanceLifecycleConfig', {
      NotebookInstanceLifecycleConfigName: 'team-a-idle-stop',
    });
  });

  test('appends onStartCommands after the checker is installed, and renders onCreateCommands', () => {
    const { template, script } = synth({ onStartCommands: ['echo started'], onCreateCommands: ['echo created', 'touch /tmp/x'] });
    expect(script.indexOf('echo started')).toBeGreaterThan(script.indexOf('sml-idle-shutdown'));
    expect(script.endsWith('# onStartCommands\necho started\n')).toBe(true);
    const [resource] = Object.values(template.findResources('AWS::SageMaker::NotebookInstanceLifecycleConfig')) as any[];
    expect(Buffer.from(resource.Properties.OnCreate[0].Content, 'base64').toString('utf8'))
      .toBe('#!/bin/bash\n# onCreateCommands\necho created\ntouch /tmp/x\n');
  });

  test('grantStopInstance allows StopNotebookInstance on that instance only (the checker calls nothing else)', () => {
    const stack = newTestStack();
    const lc = new NotebookIdleShutdown(stack, 'Idle');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const nb = new sagemaker.CfnNotebookInstance(stack, 'Nb', { instanceType: 'ml.t3.medium', roleArn: role.roleArn, lifecycleConfigName: lc.lifecycleConfigName });
    lc.grantStopInstance(role, nb.ref);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'sagemaker:StopNotebookInstance', Effect: 'Allow', Resource: { Ref: stack.resolve(nb.logicalId) } }] },
    });
    expect(NotebookIdleShutdown.REQUIRED_ACTIONS).toEqual(['sagemaker:StopNotebookInstance']);
  });

  test('REQUIRED_ACTIONS are exactly the SageMaker operations the checker calls', () => {
    const source = idleCheckerSource();
    // boto3 operations take PascalCase keyword arguments: `.stop_notebook_instance(NotebookInstanceName=name)`
    const calls = [...source.matchAll(/\.([a-z]+(?:_[a-z]+)+)\(\s*[A-Z]\w*=/g)]
      .map((m) => `sagemaker:${m[1].split('_').map((w) => w[0].toUpperCase() + w.slice(1)).join('')}`);
    expect([...new Set(calls)].sort()).toEqual([...NotebookIdleShutdown.REQUIRED_ACTIONS].sort());
    expect(source).not.toMatch(/describe_notebook_instance|DescribeNotebookInstance/);
  });

  describe('refusals', () => {
    test.each([
      ['fails when idleThreshold is under 10 minutes', { idleThreshold: Duration.minutes(9) }, /SML-IDLE-NOTEBOOK: idleThreshold 9 minutes: must be whole seconds between 10 minutes and 7 days/],
      ['fails when idleThreshold is over 7 days', { idleThreshold: Duration.days(8) }, /SML-IDLE-NOTEBOOK: idleThreshold 8 days/],
      ['fails when idleThreshold is not whole seconds', { idleThreshold: Duration.millis(3_600_500) }, /SML-IDLE-NOTEBOOK: idleThreshold/],
      ['fails when checkInterval is under 1 minute', { checkInterval: Duration.seconds(30) }, /SML-IDLE-NOTEBOOK: checkInterval 30 seconds: must be whole minutes between 1 and 60/],
      ['fails when checkInterval is not whole minutes', { checkInterval: Duration.seconds(90) }, /SML-IDLE-NOTEBOOK: checkInterval 1 minute 30 seconds: must be whole minutes/],
      ['fails when checkInterval is over 60 minutes', { checkInterval: Duration.minutes(61) }, /SML-IDLE-NOTEBOOK: checkInterval 1 hour 1 minute: must be whole minutes/],
      ['fails when sageMakerEndpointUrl is not an http(s) URL', { sageMakerEndpointUrl: 'vpce-0abc; rm -rf /' }, /SML-IDLE-NOTEBOOK: sageMakerEndpointUrl 'vpce-0abc; rm -rf \/'/],
      ['fails when lifecycleConfigName has invalid characters', { lifecycleConfigName: 'idle_stop' }, /SML-IDLE-NOTEBOOK: lifecycleConfigName 'idle_stop'/],
      ['fails when lifecycleConfigName is longer than 63 characters', { lifecycleConfigName: 'a'.repeat(64) }, /SML-IDLE-NOTEBOOK: lifecycleConfigName/],
      ['fails when cpuActivityThreshold is negative', { cpuActivityThreshold: -1 }, /SML-IDLE-NOTEBOOK: cpuActivityThreshold -1: must be a percentage of one vCPU between 0 \(CPU not counted\) and 100/],
      ['fails when cpuActivityThreshold is over 100', { cpuActivityThreshold: 150 }, /SML-IDLE-NOTEBOOK: cpuActivityThreshold 150: must be a percentage/],
      ['fails when cpuActivityThreshold is not a number', { cpuActivityThreshold: NaN }, /SML-IDLE-NOTEBOOK: cpuActivityThreshold NaN: must be a percentage/],
    ])('%s', (_name, props, message) => {
      expect(() => new NotebookIdleShutdown(newTestStack(), 'Idle', props as NotebookIdleShutdownProps)).toThrow(message);
    });

    test('fails when onStartCommands push the on-start script over 16,384 base64 characters', () => {
      const stack = newTestStack();
      const room = NotebookIdleShutdown.MAX_SCRIPT_LENGTH - new NotebookIdleShutdown(stack, 'Probe').onStartContentLength;
      // just fits: 3 raw characters per 4 base64 characters, minus the command header
      const fits = Math.floor(room / 4) * 3 - '# onStartCommands\n\n'.length - 3;
      expect(() => new NotebookIdleShutdown(stack, 'Fits', { onStartCommands: ['#'.repeat(fits)] })).not.toThrow();
      expect(() => new NotebookIdleShutdown(stack, 'TooLong', { onStartCommands: ['#'.repeat(fits + 10)] }))
        .toThrow(/SML-IDLE-NOTEBOOK: onStartCommands '16\d\d\d base64 characters': the lifecycle script is longer than SageMaker's limit of 16384 characters/);
    });

    test('fails when onCreateCommands are over 16,384 base64 characters', () => {
      expect(() => new NotebookIdleShutdown(newTestStack(), 'Idle', { onCreateCommands: ['x'.repeat(12_300)] }))
        .toThrow(/SML-IDLE-NOTEBOOK: onCreateCommands .*longer than SageMaker's limit of 16384/);
    });

    test('fails when cpuActivityThreshold is a token', () => {
      expect(() => new NotebookIdleShutdown(newTestStack(), 'Idle', { cpuActivityThreshold: Token.asNumber({ Ref: 'Threshold' }) }))
        .toThrow(/^SML-IDLE-NOTEBOOK: cpuActivityThreshold \(a deploy-time value\): must be known at synth time: the on-start script that carries it is base64-encoded/);
    });

    test('fails when onStartCommands contain a token', () => {
      const stack = newTestStack();
      expect(() => new NotebookIdleShutdown(stack, 'Idle', { onStartCommands: [`echo ${stack.account}`] }))
        .toThrow(/SML-IDLE-NOTEBOOK: onStartCommands\[0\] .*contains a token/);
    });
  });
});
