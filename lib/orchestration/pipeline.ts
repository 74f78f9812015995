import { createHash } from 'crypto';
import { Duration, Names, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { contextBudget, enforceBudget } from '../carbon/budget';
import { Footprint } from '../carbon/footprint';
import { checkRegion } from '../carbon/region-carbon';
import { acknowledgeWildcards, nagArn } from '../private/acknowledge';
import { refuse } from '../private/messages';
import { checkDuration, durationIn, numberText } from '../private/synth-value';
import { publishFindings } from '../rules/apply';
import { pipelineDefinitionFindings } from '../rules/checks';
import { volumeKeyFitsTheInstance } from '../rules/managed';
import { API_TERMS, propTerms } from '../rules/rule';
import { enumValuesField, volumeFitsLocalStorage } from '../rules/start-small';
import { InitialModel } from '../training/inputs';
import { TrainingInstance } from '../training/instance';
import { pipelineNaming } from '../training/private/naming';
import { SustainableTrainingJob } from '../training/training-job';
import { SustainableTuningJob } from '../tuning/tuning-job';
import { AcceptanceGate, BEST_OBJECTIVE_PATH, resolveGatedJob } from './acceptance';

/** Properties of a `TrainingPipeline`. */
export interface TrainingPipelineProps {
  /**
   * The training job the pipeline runs (a Training step). Give this or `tuningJob`.
   * @default - none: `tuningJob` is required then
   */
  readonly trainingJob?: SustainableTrainingJob;
  /**
   * The tuning job the pipeline runs (a Tuning step). Give this or `trainingJob`. Warm-start parents must be
   * named (`WarmStartParent.fromName`): a pipeline cannot look up the latest run.
   * @default - none: `trainingJob` is required then
   */
  readonly tuningJob?: SustainableTuningJob;
  /**
   * A cheap Training step that runs first (SML-BASELINE); the expensive step runs only when the baseline misses
   * the target.
   * @default - no baseline
   */
  readonly baseline?: SustainableTrainingJob;
  /**
   * A Condition step after the job that fails the execution (Fail step) when the objective misses its target
   * (SML-ACCEPT). Turning it off warns.
   * @default true when the objective has a target
   */
  readonly acceptanceGate?: boolean;
  /**
   * Step caching (SML-CACHE): a step whose cache-key attributes are unchanged reuses the earlier result instead of
   * running again. Turning it off warns. SageMaker's cache key of a Training step includes its CheckpointConfig,
   * whose path is per execution (so interrupted runs never resume from another run's checkpoints): Training
   * steps with checkpointing (spot) therefore run every time; Tuning steps and Training steps without checkpoints
   * are reused.
   * @default true
   */
  readonly cacheSteps?: boolean;
  /**
   * How long a cached step result stays reusable (SML-CACHE). A deploy-time value (token) must be in minutes, hours
   * or days (it is rendered as an ISO 8601 duration).
   * @default Duration.days(30)
   */
  readonly cacheExpireAfter?: Duration;
  /**
   * Pipeline name (1–256 letters, digits and inner hyphens).
   * @default - generated from the construct path
   */
  readonly pipelineName?: string;
  /**
   * Pipeline description.
   * @default - a description naming the job and the rules applied
   */
  readonly description?: string;
  /**
   * The instance types an execution may choose through the `InstanceType` parameter: its `EnumValues`, so that no
   * execution picks a larger or previous-generation type than the team allowed (SML-START-SMALL, SML-SILICON). It
   * must include the training job's own type (the parameter's default); types larger than it, or of a previous
   * generation, warn. Plain-JavaScript callers may give API names as strings. The baseline's
   * `BaselineInstanceType` parameter always allows the baseline's type and the smaller ones.
   * Types with local NVMe instance storage take no volume key and no volume larger than that storage: a type that
   * cannot take the job's volume is refused (SML-MANAGED, SML-START-SMALL).
   * @default - the job's type and the smaller current-generation types of the same accelerator kind
   * (`TrainingInstance.smallerTypes()`) that take the job's volume (on local NVMe storage: no volume key, and room
   * for the volume)
   */
  readonly allowedInstanceTypes?: TrainingInstance[];
  /**
   * The role SageMaker Pipelines assumes to create and watch the jobs.
   * @default - a new least-privilege role (jobs named pipelines-*, PassRole of the jobs' roles to SageMaker only)
   */
  readonly role?: iam.IRole;
  /**
   * The most kgCO2e one execution may emit in the worst case (SML-BUDGET): synth fails, with the figures, when the
   * worst case (every step runs, at full power for its whole bound, with the parameters' defaults) exceeds it. In an
   * environment-agnostic stack the worst case uses the highest grid factor in the table. Synth-time only: the budget
   * is checked when the app synthesizes, so a token (deploy-time value) is refused.
   * @default - the context value `cdk-sustainable-ml:carbonBudget`, else FootprintReport's `carbonBudget`, else none
   */
  readonly carbonBudget?: number;
}

/** The name of the pipeline parameter for the main job's instance type. */
export const INSTANCE_TYPE_PARAMETER = 'InstanceType';
/** The prefix of the pipeline parameters for the input channels' S3 URIs (`InputDataUri-<channel>`). */
export const INPUT_URI_PARAMETER_PREFIX = 'InputDataUri-';
/** The longest pipeline parameter name (`^[A-Za-z0-9\-_]{1,64}$`). */
const MAX_PARAMETER_NAME_LENGTH = 64;

interface PipelineParameter {
  Name: string;
  Type: string;
  DefaultValue: unknown;
  /** The values an execution may choose (String parameters; SageMaker Python SDK `ParameterString(enum_values=…)`). */
  EnumValues?: string[];
}

/**
 * A SageMaker Pipeline (`AWS::SageMaker::Pipeline`) rendered from the same definitions as TrainingWorkflow
 * (SML-MANAGED): an optional baseline Training step and Condition (SML-BASELINE), the Training or Tuning step
 * whose `Arguments` are exactly the job's rendered request without the name the pipeline assigns, a Condition step
 * on the objective with a Fail step (SML-ACCEPT), step caching (SML-CACHE), one step at a time
 * (`MaxParallelExecutionSteps` 1) and a least-privilege pipeline role.
 *
 * Parameters teams vary per run: `InputDataUri-<channel>` for every input channel (the job role can read only the
 * prefixes its channels were granted, so a per-run URI must lie within them) and `InstanceType`
 * (`BaselineInstanceType`, `BaselineInputDataUri-<channel>` for a baseline whose inputs differ); their defaults
 * are the definitions'. An instance-type parameter takes only the values in its `EnumValues`: the job's type and the
 * smaller current-generation types of its accelerator kind (`allowedInstanceTypes` widens or narrows the main
 * job's list), so an execution cannot bypass SML-START-SMALL and SML-SILICON by choosing a larger type. Characters of a channel name that a parameter name cannot hold (`.`) become `-`, and a name
 * longer than the 64 characters a parameter name may have keeps its first 55 characters, then `-` and the first 8
 * hex digits of the SHA-256 of the full name (deterministic, so the name is the same at every synth).
 */
export class TrainingPipeline extends Construct {
  /** The pipeline resource. */
  public readonly pipeline: sagemaker.CfnPipeline;
  /** The pipeline name. */
  public readonly pipelineName: string;
  /** The pipeline role. */
  public readonly role: iam.IRole;
  /** The training job (for a tuning pipeline: the job being tuned). */
  public readonly trainingJob: SustainableTrainingJob;
  /** The tuning job, when the pipeline tunes. */
  public readonly tuningJob?: SustainableTuningJob;
  /** The baseline, if any. */
  public readonly baseline?: SustainableTrainingJob;
  /** The acceptance gate, when on. */
  public readonly gate?: AcceptanceGate;
  /** The carbon budget per execution (kgCO2e), from the prop or the context (SML-BUDGET). */
  public readonly carbonBudget?: number;
  /** The pipeline definition (tokens unresolved); `PipelineDefinitionBody` is its JSON. */
  public readonly definition: { [key: string]: any };

  /** The instance types an execution may choose for the main job (the `InstanceType` parameter's EnumValues). */
  public readonly allowedInstanceTypes: TrainingInstance[];

  private readonly parameters = new Map<string, PipelineParameter>();

  constructor(scope: Construct, id: string, props: TrainingPipelineProps) {
    super(scope, id);
    const resolved = resolveGatedJob(this, props);
    this.trainingJob = resolved.trainingJob;
    this.tuningJob = resolved.tuningJob;
    this.gate = resolved.gate;
    this.baseline = props.baseline;
    const tuning = this.tuningJob;
    this.allowedInstanceTypes = this.allowedTypes(props.allowedInstanceTypes);

    if (tuning?.warmStart?.resolvedAtRunTime) {
      refuse('SML-HPO-WARMSTART', {
        prop: 'tuningJob.warmStart',
        value: tuning.warmStart.parents.filter((p) => p.resolvedAtRunTime).map((p) => (p.isPreviousRun ? 'previousRun()' : `latestRunOf(${p.tuningJob!.node.path})`)),
        problem: 'a SageMaker pipeline has no step that can look up the latest completed tuning job, so the parent cannot be resolved',
        fix: 'name the parents with WarmStartParent.fromName / WarmStart.fromParentNames, or run the tuning job with TrainingWorkflow',
      });
    }

    // --- caching (SML-CACHE) -------------------------------------------------------------------------------------
    const cache = props.cacheSteps ?? true;
    const givenExpiry = checkDuration('SML-CACHE', 'cacheExpireAfter', props.cacheExpireAfter);
    const expireAfter = givenExpiry ?? Duration.days(30);
    if (givenExpiry && !cache) {
      refuse('SML-CACHE', { prop: 'cacheExpireAfter', value: givenExpiry, problem: 'only applies when cacheSteps is on, and it is off', fix: 'remove cacheExpireAfter or turn cacheSteps on' });
    }
    const cacheConfig = cache ? { CacheConfig: { Enabled: true, ExpireAfter: isoDuration(expireAfter) } } : {};

    // --- name ----------------------------------------------------------------------------------------------------------
    this.pipelineName = props.pipelineName ?? defaultPipelineName(this);
    if (!Token.isUnresolved(this.pipelineName) && !/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}$/.test(this.pipelineName)) {
      refuse('SML-MANAGED', { prop: 'pipelineName', value: this.pipelineName, problem: 'must be 1–256 letters, digits and inner hyphens', fix: 'use a name such as churn-training' });
    }

    // --- steps ---------------------------------------------------------------------------------------------------------
    const mainName = tuning ? 'Tune' : 'Train';
    const mainStep = tuning
      ? { Name: mainName, Type: 'Tuning', Arguments: this.parameterizeTuning(tuning), ...cacheConfig }
      : { Name: mainName, Type: 'Training', Arguments: this.parameterizeTraining(this.trainingJob, ''), ...cacheConfig };
    const mainValue = { Get: tuning ? `Steps.${mainName}.${BEST_OBJECTIVE_PATH}` : finalMetric(mainName, this.trainingJob.objective?.metricName ?? '') };
    const afterMain = this.gate ? [this.gateStep(this.gate, 'MeetsTarget', 'ObjectiveMissed', mainValue)] : [];

    let steps: object[];
    if (props.baseline) {
      const baselineStep = { Name: 'Baseline', Type: 'Training', Arguments: this.parameterizeTraining(props.baseline, 'Baseline'), ...cacheConfig };
      const baselineGate = resolved.baselineGate!;
      steps = [
        baselineStep,
        {
          Name: 'BaselineMeetsTarget',
          Type: 'Condition',
          Arguments: {
            Conditions: [baselineGate.pipelineCondition({ Get: finalMetric('Baseline', baselineGate.metricName) })],
            IfSteps: [],
            ElseSteps: [mainStep, ...afterMain],
          },
        },
      ];
    } else {
      steps = [mainStep, ...afterMain];
    }
    this.definition = {
      Version: '2020-12-01',
      Metadata: {},
      Parameters: [...this.parameters.values()],
      Steps: steps,
    };
    // The instance-type choices (SML-START-SMALL, SML-SILICON) and step caching (SML-CACHE) are judged on the
    // rendered definition, by the predicates the SustainableMlChecks pack runs on any pipeline with an inline body.
    publishFindings(this, pipelineDefinitionFindings(this.definition, propTerms({
      [enumValuesField(INSTANCE_TYPE_PARAMETER)]: 'allowedInstanceTypes',
      'CacheConfig': 'cacheSteps',
      'CacheConfig.ExpireAfter': { prop: 'cacheExpireAfter', value: expireAfter },
    })));

    // --- role and resource --------------------------------------------------------------------------------------------
    this.role = props.role ?? new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
      description: `SageMaker Pipelines role of ${this.pipelineName}`,
    });
    this.grant(tuning, props.baseline);
    const applied = [...new Set([...(tuning?.appliedRules ?? this.trainingJob.appliedRules), ...(cache ? ['SML-CACHE'] : []), ...(this.gate ? ['SML-ACCEPT'] : []), ...(props.baseline ? ['SML-BASELINE'] : []), 'SML-MANAGED'])];
    this.pipeline = new sagemaker.CfnPipeline(this, 'Resource', {
      pipelineName: this.pipelineName,
      pipelineDescription: props.description ?? `Sustainable ${tuning ? 'tuning' : 'training'} pipeline for ${tuning ? tuning.jobNamePrefix : this.trainingJob.jobNamePrefix}: ${applied.join(', ')}`,
      roleArn: this.role.roleArn,
      // `pipelineDefinition` is typed any: CloudFormation needs the PascalCase key.
      pipelineDefinition: { PipelineDefinitionBody: Stack.of(this).toJsonString(this.definition) },
      parallelismConfiguration: { MaxParallelExecutionSteps: 1 },
    });
    this.pipeline.node.addDependency(this.role);

    // --- the region and the carbon budget (SML-REGION, SML-BUDGET) -------------------------------------------------------
    checkRegion(this);
    this.carbonBudget = props.carbonBudget ?? contextBudget(this);
    if (this.carbonBudget !== undefined) {
      enforceBudget(this, Footprint.ofPipeline(this), this.carbonBudget, props.carbonBudget !== undefined ? 'carbonBudget' : 'context cdk-sustainable-ml:carbonBudget');
    }
  }

  /**
   * The pipeline's ARN. SageMaker writes the name in lowercase in ARNs; a name that is a token is used as it is
   * (give such a name in lowercase).
   */
  public get pipelineArn(): string {
    const name = Token.isUnresolved(this.pipelineName) ? this.pipelineName : this.pipelineName.toLowerCase();
    return Stack.of(this).formatArn({ service: 'sagemaker', resource: 'pipeline', resourceName: name });
  }

  /** Let `grantee` start executions of this pipeline. */
  public grantStartPipelineExecution(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: ['sagemaker:StartPipelineExecution'], resourceArns: [this.pipelineArn] });
  }

  /** The Condition step of a gate, with its Fail step in ElseSteps. */
  private gateStep(gate: AcceptanceGate, name: string, failName: string, value: { Get: string }) {
    return {
      Name: name,
      Type: 'Condition',
      Arguments: {
        Conditions: [gate.pipelineCondition(value)],
        IfSteps: [],
        ElseSteps: [{
          Name: failName,
          Type: 'Fail',
          Arguments: {
            ErrorMessage: {
              'Std:Join': {
                On: '',
                Values: [`SML-ACCEPT: ${gate.metricName} reached `, value, ` and the target is ${gate.comparisonWords} ${gate.targetText}: the model is not accepted`],
              },
            },
          },
        }],
      },
    };
  }

  /** The CreateTrainingJob request without the name, with the per-run parameters in place. */
  private parameterizeTraining(job: SustainableTrainingJob, namePrefix: string): { [key: string]: any } {
    const req = job._renderWith(pipelineNaming());
    return this.parameterize(req, job, namePrefix);
  }

  /** The CreateHyperParameterTuningJob request without the name, with the per-run parameters in place. */
  private parameterizeTuning(tuning: SustainableTuningJob): { [key: string]: any } {
    const req = tuning._renderWith(pipelineNaming(), (p) => ({ HyperParameterTuningJobName: p.name! }));
    return { ...req, TrainingJobDefinition: this.parameterize(req.TrainingJobDefinition, tuning.trainingJob, '') };
  }

  private parameterize(req: { [key: string]: any }, job: SustainableTrainingJob, namePrefix: string): { [key: string]: any } {
    const out = { ...req };
    const allowed = job === this.trainingJob ? this.allowedInstanceTypes
      : [job.instanceType, ...job.instanceType.smallerTypes().filter(takesTheVolumeOf(job))];
    out.ResourceConfig = {
      ...req.ResourceConfig,
      InstanceType: this.parameter(`${namePrefix}${INSTANCE_TYPE_PARAMETER}`, job.instanceType.name, '', allowed.map((t) => t.name)),
    };
    if (req.InputDataConfig) {
      out.InputDataConfig = (req.InputDataConfig as any[]).map((c) => {
        if (c.ChannelName === InitialModel.CHANNEL_NAME) return c;
        if (Token.isUnresolved(c.ChannelName)) {
          refuse('SML-MANAGED', {
            prop: `${job.node.path} inputs[].name`,
            value: c.ChannelName,
            problem: 'must be known at synth time in a pipeline, which names a parameter after each input channel',
            fix: 'name the channel with a literal string (e.g. train)',
          });
        }
        const pname = `${INPUT_URI_PARAMETER_PREFIX}${String(c.ChannelName).replace(/[^A-Za-z0-9_-]/g, '-')}`;
        const uri = c.DataSource.S3DataSource.S3Uri;
        return { ...c, DataSource: { ...c.DataSource, S3DataSource: { ...c.DataSource.S3DataSource, S3Uri: this.parameter(pname, uri, namePrefix) } } };
      });
    }
    return out;
  }

  /**
   * A String pipeline parameter and its `{"Get"}`. Shared when another job already declared the same name with the
   * same default; otherwise the `alternativePrefix` is put in front.
   */
  private parameter(name: string, defaultValue: unknown, alternativePrefix = '', enumValues?: string[]): { Get: string } {
    const stack = Stack.of(this);
    const valid = parameterName(name);
    const existing = this.parameters.get(valid);
    const same = (a: unknown, b: unknown) => JSON.stringify(stack.resolve(a)) === JSON.stringify(stack.resolve(b));
    if (existing && (!same(existing.DefaultValue, defaultValue) || !same(existing.EnumValues, enumValues))) {
      return this.parameter(`${alternativePrefix || 'Other'}${name}`, defaultValue, alternativePrefix, enumValues);
    }
    if (!existing) this.parameters.set(valid, { Name: valid, Type: 'String', DefaultValue: defaultValue, ...(enumValues ? { EnumValues: enumValues } : {}) });
    return { Get: `Parameters.${valid}` };
  }

  /**
   * The main job's allowed instance types: given (API name strings converted with TrainingInstance.of), or the
   * job's type and the smaller current-generation types of the same accelerator kind. The job's own type must be
   * among them; larger or previous-generation types warn.
   */
  private allowedTypes(given: unknown): TrainingInstance[] {
    const own = this.trainingJob.instanceType;
    if (given === undefined) return [own, ...own.smallerTypes().filter(takesTheVolumeOf(this.trainingJob))];
    if (!Array.isArray(given) || given.length === 0) {
      refuse('SML-START-SMALL', {
        prop: 'allowedInstanceTypes',
        value: given,
        problem: 'must be a non-empty list of TrainingInstance',
        fix: `leave it unset (${own.name} and the smaller current-generation types), or list e.g. [TrainingInstance.of('${own.name}')]`,
      });
    }
    const types = given.map((t, i) => TrainingInstance._fromProp(`allowedInstanceTypes[${i}]`, t)!);
    const names = [...new Set(types.map((t) => t.name))];
    if (!names.includes(own.name)) {
      refuse('SML-START-SMALL', {
        prop: 'allowedInstanceTypes',
        value: names,
        problem: `must include the training job's own type ${own.name}, the InstanceType parameter's default`,
        fix: `add TrainingInstance.of('${own.name}')`,
      });
    }
    // Larger or previous-generation choices are judged on the rendered InstanceType parameter (see the constructor).
    return names.map((n) => TrainingInstance.of(n));
  }

  private grant(tuning: SustainableTuningJob | undefined, baseline: SustainableTrainingJob | undefined): void {
    const stack = Stack.of(this);
    const role = this.role;
    const trainingJobs = tuning ? (baseline ? [baseline] : []) : [this.trainingJob, ...(baseline ? [baseline] : [])];
    if (trainingJobs.length > 0) {
      // SageMaker Pipelines names the jobs of Training steps pipelines-<execution id>-<step>-<random>.
      role.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: ['sagemaker:CreateTrainingJob', 'sagemaker:DescribeTrainingJob', 'sagemaker:StopTrainingJob', 'sagemaker:AddTags', 'sagemaker:ListTags'],
        resources: [stack.formatArn({ service: 'sagemaker', resource: 'training-job', resourceName: 'pipelines-*' })],
      }));
    }
    if (tuning) {
      role.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: [
          'sagemaker:CreateHyperParameterTuningJob', 'sagemaker:DescribeHyperParameterTuningJob', 'sagemaker:StopHyperParameterTuningJob',
          'sagemaker:ListTrainingJobsForHyperParameterTuningJob', 'sagemaker:AddTags', 'sagemaker:ListTags',
        ],
        resources: [stack.formatArn({ service: 'sagemaker', resource: 'hyper-parameter-tuning-job', resourceName: '*' })],
      }));
    }
    for (const job of [...(tuning ? [tuning.trainingJob] : []), ...trainingJobs]) {
      role.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [job.role.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
      }));
    }
    acknowledgeWildcards(this, [
      { finding: new RegExp(`^Resource::${nagArn('sagemaker', 'training-job/pipelines-\\*')}$`), reason: 'SageMaker Pipelines names the jobs of Training steps pipelines-<execution id>-<step>-<random>; pipelines-* is the tightest ARN a policy can name.' },
      { finding: new RegExp(`^Resource::${nagArn('sagemaker', 'hyper-parameter-tuning-job/\\*')}$`), reason: 'SageMaker Pipelines assigns the names of the tuning jobs of Tuning steps (≤ 32 characters) with no documented prefix.' },
    ]);
  }
}

/**
 * A pipeline parameter name within the 64-character limit: longer names keep their first 55 characters, then `-`
 * and 8 hex digits of the full name's SHA-256, so distinct long names stay distinct and every synth gives the same.
 */
export function parameterName(name: string): string {
  if (name.length <= MAX_PARAMETER_NAME_LENGTH) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${name.slice(0, MAX_PARAMETER_NAME_LENGTH - hash.length - 1)}-${hash}`;
}

/**
 * An ISO 8601 duration for CacheConfig.ExpireAfter. A deploy-time Duration in minutes, hours or days becomes
 * `PT<n>M`, `PT<n>H` or `P<n>D` with the number resolved at deploy time; other units are refused (SML-CACHE).
 */
function isoDuration(d: Duration): string {
  if (!d.isUnresolved()) return d.toIsoString();
  const unit = d.unitLabel();
  if (unit === 'hours') return `PT${numberText(d.toHours())}H`;
  if (unit === 'days') return `P${numberText(d.toDays())}D`;
  return `PT${numberText(durationIn(d, 'minutes', 'SML-CACHE', 'cacheExpireAfter'))}M`;
}

function finalMetric(step: string, metricName: string): string {
  return `Steps.${step}.FinalMetricDataList['${metricName}'].Value`;
}

function defaultPipelineName(scope: Construct): string {
  const raw = Names.uniqueResourceName(scope, { maxLength: 256, separator: '-' });
  return raw.replace(/[^a-zA-Z0-9-]/g, '').replace(/^-+|-+$/g, '').replace(/-{2,}/g, '-') || 'training-pipeline';
}

/**
 * Whether a type takes the ML storage volume `job` renders: the local-storage rules (a volume key or a larger volume
 * on local NVMe storage, SML-MANAGED / SML-START-SMALL) find nothing in its request on that type, so a default choice
 * is never one the pipeline would then refuse.
 */
function takesTheVolumeOf(job: SustainableTrainingJob): (type: TrainingInstance) => boolean {
  const request = job.renderRequest();
  return (type) => volumeFitsLocalStorage(request, API_TERMS, type.name).length === 0 && volumeKeyFitsTheInstance(request, API_TERMS, type.name).length === 0;
}
