import * as fs from 'fs';
import * as path from 'path';
import { Duration, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { refuse } from '../private/messages';
import { publishFindings } from '../rules/apply';
import { notebookLifecycleFindings } from '../rules/checks';
import { IGNORE_CONNECTIONS } from '../rules/idle-notebook';
import { propTerms } from '../rules/rule';
import { checkDuration, checkNumber, requireKnown } from '../private/synth-value';

const RULE = 'SML-IDLE-NOTEBOOK';
const ASSETS = path.join(__dirname, 'assets');
/** The heredoc delimiter around the embedded checker in the on-start script. */
const CHECKER_EOF = 'SML_IDLE_CHECK_EOF';
/** Where the checker's commented source is, in this package. */
const CHECKER_SOURCE = 'lib/idle/assets/idle_check.py';
const NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/;
/**
 * Where a notebook instance serves Jupyter: HTTPS on port 8443 with a self-signed certificate. SageMaker starts it
 * as ec2-user with token authentication off (its log says "All authentication is disabled"); users reach it only
 * through the presigned URL's proxy.
 */
const INSTANCE_JUPYTER_URL = 'https://localhost:8443';
/** The runtime dir of that server (ec2-user's), where it writes `nbserver-<pid>.json` / `jpserver-<pid>.json`. */
const INSTANCE_JUPYTER_RUNTIME_DIR = '/home/ec2-user/.local/share/jupyter/runtime';
/** The user a notebook instance's Jupyter server, kernels and terminals run as: whose processes the CPU signal reads. */
const INSTANCE_USER = 'ec2-user';
// Where the on-start script's platform choices come from:
// - "By default, cron is not installed in AL2023" (https://docs.aws.amazon.com/linux/al2/ug/prepare-for-al2023.html):
//   a systemd timer where systemd runs, cron only where a cron daemon runs, a loop last.
// - "AL2023 removed Python 2.7" (https://docs.aws.amazon.com/linux/al2023/ug/python.html); on Amazon Linux 2
//   /usr/bin/python is Python 2.7, so every candidate Python is checked for 3.7+.
// - `systemctl is-system-running` prints running, degraded, starting or initializing while systemd manages the host,
//   and offline when systemd is not PID 1 (https://www.freedesktop.org/software/systemd/man/latest/systemctl.html;
//   offline measured in this project's build container).
const ENDPOINT_PATTERN = /^https?:\/\/[A-Za-z0-9.\-]+(:\d+)?(\/[A-Za-z0-9.\-_/]*)?$/;

/** Properties of a NotebookIdleShutdown. */
export interface NotebookIdleShutdownProps {
  /**
   * How long the instance must show no activity before it is stopped. At each check, activity is:
   * a busy kernel; a kernel with open connections (unless `ignoreConnections`); a kernel or terminal whose last
   * activity (as Jupyter reports it) is within this time; the user's processes outside Jupyter using more CPU than
   * `cpuActivityThreshold`. With no kernels and no terminals the instance is idle from its last seen activity or
   * its start. Between 10 minutes and 7 days, in whole seconds (SML-IDLE-NOTEBOOK). Synth-time only: the on-start script
   * that carries it is encoded at synth, so a token (deploy-time value) is refused.
   *
   * @default Duration.hours(1)
   */
  readonly idleThreshold?: Duration;

  /**
   * How often the checker runs: a systemd timer where systemd runs (Amazon Linux 2023 notebook instances have no
   * cron), else a cron entry where a cron daemon runs, else a background loop. The instance stops between
   * `idleThreshold` and `idleThreshold + checkInterval` after its last activity.
   * Whole minutes, 1 to 60 (SML-IDLE-NOTEBOOK). Synth-time only: the on-start script
   * that carries it is encoded at synth, so a token (deploy-time value) is refused.
   *
   * @default Duration.minutes(5)
   */
  readonly checkInterval?: Duration;

  /**
   * Treat kernels with open connections (for example a notebook left open in a browser tab overnight) as idle once
   * their last activity is older than the threshold, as the AWS sample's on-start script does
   * (`--ignore-connections`). A busy kernel always counts as activity. When false, any open connection keeps the
   * instance running (SML-IDLE-NOTEBOOK warns).
   *
   * @default true
   */
  readonly ignoreConnections?: boolean;

  /**
   * CPU use, in percent of one vCPU averaged over the time since the previous check (about `checkInterval`), above
   * which the instance's user's processes outside Jupyter count as activity. This keeps the instance running while
   * a command in a terminal or a background job (`nohup python train.py &`, a process started from a notebook)
   * computes without printing anything, which Jupyter alone does not see.
   *
   * What is counted: the CPU time (user + system, including children they have waited for) of every process of
   * `ec2-user`, the user SageMaker runs Jupyter as, read from `/proc`, except the Jupyter server itself and the
   * kernels of the running server (whose activity Jupyter reports: an idle kernel's background threads do not
   * count). Processes of other users (root, `sudo`, system agents) do not count, nor do processes that use no CPU
   * (`sleep`, a command waiting on the network). Between 0 and 100; 0 turns the CPU signal off, so that only
   * Jupyter's kernels and terminals count (SML-IDLE-NOTEBOOK). Synth-time only: the on-start script that carries it
   * is encoded at synth, so a token (deploy-time value) is refused.
   *
   * @default 10
   */
  readonly cpuActivityThreshold?: number;

  /**
   * SageMaker API endpoint the checker calls, e.g. the DNS name of a `com.amazonaws.<region>.sagemaker.api`
   * VPC interface endpoint whose private DNS is off (`https://vpce-....api.sagemaker.<region>.vpce.amazonaws.com`).
   *
   * @default - the regional endpoint (reached through the VPC endpoint's private DNS when internet access is off)
   */
  readonly sageMakerEndpointUrl?: string;

  /**
   * Name of the lifecycle configuration (`^[a-zA-Z0-9](-*[a-zA-Z0-9])*`, at most 63 characters).
   *
   * @default - a name generated by CloudFormation
   */
  readonly lifecycleConfigName?: string;

  /**
   * Shell commands to run on every start after the idle checker is installed. They count against the
   * 16,384-character limit of the on-start script, share its 5-minute limit (start long work with `nohup … &`),
   * and must be known at synth (no tokens).
   *
   * @default - none
   */
  readonly onStartCommands?: string[];

  /**
   * Shell commands for the on-create script (runs once, when the instance is created). Same limits as
   * `onStartCommands`.
   *
   * @default - no on-create script
   */
  readonly onCreateCommands?: string[];
}

/**
 * A notebook-instance lifecycle configuration whose on-start script installs an idle checker that stops the
 * instance when Jupyter is idle (SML-IDLE-NOTEBOOK).
 *
 * The checker (`assets/idle_check.py`, embedded in the script, nothing is downloaded) reads Jupyter's REST API
 * (`/api/sessions`, `/api/kernels`, `/api/terminals` on `https://localhost:8443`), optionally the CPU use of the
 * user's processes in `/proc` (`cpuActivityThreshold`), and calls `StopNotebookInstance` for the name in
 * `/opt/ml/metadata/resource-metadata.json`. It runs with the first Python 3.7+ that has boto3: the
 * `JupyterSystemEnv` conda environment, else `/usr/bin/python3`, else `/usr/bin/python` (Python 2 on Amazon
 * Linux 2, so skipped there). A systemd timer runs it where systemd runs, else cron where a cron daemon runs, else
 * a background loop; on-start runs at every start and leaves exactly one of them. It logs one line per check to
 * `/var/log/jupyter.log` (CloudWatch: `/aws/sagemaker/NotebookInstances/<name>/jupyter.log`), never stops when
 * Jupyter or `/proc` cannot be read, and requests the stop only once per start. The on-start script never fails
 * the instance's start (a failed on-start leaves the instance `Failed`): when the checker cannot be installed
 * (no Python 3.7+ with boto3, say) it logs one line starting `sml-idle-install NOT INSTALLED:` to its own log
 * (`LifecycleConfigOnStart`) and to `/var/log/jupyter.log`, exits 0, and the instance runs without idle shutdown.
 *
 * The script embeds the checker with its comments and blank lines removed and its indentation reduced (the same
 * Python syntax tree), to leave room under the 16,384-character limit for `onStartCommands`.
 *
 * What the instance's Jupyter server needs: to answer on `https://localhost:8443` (certificate not verified) and
 * to let the checker read the API. SageMaker runs it with token authentication off (seen on notebook-al2 with
 * Jupyter Notebook 6.5), so the checker calls it without a token, as the AWS sample `autostop.py` does. If the server has a token (set by another lifecycle
 * script, say), the checker reads it on every run from the server's own runtime file (`nbserver-<pid>.json` or
 * `jpserver-<pid>.json` of a live process listening on port 8443, in `/home/ec2-user/.local/share/jupyter/runtime`).
 * A server protected by a password only, or whose runtime file is elsewhere, cannot be read: the checker then
 * never stops the instance and logs `decision=keep reason=jupyter-unreadable`.
 *
 * The instance's role needs `sagemaker:StopNotebookInstance` on the instance (`grantStopInstance`). Without
 * direct internet access the instance reaches the SageMaker API only through a VPC interface endpoint
 * `com.amazonaws.<region>.sagemaker.api` in its subnet (`ec2.InterfaceVpcEndpointAwsService.SAGEMAKER_API`)
 * whose security group admits HTTPS from the instance.
 */
export class NotebookIdleShutdown extends Construct {
  /** Maximum length of each lifecycle script, counted on its base64 `Content`. */
  public static readonly MAX_SCRIPT_LENGTH = 16384;

  /**
   * The IAM actions the instance's role needs for the checker: it calls `StopNotebookInstance` and nothing else
   * (Jupyter tells it about activity; the instance name comes from the instance's metadata file).
   */
  public static readonly REQUIRED_ACTIONS = ['sagemaker:StopNotebookInstance'];

  /** The lifecycle configuration name, for `CfnNotebookInstance.lifecycleConfigName`. */
  public readonly lifecycleConfigName: string;

  /** The lifecycle configuration ARN. */
  public readonly lifecycleConfigArn: string;

  /** The idle threshold in effect. */
  public readonly idleThreshold: Duration;

  /** The check interval in effect. */
  public readonly checkInterval: Duration;

  /** The on-start script (plain text, before base64 encoding). */
  public readonly onStartScript: string;

  /** The length of the on-start script's base64 `Content`, checked against `MAX_SCRIPT_LENGTH`. */
  public readonly onStartContentLength: number;

  constructor(scope: Construct, id: string, props: NotebookIdleShutdownProps = {}) {
    super(scope, id);
    this.idleThreshold = checkDuration(RULE, 'idleThreshold', props.idleThreshold) ?? Duration.hours(1);
    this.checkInterval = checkDuration(RULE, 'checkInterval', props.checkInterval) ?? Duration.minutes(5);
    const baked = 'the on-start script that carries it is base64-encoded and size-checked at synth';
    requireKnown(RULE, 'idleThreshold', this.idleThreshold, baked, 'give a literal Duration such as Duration.hours(1)');
    requireKnown(RULE, 'checkInterval', this.checkInterval, baked, 'give a literal Duration such as Duration.minutes(5)');
    const thresholdSeconds = validateThreshold(this.idleThreshold);
    const intervalMinutes = validateInterval(this.checkInterval);
    const cpuActivity = checkNumber(RULE, 'cpuActivityThreshold', props.cpuActivityThreshold) ?? 10;
    requireKnown(RULE, 'cpuActivityThreshold', cpuActivity, baked, 'pass a number between 0 and 100, e.g. 10 (the default)');
    const cpuThreshold = validateCpuThreshold(cpuActivity);

    const endpoint = props.sageMakerEndpointUrl ?? '';
    if (endpoint !== '' && (Token.isUnresolved(endpoint) || !ENDPOINT_PATTERN.test(endpoint))) {
      refuse(RULE, {
        prop: 'sageMakerEndpointUrl',
        value: endpoint,
        problem: 'must be a literal http(s) URL (host, optional port and path) known at synth',
        fix: 'pass the VPC endpoint DNS name as https://<dns-name>, or leave it unset to use private DNS',
      });
    }
    if (props.lifecycleConfigName !== undefined && !Token.isUnresolved(props.lifecycleConfigName)
      && (props.lifecycleConfigName.length > 63 || !NAME_PATTERN.test(props.lifecycleConfigName))) {
      refuse(RULE, {
        prop: 'lifecycleConfigName',
        value: props.lifecycleConfigName,
        problem: 'must match ^[a-zA-Z0-9](-*[a-zA-Z0-9])* and have at most 63 characters',
        fix: 'use letters, digits and single hyphens, or leave it unset',
      });
    }

    this.onStartScript = renderOnStartScript({
      thresholdSeconds,
      intervalMinutes,
      ignoreConnections: props.ignoreConnections ?? true,
      cpuThreshold,
      endpointUrl: endpoint,
    }) + renderCommands('onStartCommands', props.onStartCommands);
    const onStart = encode('onStartCommands', this.onStartScript);
    this.onStartContentLength = onStart.length;
    const onCreateScript = props.onCreateCommands !== undefined
      ? '#!/bin/bash\n' + renderCommands('onCreateCommands', props.onCreateCommands)
      : undefined;
    const onCreate = onCreateScript !== undefined ? encode('onCreateCommands', onCreateScript) : undefined;

    const resource = new sagemaker.CfnNotebookInstanceLifecycleConfig(this, 'Resource', {
      notebookInstanceLifecycleConfigName: props.lifecycleConfigName,
      onStart: [{ content: onStart }],
      ...(onCreate !== undefined ? { onCreate: [{ content: onCreate }] } : {}),
    });
    // Whether the idle check ignores open connections is judged on the script, by the predicate the
    // SustainableMlChecks pack runs on any lifecycle configuration.
    publishFindings(this, notebookLifecycleFindings({
      OnStart: [{ Content: this.onStartScript }],
      ...(onCreateScript !== undefined ? { OnCreate: [{ Content: onCreateScript }] } : {}),
    }, propTerms({ [IGNORE_CONNECTIONS]: 'ignoreConnections' })));
    this.lifecycleConfigName = resource.attrNotebookInstanceLifecycleConfigName;
    this.lifecycleConfigArn = resource.attrNotebookInstanceLifecycleConfigArn;
  }

  /**
   * Allow `grantee` (the notebook instance's role) to stop the notebook instance with this ARN, and nothing else.
   * `notebookInstanceArn` is typically `CfnNotebookInstance.ref` (its ARN).
   */
  public grantStopInstance(grantee: iam.IGrantable, notebookInstanceArn: string): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: NotebookIdleShutdown.REQUIRED_ACTIONS,
      resourceArns: [notebookInstanceArn],
    });
  }
}

/** Settings baked into the on-start script. */
interface ScriptSettings {
  readonly thresholdSeconds: number;
  readonly intervalMinutes: number;
  readonly ignoreConnections: boolean;
  readonly cpuThreshold: number;
  readonly endpointUrl: string;
}

/** The idle checker's source, with its comments (`lib/idle/assets/idle_check.py`). */
export function idleCheckerSource(): string {
  return fs.readFileSync(path.join(ASSETS, 'idle_check.py'), 'utf8');
}

/**
 * The idle checker exactly as the on-start script writes it to disk: the source without comments and blank lines,
 * one space of indentation a level (the same Python syntax tree), under a one-line header naming the source.
 */
export function embeddedIdleChecker(): string {
  const lines = idleCheckerSource().split('\n').flatMap((line) => {
    const code = withoutComment(line).trimEnd();
    const body = code.trimStart();
    return body === '' ? [] : [' '.repeat(Math.floor((code.length - body.length) / 4)) + body];
  });
  return [`# cdk-sustainable-ml idle checker (SML-IDLE-NOTEBOOK); commented source: ${CHECKER_SOURCE}`, ...lines, ''].join('\n');
}

/** A line of Python up to its comment (a `#` outside single- or double-quoted strings). */
function withoutComment(line: string): string {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote !== '') {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '\'' || c === '"') {
      quote = c;
    } else if (c === '#') {
      return line.slice(0, i);
    }
  }
  return line;
}

/**
 * Pull the embedded checker out of an on-start script (the text between the heredoc line ending in
 * `<<'SML_IDLE_CHECK_EOF'` and the line `SML_IDLE_CHECK_EOF`), byte for byte as the script writes it.
 */
export function extractIdleChecker(onStartScript: string): string {
  const start = onStartScript.indexOf(`<<'${CHECKER_EOF}'`);
  if (start < 0) throw new Error('no embedded idle checker in this script');
  const bodyStart = onStartScript.indexOf('\n', start) + 1;
  const end = onStartScript.indexOf(`\n${CHECKER_EOF}\n`, bodyStart - 1);
  if (end < 0) throw new Error('unterminated embedded idle checker');
  return onStartScript.slice(bodyStart, end + 1);
}

function renderOnStartScript(s: ScriptSettings): string {
  const checker = embeddedIdleChecker();
  if (checker.split('\n').includes(CHECKER_EOF) || /["']{3}/.test(checker)) {
    throw new Error(`idle_check.py must not contain the line ${CHECKER_EOF} nor a triple-quoted string`);
  }
  // the template's comments stay in the asset: the script keeps its shebang and its one-line header
  const template = fs.readFileSync(path.join(ASSETS, 'on-start.sh'), 'utf8')
    .split('\n').filter((line, i) => i < 2 || !/^\s*#/.test(line)).join('\n');
  const values: Record<string, string> = {
    __THRESHOLD_SECONDS__: String(s.thresholdSeconds),
    __INTERVAL_MINUTES__: String(s.intervalMinutes),
    __IGNORE_CONNECTIONS__: String(s.ignoreConnections),
    __CPU_THRESHOLD__: String(s.cpuThreshold),
    __CPU_USER__: INSTANCE_USER,
    __ENDPOINT_URL__: s.endpointUrl,
    __JUPYTER_URL__: INSTANCE_JUPYTER_URL,
    __JUPYTER_RUNTIME_DIR__: INSTANCE_JUPYTER_RUNTIME_DIR,
  };
  let script = template;
  for (const [k, v] of Object.entries(values)) {
    script = script.split(k).join(v);
  }
  // the checker goes in last (it is never searched for placeholders)
  return script.replace('__SML_CHECKER__\n', () => checker);
}

function renderCommands(prop: string, commands: string[] | undefined): string {
  if (commands === undefined || commands.length === 0) return '';
  commands.forEach((c, i) => {
    if (Token.isUnresolved(c)) {
      refuse(RULE, {
        prop: `${prop}[${i}]`,
        value: c,
        problem: 'contains a token; the script is base64-encoded and size-checked at synth',
        fix: 'pass literal commands and read deploy-time values at run time (e.g. from SSM Parameter Store)',
      });
    }
  });
  return `# ${prop}\n${commands.join('\n')}\n`;
}

function encode(prop: string, script: string): string {
  const content = Buffer.from(script, 'utf8').toString('base64');
  if (content.length > NotebookIdleShutdown.MAX_SCRIPT_LENGTH) {
    refuse(RULE, {
      prop,
      value: `${content.length} base64 characters`,
      problem: `the lifecycle script is longer than SageMaker's limit of ${NotebookIdleShutdown.MAX_SCRIPT_LENGTH} characters`,
      fix: 'shorten the commands, or move them into a script on the instance volume or in S3 and call it',
    });
  }
  return content;
}

function validateThreshold(d: Duration): number {
  const seconds = d.toMilliseconds() / 1000;
  if (!Number.isInteger(seconds) || seconds < 600 || seconds > 7 * 24 * 3600) {
    refuse(RULE, {
      prop: 'idleThreshold',
      value: d,
      problem: 'must be whole seconds between 10 minutes and 7 days (shorter stops an instance before its user opens it)',
      fix: 'use e.g. Duration.hours(1) (the default)',
    });
  }
  return seconds;
}

function validateCpuThreshold(percent: number): number {
  if (!Number.isFinite(percent) || percent < 0 || percent > 100) {
    refuse(RULE, {
      prop: 'cpuActivityThreshold',
      value: percent,
      problem: 'must be a percentage of one vCPU between 0 (CPU not counted) and 100',
      fix: 'use e.g. 10 (the default), or 0 to count only Jupyter\'s kernels and terminals',
    });
  }
  return percent;
}

function validateInterval(d: Duration): number {
  const minutes = d.toMilliseconds() / 60000;
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 60) {
    refuse(RULE, {
      prop: 'checkInterval',
      value: d,
      problem: 'must be whole minutes between 1 and 60 (cron granularity)',
      fix: 'use e.g. Duration.minutes(5) (the default)',
    });
  }
  return minutes;
}
