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
import { describeTrainingJob, describeTuningJob } from '../support/responses';
import { expectValidTuningRequest } from '../support/tuning';

const app = newTestApp();
const [stack] = buildExampleApp(app) as Stack[];

describe('example app: tuned workflow with warm start, and a pipeline', () => {
  test('every tuning request the app renders is valid', () => {
    const tunings = app.node.findAll().filter((c): c is SustainableTuningJob => c instanceof SustainableTuningJob);
    expect(tunings.length).toBeGreaterThan(0);
    for (const t of tunings) {
      const req = expectValidTuningRequest(t, t.renderRequest());
      expect(req.WarmStartConfig).toBeDefined();
    }
  });

  test('every pipeline definition is valid and its step requests validate', () => {
    const defs = Object.values(pipelineDefinitions(stack));
    expect(defs).toHaveLength(1);
    expect(defs.reduce((n, d) => n + expectValidPipelineDefinition(d), 0)).toBe(2);
  });

  test('every state machine is valid ASL; the tuned run warm-starts from the previous run after the baseline misses', () => {
    const defs = Object.values(stateMachineDefinitions(stack));
    defs.forEach(expectValidAsl);
    const tuned = defs.find((d) => d.States.Tune);
    const run = runAsl(tuned, {
      uuids: ['7c9e6679-7425-40de-944b-e07fc1f90ae7', '0f8fad5b-d9cb-469f-a165-70867728950e'],
      tasks: {
        'Baseline': describeTrainingJob('churn-linear-1', { 'validation:auc': 0.81 }, 240),
        'Find warm-start parent 1': { HyperParameterTuningJobSummaries: [{ HyperParameterTuningJobName: 'churn-hpo-00aa11bb22cc33dd' }] },
        'Tune': describeTuningJob('churn-hpo-0f8fad5bd9cb469f', 'validation:auc', 0.88),
      },
    });
    expect(run.status).toBe('SUCCEEDED');
    expect(run.output).toMatchObject({ acceptedBy: 'tuning', baseline: { objective: [0.81], billableSeconds: 240 }, tuning: { objective: [0.88] } });
    const req = run.taskParameters.Tune;
    expect(req.HyperParameterTuningJobName).toBe('churn-hpo-0f8fad5bd9cb469f');
    expect(req.WarmStartConfig.ParentHyperParameterTuningJobs).toEqual([{ HyperParameterTuningJobName: 'churn-hpo-00aa11bb22cc33dd' }]);
    expectValidRequest('sagemaker', 'CreateHyperParameterTuningJob', req);
    expectValidRequest('sagemaker', 'CreateTrainingJob', run.taskParameters.Baseline);
  });
});
