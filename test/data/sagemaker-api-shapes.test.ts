import * as fs from 'fs';
import * as path from 'path';
import { sageMakerApiShape } from '../../lib/data';
import { apiStringProblems } from '../../lib/private/api-shapes';
import { apiModel } from '../support/api-model';

const TABLE = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'lib', 'data', 'sagemaker-api-shapes.json'), 'utf8'));
const FIXTURE_README = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'aws-api-models', 'README.md'), 'utf8');

/** A model shape without its documentation, the way the table copies it. */
function withoutDocs(shape: any): any {
  const { documentation: _d, ...rest } = shape;
  for (const k of ['key', 'value', 'member']) if (rest[k]) rest[k] = { shape: rest[k].shape };
  return rest;
}

describe('lib/data/sagemaker-api-shapes.json (the SageMaker API shapes the library checks values against)', () => {
  test('every copied shape equals the official model fixture, constraint for constraint (it cannot drift)', () => {
    const model = apiModel('sagemaker');
    const names = Object.keys(TABLE.shapes);
    expect(names.length).toBeGreaterThanOrEqual(10);
    for (const name of names) {
      expect({ name, shape: TABLE.shapes[name] }).toEqual({ name, shape: withoutDocs(model.shapes[name]) });
    }
  });

  test('the source names the same botocore commit as the fixture, and the licence', () => {
    const commit = /commit ([0-9a-f]{40})/.exec(FIXTURE_README)![1];
    expect(TABLE._source).toContain(commit);
    expect(TABLE._license).toMatch(/Apache-2\.0/);
  });

  test('every shape the library checks is worded for messages', () => {
    for (const name of Object.keys(TABLE.shapes)) {
      expect(sageMakerApiShape(name).described.length).toBeGreaterThan(5);
    }
  });

  test('documented formats only tighten the model (each carries its own source)', () => {
    const model = apiModel('sagemaker');
    for (const [name, tightening] of Object.entries<any>(TABLE.documentedFormats)) {
      expect(tightening._source.length).toBeGreaterThan(40);
      const modelShape = model.shapes[name];
      if (tightening.min !== undefined) expect(tightening.min).toBeGreaterThanOrEqual(modelShape.min ?? 0);
      if (tightening.max !== undefined) expect(tightening.max).toBeLessThanOrEqual(modelShape.max!);
    }
  });

  test('the image format accepts what SageMaker documents and the images this library names', () => {
    for (const uri of [
      '123456789012.dkr.ecr.us-west-2.amazonaws.com/train:1',
      '763104351884.dkr.ecr.us-west-2.amazonaws.com/pytorch-training-neuronx:2.9.0-neuronx-py312-sdk2.30.0-ubuntu24.04',
      '727897471807.dkr.ecr.cn-north-1.amazonaws.com.cn/pytorch-training:2.10.0-gpu-py313-cu130-ubuntu22.04-sagemaker',
      `123456789012.dkr.ecr.us-east-1.amazonaws.com/team/train@sha256:${'a'.repeat(64)}`,
      'registry.example.com:5000/team/train:latest',
    ]) {
      expect({ uri, problems: apiStringProblems('AlgorithmImage', uri) }).toEqual({ uri, problems: [] });
    }
    for (const uri of ['', 'train latest', 'train:latest', 'Registry.example.com/Team/Train:1', `a.b/${'x'.repeat(260)}`]) {
      expect({ uri, problems: apiStringProblems('AlgorithmImage', uri) }).not.toEqual({ uri, problems: [] });
    }
  });
});
