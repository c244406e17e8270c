/** Reading the project's data files (corpus, answers, lexicons) with errors that name the file and field. */
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { firstIssue } from './first-issue.js';

export class DataFileError extends Error {
  override name = 'DataFileError';
}

/** Formats the first zod issue as "file: field.path: message". */
export function describeIssue(file: string, error: z.ZodError): string {
  const { field, message } = firstIssue(error, '(root)');
  return `${file}: ${field}: ${message}`;
}

export function readJsonFile(file: string): unknown {
  const raw = readFileSync(file, 'utf8');
  try {
    return JSON.parse(raw);
  } catch (err) {
    throw new DataFileError(`${file}: not valid JSON: ${(err as Error).message}`);
  }
}

/** Validates parsed data against a schema, throwing a DataFileError that names the file and field. */
export function parseDataFile<T>(file: string, schema: z.ZodType<T>, data: unknown): T {
  const result = schema.safeParse(data);
  if (!result.success) throw new DataFileError(describeIssue(file, result.error));
  return result.data;
}
