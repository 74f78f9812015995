/**
 * When SML_VALIDATION_COUNT_FILE is set, each test file appends how many requests it validated against the
 * official models (per operation) to that file, one JSON line per file. `npm run count:validations` sums them.
 */
import * as fs from 'fs';
import { validationStats } from './api-model';

afterAll(() => {
  const file = process.env.SML_VALIDATION_COUNT_FILE;
  if (file && Object.keys(validationStats).length > 0) fs.appendFileSync(file, JSON.stringify(validationStats) + '\n');
});
