/**
 * What the pack needs to know about one stack beyond a single resource: the lifecycle configuration a notebook
 * instance names, the domain a space belongs to, the log group of a Lambda function, the buckets SageMaker writes
 * scratch data to. Built once per stack and validation run, from the resolved template.
 */
import { CfnResource, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { lifecycleScriptsOf } from '../../rules/idle-notebook';
import { domainShutsDownIdleApps } from '../../rules/idle-studio';
import { tuningDefinitions } from '../../rules/spot';
import { ApiShape, DEPLOY_TIME } from '../../rules/rule';
import {
  flattenText, logicalIdOf, parseDefinition, ParsedDefinition, requestsInPipeline, requestsInStateMachine,
  resolvedProperties, SageMakerRequests,
} from './template';

/** The request fields whose S3 locations hold scratch data (checkpoints, debugger, profiler, TensorBoard output). */
const SCRATCH_FIELDS: [string, string][] = [
  ['CheckpointConfig', 'S3Uri'],
  ['DebugHookConfig', 'S3OutputPath'],
  ['ProfilerConfig', 'S3OutputPath'],
  ['TensorBoardOutputConfig', 'S3OutputPath'],
];

interface Definition extends SageMakerRequests {
  readonly intrinsics: any[];
  /** The parsed definition document (a pipeline's, for the predicates over the definition itself). */
  readonly document?: any;
}

/** The index of one stack. */
export class StackIndex {
  private readonly props = new Map<CfnResource, ApiShape>();
  private readonly byId = new Map<string, CfnResource>();
  private readonly definitions = new Map<CfnResource, Definition | 'in-s3' | undefined>();
  private scratch?: Map<string, string[]>;

  constructor(stack: Stack) {
    for (const c of stack.node.findAll()) {
      if (CfnResource.isCfnResource(c) && Stack.of(c) === stack) this.byId.set(logicalIdOf(c), c);
    }
  }

  /** The resolved CloudFormation properties of a resource. */
  public properties(node: CfnResource): ApiShape {
    let p = this.props.get(node);
    if (!p) {
      p = resolvedProperties(node);
      this.props.set(node, p);
    }
    return p;
  }

  private ofType(type: string): CfnResource[] {
    return [...this.byId.values()].filter((r) => r.cfnResourceType === type);
  }

  /** The resource an intrinsic (`Ref` or `Fn::GetAtt`) points at, when it is in this stack. */
  private target(value: any): CfnResource | undefined {
    if (!value || typeof value !== 'object') return undefined;
    const id = value.Ref ?? (Array.isArray(value['Fn::GetAtt']) ? value['Fn::GetAtt'][0] : undefined);
    return typeof id === 'string' ? this.byId.get(id) : undefined;
  }

  /** The training and tuning requests of a state machine; `in-s3` when its definition is in S3. */
  public stateMachine(node: CfnResource): Definition | 'in-s3' | undefined {
    return this.definition(node, () => {
      const p = this.properties(node);
      if (p.DefinitionS3Location !== undefined) return 'in-s3';
      let body = p.DefinitionString ?? p.Definition;
      const subs = p.DefinitionSubstitutions;
      if (typeof body === 'string' && subs && typeof subs === 'object') {
        body = body.replace(/\$\{([^}]+)\}/g, (m: string, k: string) => (typeof subs[k] === 'string' ? subs[k] : m));
      }
      const parsed = parseDefinition(body);
      return parsed && { ...requestsInStateMachine(parsed.document), intrinsics: parsed.intrinsics };
    });
  }

  /** The training and tuning requests of a SageMaker pipeline; `in-s3` when its body is in S3. */
  public pipeline(node: CfnResource): Definition | 'in-s3' | undefined {
    return this.definition(node, () => {
      const d = this.properties(node).PipelineDefinition ?? {};
      if (d.PipelineDefinitionS3Location !== undefined) return 'in-s3';
      const parsed: ParsedDefinition | undefined = parseDefinition(d.PipelineDefinitionBody);
      return parsed && { ...requestsInPipeline(parsed.document), intrinsics: parsed.intrinsics, document: parsed.document };
    });
  }

  private definition(node: CfnResource, read: () => Definition | 'in-s3' | undefined): Definition | 'in-s3' | undefined {
    if (!this.definitions.has(node)) this.definitions.set(node, read());
    return this.definitions.get(node);
  }

  /**
   * The scripts of the lifecycle configuration a notebook instance names, when that configuration is in the stack;
   * undefined when it names none or one outside the stack.
   */
  public notebookLifecycleScripts(node: CfnResource): string[] | undefined {
    const name = this.properties(node).LifecycleConfigName;
    if (name === undefined) return undefined;
    const config = this.target(name) ?? this.ofType('AWS::SageMaker::NotebookInstanceLifecycleConfig')
      .find((c) => typeof name === 'string' && this.properties(c).NotebookInstanceLifecycleConfigName === name);
    if (!config) return undefined;
    return lifecycleScriptsOf(this.decodedLifecycleConfig(config));
  }

  /** A lifecycle configuration's properties with each `OnStart`/`OnCreate` `Content` decoded to its script's text. */
  public decodedLifecycleConfig(config: CfnResource): ApiShape {
    const p = this.properties(config);
    const decode = (hooks: any) => (Array.isArray(hooks) ? hooks.map((hook: any) => {
      const content = hook?.Content;
      if (typeof content === 'string') return { ...hook, Content: Buffer.from(content, 'base64').toString('utf8') };
      if (content && typeof content === 'object' && 'Fn::Base64' in content) return { ...hook, Content: flattenText(content['Fn::Base64'], []) };
      return { ...hook, Content: '' };
    }) : hooks);
    return { ...p, OnStart: decode(p.OnStart), OnCreate: decode(p.OnCreate) };
  }

  /** Whether the domain a space or profile names (by `Fn::GetAtt`/`Ref`) shuts down idle apps; undefined when not in the stack. */
  public domainShutsDown(domainId: unknown): boolean | undefined {
    const domain = this.target(domainId);
    if (!domain || domain.cfnResourceType !== 'AWS::SageMaker::Domain') return undefined;
    return domainShutsDownIdleApps(this.properties(domain)).length === 0;
  }

  /** True when a log group of the stack is named by `value` (a `Ref` or its literal name). */
  public logGroupInApp(value: unknown): boolean | undefined {
    if (value === undefined) return undefined;
    if (this.target(value)?.cfnResourceType === 'AWS::Logs::LogGroup') return true;
    return typeof value === 'string' && this.ofType('AWS::Logs::LogGroup').some((g) => this.properties(g).LogGroupName === value);
  }

  /** True when `/aws/lambda/<function>` has a retention in the stack: a LogGroup or a LogRetention of that name. */
  public hasBoundedDefaultLogGroup(fn: CfnResource): boolean {
    const fnId = logicalIdOf(fn);
    const literal = this.properties(fn).FunctionName;
    const names = (v: any) => {
      const intrinsics: any[] = [];
      const text = flattenText(v, intrinsics);
      return text.replace(new RegExp(`${DEPLOY_TIME}(\\d+)__`, 'g'), (_m, i) => {
        const t = intrinsics[Number(i)];
        return t?.Ref === fnId ? `{fn}` : '{?}';
      });
    };
    const matches = (name: any) => {
      if (name === undefined) return false;
      const text = names(name);
      return text === '/aws/lambda/{fn}' || (typeof literal === 'string' && text === `/aws/lambda/${literal}`);
    };
    const groups = this.ofType('AWS::Logs::LogGroup').map((g) => this.properties(g))
      .filter((p) => p.RetentionInDays !== undefined && matches(p.LogGroupName));
    const retentions = [...this.byId.values()].filter((r) => r.cfnResourceType === 'Custom::LogRetention')
      .map((r) => this.properties(r)).filter((p) => p.RetentionInDays !== undefined && matches(p.LogGroupName));
    return groups.length + retentions.length > 0;
  }

  /** The key prefixes of the scratch data SageMaker writes to a bucket of the stack; undefined when it writes none. */
  public scratchPrefixesWrittenTo(bucket: CfnResource): string[] | undefined {
    if (!this.scratch) this.scratch = this.collectScratch();
    return this.scratch.get(logicalIdOf(bucket));
  }

  private collectScratch(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    const add = (bucketId: string, prefix: string) => out.set(bucketId, [...(out.get(bucketId) ?? []), prefix]);
    const byName = new Map<string, string>();
    for (const b of this.ofType('AWS::S3::Bucket')) {
      const name = this.properties(b).BucketName;
      if (typeof name === 'string') byName.set(name, logicalIdOf(b));
    }
    const defs = [
      ...this.ofType('AWS::StepFunctions::StateMachine').map((n) => this.stateMachine(n)),
      ...this.ofType('AWS::SageMaker::Pipeline').map((n) => this.pipeline(n)),
    ];
    for (const def of defs) {
      if (!def || def === 'in-s3') continue;
      const requests = [...def.training, ...def.tuning.flatMap(tuningDefinitions)];
      for (const req of requests) {
        for (const [block, key] of SCRATCH_FIELDS) {
          const raw = req?.[block]?.[key];
          if (raw === undefined) continue;
          const intrinsics = [...def.intrinsics];
          const text = typeof raw === 'string' ? raw : flattenText(raw, intrinsics);
          // The bucket is the first deploy-time part that points at a bucket of the stack, or a literal s3://name/.
          const re = new RegExp(`${DEPLOY_TIME}(\\d+)__`, 'g');
          let found = false;
          for (const m of text.matchAll(re)) {
            const target = this.target(intrinsics[Number(m[1])]);
            if (target?.cfnResourceType === 'AWS::S3::Bucket') {
              add(logicalIdOf(target), keyPrefix(text.slice(m.index! + m[0].length)));
              found = true;
              break;
            }
          }
          const literal = !found && /^s3:\/\/([^/]+)\/?(.*)$/.exec(text);
          if (literal && byName.has(literal[1])) add(byName.get(literal[1])!, keyPrefix(`/${literal[2]}`));
        }
      }
    }
    return out;
  }
}

/** The literal key prefix after a bucket: from after the first '/', up to the first deploy-time part. */
function keyPrefix(rest: string): string {
  const key = rest.startsWith('/') ? rest.slice(1) : rest;
  const cut = key.indexOf(DEPLOY_TIME);
  return cut >= 0 ? key.slice(0, cut) : key;
}

let indexes = new WeakMap<Stack, StackIndex>();

/** The index of the stack of `node` (built on first use in a validation run). */
export function stackIndex(node: IConstruct): StackIndex {
  const stack = Stack.of(node);
  let index = indexes.get(stack);
  if (!index) {
    index = new StackIndex(stack);
    indexes.set(stack, index);
  }
  return index;
}

/** Forget every index: a new validation run reads the app afresh (resources may have changed since). */
export function resetIndexes(): void {
  indexes = new WeakMap<Stack, StackIndex>();
}
