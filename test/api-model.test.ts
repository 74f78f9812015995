import { expectValidRequest, validateRequest } from './support/api-model';

// The validator itself must catch what it claims to catch, or every "validates against the model" test is hollow.
const minimal = {
  TrainingJobName: 'job-1',
  RoleArn: 'arn:aws:iam::123456789012:role/r',
  AlgorithmSpecification: { TrainingImage: 'img', TrainingInputMode: 'File' },
  OutputDataConfig: { S3OutputPath: 's3://b/models/' },
  ResourceConfig: { InstanceType: 'ml.m5.large', InstanceCount: 1, VolumeSizeInGB: 10 },
  StoppingCondition: { MaxRuntimeInSeconds: 3600 },
};

describe('API model validator', () => {
  test('accepts a minimal CreateTrainingJob request', () => {
    expect(validateRequest('sagemaker', 'CreateTrainingJob', minimal)).toEqual([]);
  });

  test.each([
    ['an underscore in the job name (anchored pattern)', { ...minimal, TrainingJobName: 'bad_name' }, 'pattern'],
    ['an instance type the API does not accept for training', { ...minimal, ResourceConfig: { ...minimal.ResourceConfig, InstanceType: 'ml.trn2.3xlarge' } }, 'is not one of'],
    ['an unknown member', { ...minimal, MaxWait: 3 }, "unknown member 'MaxWait'"],
    ['a value above max', { ...minimal, RetryStrategy: { MaximumRetryAttempts: 50 } }, '> max 30'],
    ['a string longer than max', { ...minimal, DebugRuleConfigurations: [{ RuleConfigurationName: 'r', RuleEvaluatorImage: 'i', RuleParameters: { action_json: 'x'.repeat(300) } }] }, '> max 256'],
    ['a wrong type', { ...minimal, EnableManagedSpotTraining: 'true' }, 'expected a boolean'],
  ])('fails when the request has %s', (_what, req, expected) => {
    const errors = validateRequest('sagemaker', 'CreateTrainingJob', JSON.parse(JSON.stringify(req)));
    expect(errors.join('\n')).toContain(expected);
  });

  test('fails when a member is present but undefined (a renderer bug)', () => {
    expect(validateRequest('sagemaker', 'CreateTrainingJob', { ...minimal, HyperParameters: undefined })).toEqual([
      'CreateTrainingJob.HyperParameters: undefined value',
    ]);
  });

  test('fails when a required member is absent', () => {
    const { RoleArn: _r, ...rest } = minimal;
    expect(validateRequest('sagemaker', 'CreateTrainingJob', rest)).toEqual([
      "CreateTrainingJob: missing required member 'RoleArn' of CreateTrainingJobRequest",
    ]);
  });

  test('skips values known only at deploy or run time, but still checks key names', () => {
    expectValidRequest('sagemaker', 'CreateTrainingJob', {
      ...minimal,
      'TrainingJobName.$': "States.Format('job-{}', $$.Execution.Name)",
      RoleArn: { 'Fn::GetAtt': ['Role', 'Arn'] },
      OutputDataConfig: { S3OutputPath: { Get: 'Parameters.Out' } },
    });
    expect(validateRequest('sagemaker', 'CreateTrainingJob', { ...minimal, 'Bogus.$': '$.x' })).toHaveLength(1);
  });

  test('validates CloudWatch requests too', () => {
    expect(validateRequest('cloudwatch', 'GetMetricData', { MetricDataQueries: [], StartTime: 0, EndTime: 1 })).toEqual([]);
    expect(validateRequest('cloudwatch', 'GetMetricData', { MetricDataQueries: [] })).toHaveLength(2);
  });
});

describe('the newer botocore 1.43.107 subset (source of the instance table)', () => {
  test('knows instance types the pinned model does not, and still rejects what the API rejects', () => {
    const m8i = { ...minimal, ResourceConfig: { ...minimal.ResourceConfig, InstanceType: 'ml.m8i.large' } };
    expect(validateRequest('sagemaker', 'CreateTrainingJob', m8i).join()).toMatch(/'ml.m8i.large' is not one of/);
    expect(validateRequest('sagemaker-1.43.107', 'CreateTrainingJob', m8i)).toEqual([]);
    expect(validateRequest('sagemaker-1.43.107', 'CreateTrainingJob', { ...minimal, TrainingJobName: 'bad_name' }).join()).toMatch(/pattern/);
    expect(validateRequest('sagemaker-1.43.107', 'CreateTrainingJob', { ...minimal, Bogus: 1 }).join()).toMatch(/unknown member 'Bogus'/);
  });
});
