/**
 * CloudWatch SEARCH expressions, written once. Syntax (CloudWatch User Guide, "CloudWatch search expression syntax",
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/search-expression-syntax.html):
 * `SEARCH(' {Namespace, DimensionName, ...} SearchTerm', 'Statistic', Period)`
 * - names in the schema need double quotes when they hold spaces or non-alphanumeric characters (AWS's own
 *   examples leave `/` unquoted: `{AWS/EC2,InstanceId}`, `{/aws/sagemaker/TrainingJobs,Host}`);
 * - `Name="value"` is an exact match, in which `"`, `\`, `(` and `)` are escaped with a backslash;
 * - `Name=value` is a partial (token) match: CloudWatch splits names at non-alphanumeric characters, case changes
 *   and digits, and matches the term's tokens in sequence;
 * - the schema and search term sit inside single quotes, so no part of them may contain one;
 * - a query is at most 1,024 characters; a graph holds at most 100 search expressions and 500 time series.
 * A search finds only metrics that reported data within the last two weeks, and no alarm can watch one ("Use search
 * expressions in graphs", https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-search-expressions.html).
 */
import { Token } from 'aws-cdk-lib';
import { refuse } from '../../private/messages';

/** The longest search query CloudWatch accepts, in characters. */
export const MAX_QUERY_CHARS = 1024;
/** The most search expressions one graph may hold. */
export const MAX_SEARCHES_PER_GRAPH = 100;

/** One term of a search: an exact or a partial match on a dimension or the metric name. */
export interface SearchTerm {
  readonly name: string;
  readonly value: string;
  /** A partial (token) match instead of an exact one. */
  readonly partial?: boolean;
  /** The prop the value comes from, for refusals. */
  readonly prop: string;
}

/** What to search for. */
export interface SearchQuery {
  readonly namespace: string;
  readonly dimensions: readonly string[];
  readonly terms: readonly SearchTerm[];
}

/** `{schema} terms`, the part of a SEARCH inside the single quotes. */
export function searchQuery(q: SearchQuery): string {
  const schema = [q.namespace, ...q.dimensions].map(schemaName).join(',');
  const terms = q.terms.map((t) => `${t.name}=${t.partial ? partial(t.value, t.prop) : exact(t.value, t.prop)}`);
  const query = [`{${schema}}`, ...terms].join(' ');
  if (!Token.isUnresolved(query) && query.length > MAX_QUERY_CHARS) {
    refuse('SML-MEASURE', {
      prop: q.terms.map((t) => t.prop).join(', '), value: query, problem: `makes a search query of ${query.length} characters; CloudWatch accepts at most ${MAX_QUERY_CHARS}`,
      fix: 'use shorter names',
    });
  }
  return query;
}

/** `SEARCH('<query>', '<statistic>', <period seconds>)`. */
export function searchExpression(q: SearchQuery, statistic: string, periodSeconds: number): string {
  return `SEARCH('${searchQuery(q)}', '${statistic}', ${periodSeconds})`;
}

function schemaName(name: string): string {
  return /^[A-Za-z0-9/]+$/.test(name) ? name : `"${name}"`;
}

function exact(value: string, prop: string): string {
  noSingleQuote(value, prop);
  // Token markers (`${Token[...]}`) hold none of the escaped characters; their resolved values are names
  // (bucket, function) that hold none either.
  return `"${value.replace(/["\\()]/g, (c) => `\\${c}`)}"`;
}

function partial(value: string, prop: string): string {
  noSingleQuote(value, prop);
  if (!Token.isUnresolved(value) && !/^[A-Za-z0-9-]+$/.test(value)) {
    refuse('SML-MEASURE', {
      prop, value, problem: 'can only hold letters, digits and hyphens (the characters of a SageMaker job name)',
      fix: 'give the job-name prefix the jobs are named with, e.g. churn-xgb',
    });
  }
  return value;
}

function noSingleQuote(value: string, prop: string): void {
  if (!Token.isUnresolved(value) && value.includes("'")) {
    refuse('SML-MEASURE', {
      prop, value, problem: "holds a single quote, which ends a CloudWatch search expression's query",
      fix: 'rename the metric without single quotes',
    });
  }
}
