import * as fs from 'fs';
import * as path from 'path';
import { trainingImageFamily } from '../../lib/data';

const TABLE = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'lib', 'data', 'training-images.json'), 'utf8'));
const FAMILIES = Object.keys(TABLE.images);

describe('lib/data/training-images.json (AWS Deep Learning Containers for training by name)', () => {
  test('names its sources (SDK registries, DLC versions) with commits and licences', () => {
    expect(TABLE._source.registries).toMatch(/aws\/sagemaker-python-sdk @ [0-9a-f]{40}/);
    expect(TABLE._source.versions).toMatch(/aws\/deep-learning-containers @ [0-9a-f]{40}/);
    expect(TABLE._license).toMatch(/Apache-2\.0/);
  });

  test('holds PyTorch, TensorFlow and the PyTorch Neuron (Trainium) training images, a few versions each', () => {
    expect(FAMILIES.sort()).toEqual(['pytorch', 'pytorch-neuronx', 'tensorflow']);
    expect(trainingImageFamily('pytorch').repository).toBe('pytorch-training');
    expect(trainingImageFamily('tensorflow').repository).toBe('tensorflow-training');
    expect(trainingImageFamily('pytorch-neuronx').repository).toBe('pytorch-training-neuronx');
    for (const f of FAMILIES) {
      const n = Object.keys(trainingImageFamily(f).versions).length;
      expect(n).toBeGreaterThanOrEqual(2);
      expect(n).toBeLessThanOrEqual(4);
    }
  });

  test('every version has the builds its family needs, each tag starting with the version and naming its processor', () => {
    const processors: { [family: string]: string[] } = { 'pytorch': ['cpu', 'gpu'], 'tensorflow': ['cpu', 'gpu'], 'pytorch-neuronx': ['neuronx'] };
    for (const f of FAMILIES) {
      for (const [version, row] of Object.entries(trainingImageFamily(f).versions)) {
        expect(Object.keys(row.tags).sort()).toEqual(processors[f]);
        for (const [processor, tag] of Object.entries(row.tags)) {
          expect(tag.startsWith(`${version}-${processor}-${row.python}`)).toBe(true);
        }
        if (f === 'pytorch-neuronx') expect(row.tags.neuronx).toContain(`-sdk${row.neuronSdk}-`);
      }
    }
  });

  test('registries: one 12-digit account per region; every Neuron region serves the same account as the DLC table', () => {
    const dlc = TABLE.registries.dlc;
    const neuronx = TABLE.registries.neuronx;
    for (const table of [dlc, neuronx]) {
      for (const [region, account] of Object.entries(table)) {
        expect(region).toMatch(/^[a-z]{2}(-[a-z]+)+-\d$/);
        expect(account).toMatch(/^\d{12}$/);
      }
    }
    expect(Object.keys(dlc).length).toBeGreaterThan(Object.keys(neuronx).length);
    for (const [region, account] of Object.entries(neuronx)) expect({ region, account: dlc[region] }).toEqual({ region, account });
  });
});
