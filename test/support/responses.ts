/**
 * Validate sample responses against the official model's output shapes, with the same checker as requests:
 * each output shape is registered as a pseudo-operation `<Operation>#output` whose input is that shape.
 */
import { apiModel, expectValidRequest } from './api-model';

/** Throws when `response` is not a valid output of `operation` (e.g. DescribeTrainingJob). */
export function expectValidResponse(operation: string, response: unknown): void {
  const model = apiModel('sagemaker') as any;
  const output = model.operations[operation]?.output?.shape;
  if (!output) throw new Error(`sagemaker has no output shape for ${operation}`);
  const pseudo = `${operation}#output`;
  model.operations[pseudo] ??= { input: { shape: output } };
  expectValidRequest('sagemaker', pseudo, response);
}

const T0 = '2026-11-20T10:00:00Z';

/** A DescribeTrainingJob response of a completed spot job that reported `metrics`. */
export function describeTrainingJob(name: string, metrics: { [name: string]: number }, billable = 1200, training = 3000): any {
  return {
    TrainingJobName: name,
    TrainingJobArn: `arn:aws:sagemaker:us-west-2:123456789012:training-job/${name}`,
    ModelArtifacts: { S3ModelArtifacts: `s3://bucket/models/${name}/output/model.tar.gz` },
    TrainingJobStatus: 'Completed',
    SecondaryStatus: 'Completed',
    StoppingCondition: { MaxRuntimeInSeconds: 28800, MaxWaitTimeInSeconds: 57600 },
    CreationTime: T0,
    TrainingStartTime: T0,
    TrainingEndTime: T0,
    EnableManagedSpotTraining: true,
    TrainingTimeInSeconds: training,
    BillableTimeInSeconds: billable,
    FinalMetricDataList: Object.entries(metrics).map(([MetricName, Value]) => ({ MetricName, Value, Timestamp: T0 })),
  };
}

/**
 * A DescribeHyperParameterTuningJob response of a completed search whose best job reached `best` (none: undefined)
 * and whose wall-clock runtime (`ConsumedResources.RuntimeInSeconds`) is `runtime` (null: not reported). Its best
 * training job is `<name>-003-0a1b2c3d`.
 */
export function describeTuningJob(name: string, metricName: string, best: number | undefined, completed = 4, runtime: number | null = 15000): any {
  return {
    HyperParameterTuningJobName: name,
    HyperParameterTuningJobArn: `arn:aws:sagemaker:us-west-2:123456789012:hyper-parameter-tuning-job/${name}`,
    HyperParameterTuningJobConfig: {
      Strategy: 'Bayesian',
      HyperParameterTuningJobObjective: { Type: 'Maximize', MetricName: metricName },
      ResourceLimits: { MaxNumberOfTrainingJobs: 10, MaxParallelTrainingJobs: 1 },
    },
    HyperParameterTuningJobStatus: 'Completed',
    CreationTime: T0,
    TrainingJobStatusCounters: { Completed: completed, InProgress: 0, RetryableError: 0, NonRetryableError: 0, Stopped: 1 },
    ObjectiveStatusCounters: { Succeeded: completed, Pending: 0, Failed: 0 },
    ...(best !== undefined
      ? {
        BestTrainingJob: {
          TrainingJobName: `${name}-003-0a1b2c3d`,
          TrainingJobArn: `arn:aws:sagemaker:us-west-2:123456789012:training-job/${name}-003-0a1b2c3d`,
          CreationTime: T0,
          TrainingJobStatus: 'Completed',
          TunedHyperParameters: { eta: '0.12' },
          FinalHyperParameterTuningJobObjectiveMetric: { Type: 'Maximize', MetricName: metricName, Value: best },
          ObjectiveStatus: 'Succeeded',
        },
      }
      : {}),
    TuningJobCompletionDetails: { NumberOfTrainingJobsObjectiveNotImproving: 1 },
    ...(runtime !== null ? { ConsumedResources: { RuntimeInSeconds: runtime } } : {}),
  };
}
