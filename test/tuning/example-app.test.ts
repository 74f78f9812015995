/**
 * The example app's tuned workflow (warm start, baseline) and pipeline: every tuning request and pipeline step
 * request it renders validates against the official SageMaker model, its state machines are valid ASL, and a run
 * of the tuned workflow behaves as designed on sample Describe* outputs.
 */
import { Stack } from 'aws-cdk-lib';
import { buildExampleApp } from '../../bin/example';
import { SustainableTuningJob } from '../../lib';
import { expectValidRequest } from '../support/api-model';
import { newTestApp } from '../support/app';
import { expectValidAsl, stateMachineDefinitions } from '../support/asl';
import { runAsl } from '../support/asl-run';
import { expectValidPipelineDefinition, pipelineDefinitions } from '../support/pipelines';
import { describeTrainingJob, describeTuningJob, expectValidResponse } from '../support/responses';
import { expectValidTuningRequest } from '../support/tuning';

const app = newTestApp();
const [stack] = buildExampleApp(app) as Stack[];

describe('example app: tuned workflow with warm start, and a pipeline', () => {
  test('the tuning request the app renders is valid and warm-starts from the previous run of its own prefix', () => {
    const tunings = app.node.findAll().filter((c): c is SustainableTuningJob => c instanceof SustainableTuningJob);
    expect(tunings.map((t) => t.jobNamePrefix)).toEqual(['churn-hpo']);
    const req = expectValidTuningRequest(tunings[0], tunings[0].renderRequest());
    expect(req.WarmStartConfig).toEqual({ ParentHyperParameterTuningJobs: [{ HyperParameterTuningJobName: 'churn-hpo-example' }], WarmStartType: 'IdenticalDataAndAlgorithm' });
  });

  test('every pipeline definition is valid and its step requests validate', () => {
    const defs = Object.values(pipelineDefinitions(stack));
    expect(defs).toHaveLength(1);
    expect(defs.reduce((n, d) => n + expectValidPipelineDefinition(d), 0)).toBe(2);
  });

  test('every state machine is valid ASL; the tuned run warm-starts from the previous run after the baseline misses', () => {
    const defs = Object.values(stateMachineDefinitions(stack));
    expect(defs).toHaveLength(3); // the training workflow, the tuning workflow and the pipeline's carbon-aware schedule
    defs.forEach(expectValidAsl);
    const tuned = defs.find((d) => d.States.Tune);
    expect(tuned.States['Find warm-start parent 1'].Parameters).toMatchObject({ NameContains: 'churn-hpo-', StatusEquals: 'Completed', SortBy: 'CreationTime', SortOrder: 'Descending' });
    expect(tuned.States['Parent 1 is a run of churn-hpo?'].Choices[0].And[0]).toEqual({ Variable: '$.warmStart.p0.cursor.name', StringMatches: 'churn-hpo-*' });
    const summary = (name: string) => ({
      HyperParameterTuningJobName: name,
      HyperParameterTuningJobArn: `arn:aws:sagemaker:us-west-2:123456789012:hyper-parameter-tuning-job/${name}`,
      HyperParameterTuningJobStatus: 'Completed', Strategy: 'Bayesian', CreationTime: '2026-11-01T00:00:00Z', TrainingJobStatusCounters: {}, ObjectiveStatusCounters: {},
    });
    // Newest first: another team's churn-hpo-eu-… contains 'churn-hpo-' but is not a run of churn-hpo.
    const list = { HyperParameterTuningJobSummaries: [summary('churn-hpo-eu-1122334455667788'), summary('churn-hpo-00aa11bb22cc33dd')] };
    expectValidResponse('ListHyperParameterTuningJobs', list);
    const tune = describeTuningJob('churn-hpo-0f8fad5bd9cb469f', 'validation:auc', 0.88, 6, 21600);
    expectValidResponse('DescribeHyperParameterTuningJob', tune);
    const best = describeTrainingJob('churn-hpo-0f8fad5bd9cb469f-003-0a1b2c3d', { 'validation:auc': 0.88 }, 1800, 3500);
    const baseline = describeTrainingJob('churn-linear-1', { 'validation:auc': 0.81 }, 240);
    for (const r of [best, baseline]) expectValidResponse('DescribeTrainingJob', r);
    const run = runAsl(tuned, {
      uuids: ['7c9e6679-7425-40de-944b-e07fc1f90ae7', '0f8fad5b-d9cb-469f-a165-70867728950e'],
      tasks: {
        'Baseline': baseline,
        // The example waits for a low-carbon window before the search (SML-TIMESHIFT): Electricity Maps says 120.
        'Read carbon intensity': { StatusCode: 200, StatusText: 'OK', Headers: {}, ResponseBody: { zone: 'US-NW-PACW', carbonIntensity: 120 } },
        'Find warm-start parent 1': list, 'Tune': tune, 'Describe best training job': best,
      },
      startTime: '2026-11-20T10:00:00.000Z',
    });
    expect(run.status).toBe('SUCCEEDED');
    expect(run.output).toEqual({
      acceptedBy: 'tuning', metric: 'validation:auc', direction: 'Maximize', target: 0.85,
      baseline: { jobName: 'churn-linear-1', objective: [0.81], billableSeconds: 240, trainingSeconds: 3000 },
      tuning: {
        jobName: 'churn-hpo-0f8fad5bd9cb469f',
        bestTrainingJobName: 'churn-hpo-0f8fad5bd9cb469f-003-0a1b2c3d',
        objective: [0.88],
        trainingJobs: { Completed: 6, InProgress: 0, RetryableError: 0, NonRetryableError: 0, Stopped: 1 },
        runtimeSeconds: 21600,
        bestBillableSeconds: 1800,
        bestTrainingSeconds: 3500,
      },
      carbonAwareStart: { reason: 'BELOW_THRESHOLD', intensity: 120, threshold: 150, waits: 0, waitedSeconds: 0, decidedAt: '2026-11-20T10:00:00.000Z' },
    });
    const req = run.taskParameters.Tune;
    expect(req.HyperParameterTuningJobName).toBe('churn-hpo-0f8fad5bd9cb469f');
    expect(req.WarmStartConfig.ParentHyperParameterTuningJobs).toEqual([{ HyperParameterTuningJobName: 'churn-hpo-00aa11bb22cc33dd' }]);
    expectValidRequest('sagemaker', 'CreateHyperParameterTuningJob', req);
    expectValidRequest('sagemaker', 'CreateTrainingJob', run.taskParameters.Baseline);
  });
});
