import { SustainabilityRule } from './rule';

/** SML-COMPILE: Training Compiler is opt-in, only on the families it supports, with a warning that it is unmaintained. */
export const COMPILE: SustainabilityRule = {
  id: 'SML-COMPILE',
  title: 'Training Compiler is opt-in, only on the families it supports, with a warning that it is unmaintained',
  wellArchitected: ['SUS03-BP03'],
  rationale: 'Compiling a deep-learning model shortens training on supported GPUs; AWS no longer releases new versions of SageMaker Training Compiler.',
  fix: 'Enable `trainingCompiler` only on ml.p3, ml.p3dn, ml.g4dn, ml.p4d or ml.g5 with a Training Compiler image.',
};
