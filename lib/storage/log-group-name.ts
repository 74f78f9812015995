import { Token } from 'aws-cdk-lib';

/**
 * CloudWatch Logs log group names: 1–512 characters of `[\.\-_/#A-Za-z0-9]`
 * (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html, logGroupName).
 */
const LOG_GROUP_NAME_MAX = 512;
const NOT_IN_LOG_GROUP_NAME = /[^.\-_/#A-Za-z0-9]/g;

/** Each literal part keeps at most this many characters, so the parts after it (a unique suffix) survive. */
const PART_MAX = 256;

/**
 * A valid log group name from a fixed prefix and parts derived from construct ids or names: characters a log
 * group name cannot carry (spaces, accents, emoji, …) are dropped, with the hyphens this leaves at a part's
 * edges; empty parts are left out; each literal part is cut to 256 characters and the name to 512. Token parts (a
 * nested stack's name, at most 128 characters) are kept as they are: CloudFormation resolves them to valid names.
 */
export function derivedLogGroupName(prefix: string, parts: string[]): string {
  const cleaned = parts
    .map((p) => (Token.isUnresolved(p) ? p : clean(p).slice(0, PART_MAX)))
    .filter((p) => p.length > 0);
  const name = `${prefix}${cleaned.join('-')}`;
  return Token.isUnresolved(name) ? name : name.slice(0, LOG_GROUP_NAME_MAX);
}

/** A part without the characters a log group name cannot carry; where some were dropped, without edge hyphens. */
function clean(part: string): string {
  const kept = part.replace(NOT_IN_LOG_GROUP_NAME, '');
  return kept === part ? part : kept.replace(/^-+|-+$/g, '');
}
