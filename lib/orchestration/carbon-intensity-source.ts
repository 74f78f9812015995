import { Stack, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { refuse } from '../private/messages';

/** Options of `CarbonIntensitySource.http`. */
export interface CarbonIntensityHttpOptions {
  /**
   * The EventBridge connection that holds the provider's credentials (for example an API key header). Step Functions
   * HTTP Tasks authorize through a connection; the workflow may read only this connection and its secret.
   */
  readonly connection: events.IConnection;
  /**
   * The HTTPS URL to GET, query string included (it is sent as the task's `QueryParameters`), e.g.
   * `https://api.electricitymaps.com/v3/carbon-intensity/latest?zone=SE-SE3`.
   */
  readonly url: string;
  /**
   * Where the intensity is in the JSON response body, as a JSONPath from the body's root: `$.carbonIntensity`,
   * `$.data[0].intensity.forecast`. The value must be a number in gCO2e/kWh (the unit of the threshold).
   */
  readonly path: string;
}

/** Options of `CarbonIntensitySource.electricityMaps`. */
export interface ElectricityMapsOptions {
  /** An EventBridge connection with API-key authorization: header `auth-token`, value your Electricity Maps API key. */
  readonly connection: events.IConnection;
  /** The Electricity Maps zone of the region's grid, e.g. `SE-SE3` (eu-north-1), `DE` (eu-central-1), `IE` (eu-west-1). */
  readonly zone: string;
}

/** Options of `CarbonIntensitySource.greatBritain`. */
export interface GreatBritainCarbonIntensityOptions {
  /**
   * An EventBridge connection. The Carbon Intensity API needs no key, but a Step Functions HTTP Task always
   * authorizes through a connection: an API-key connection with any header name and value (e.g. `x-client`) works.
   */
  readonly connection: events.IConnection;
}

/** The Task state that reads the intensity, and where the number is in its result. */
export interface CarbonIntensityRead {
  /** The Task state's JSON (Resource, Parameters, TimeoutSeconds); the loop adds ResultPath, Catch and Next. */
  readonly task: { [key: string]: any };
  /** The JSONPath of the number in the Task's raw result (e.g. `$.ResponseBody.carbonIntensity`). */
  readonly valuePath: string;
  /** A short description for comments and the README. */
  readonly description: string;
}

/** The longest a single read may take before it counts as a failed read (Step Functions HTTP Tasks time out after 60 s themselves). */
export const READ_TIMEOUT_SECONDS = 30;

/** A plain JSONPath from a root: `$`, then `.name`, `['name']` or `[n]` segments (no filters, no wildcards). */
const SIMPLE_PATH = /^\$((\.[A-Za-z_][A-Za-z0-9_-]*)|(\['[^'\\]+'\])|(\[\d+\]))+$/;

/**
 * Where the grid's carbon intensity (gCO2e/kWh) comes from, for `carbonAwareStart` (SML-TIMESHIFT).
 *
 * - `http(...)`: a Step Functions HTTP Task (`arn:aws:states:::http:invoke`) GETs a JSON endpoint through an
 *   EventBridge connection that holds the provider's API key, so any provider with a JSON endpoint works;
 * - presets for providers whose response shape is public: `electricityMaps(...)`, `greatBritain(...)`;
 * - `fromFunction(fn)`: your Lambda function returns `{ "gCO2PerKWh": <number> }` (use it for providers whose
 *   credentials an EventBridge connection cannot hold, such as WattTime's 30-minute login tokens, or whose unit
 *   differs, such as WattTime's lbs/MWh).
 *
 * A read that fails (an HTTP error, a timeout, a Lambda error) or returns no number is retried a bounded number of
 * times; then the run starts anyway (fail open) and the execution output says why.
 */
export class CarbonIntensitySource {
  /** A JSON endpoint read with a Step Functions HTTP Task through an EventBridge connection. */
  public static http(options: CarbonIntensityHttpOptions): CarbonIntensitySource {
    return new CarbonIntensitySource(options.path, { connection: options.connection, url: options.url, ...splitUrl(options.url) }, undefined);
  }

  /**
   * Electricity Maps, `GET https://api.electricitymaps.com/v3/carbon-intensity/latest?zone=<zone>`: the last known
   * carbon intensity of the zone in gCO2eq/kWh at `$.carbonIntensity`, the API key in the `auth-token` header, and
   * `shouldUseFallbackCallerLookup=false` so that an unknown zone is an error rather than the caller's location
   * (https://portal.electricitymaps.com/docs/getting-started, https://static.electricitymap.org/api/docs/).
   * Create the connection with `events.Authorization.apiKey('auth-token', SecretValue.secretsManager(...))`.
   */
  public static electricityMaps(options: ElectricityMapsOptions): CarbonIntensitySource {
    const endpoint = 'https://api.electricitymaps.com/v3/carbon-intensity/latest';
    // Step Functions URL-encodes QueryParameters itself; a zone that is a token stays a token.
    const query = { zone: options.zone, shouldUseFallbackCallerLookup: 'false' };
    return new CarbonIntensitySource('$.carbonIntensity', { connection: options.connection, url: `${endpoint}?zone=${options.zone}&shouldUseFallbackCallerLookup=false`, endpoint, query }, undefined);
  }

  /**
   * The Carbon Intensity API for Great Britain (NESO; CC BY 4.0), `GET https://api.carbonintensity.org.uk/intensity`:
   * the current half-hour's national intensity in gCO2/kWh; the forecast at `$.data[0].intensity.forecast` (the
   * `actual` value can be null for the current period) (https://carbon-intensity.github.io/api-definitions/). For
   * eu-west-2 (London).
   */
  public static greatBritain(options: GreatBritainCarbonIntensityOptions): CarbonIntensitySource {
    return CarbonIntensitySource.http({
      connection: options.connection,
      url: 'https://api.carbonintensity.org.uk/intensity',
      path: '$.data[0].intensity.forecast',
    });
  }

  /**
   * Your Lambda function, invoked with an empty payload, returns `{ "gCO2PerKWh": <number> }`. The workflow may
   * invoke this function only.
   */
  public static fromFunction(fn: lambda.IFunction): CarbonIntensitySource {
    return new CarbonIntensitySource('$.gCO2PerKWh', undefined, fn);
  }

  /** The HTTP endpoint, for an HTTP source. */
  public readonly url?: string;
  /** The Lambda function, for a function source. */
  public readonly lambdaFunction?: lambda.IFunction;

  private readonly path: string;
  private readonly http?: HttpTarget;

  private constructor(path: string, http: HttpTarget | undefined, fn: lambda.IFunction | undefined) {
    if (!Token.isUnresolved(path) && !SIMPLE_PATH.test(path)) {
      refuse('SML-TIMESHIFT', {
        prop: 'carbonAwareStart.source path',
        value: path,
        problem: "must be a plain JSONPath from the response body's root to one number: $ followed by .name, ['name'] or [n] segments",
        fix: "write it as e.g. '$.carbonIntensity' or '$.data[0].intensity.forecast'",
      });
    }
    if (http && !Token.isUnresolved(http.url) && !/^https:\/\/[^/?#\s]+/.test(http.url)) {
      refuse('SML-TIMESHIFT', {
        prop: 'carbonAwareStart.source url',
        value: http.url,
        problem: 'must be an https:// URL (Step Functions HTTP Tasks call HTTPS endpoints only)',
        fix: 'use the provider\'s https:// endpoint',
      });
    }
    this.path = path;
    this.http = http;
    this.url = http?.url;
    this.lambdaFunction = fn;
  }

  /**
   * The Task state that reads the intensity.
   * @internal
   */
  public _read(scope: Construct): CarbonIntensityRead {
    const partition = Stack.of(scope).partition;
    if (this.http) {
      const { endpoint, query } = this.http;
      return {
        // https://docs.aws.amazon.com/step-functions/latest/dg/call-https-apis.html: Resource, ApiEndpoint, Method,
        // InvocationConfig.ConnectionArn (recommended over Authentication), QueryParameters; JSON responses are
        // parsed into ResponseBody.
        task: {
          Resource: `arn:${partition}:states:::http:invoke`,
          Parameters: {
            ApiEndpoint: endpoint,
            Method: 'GET',
            InvocationConfig: { ConnectionArn: this.http.connection.connectionArn },
            Headers: { Accept: 'application/json' },
            ...(query ? { QueryParameters: query } : {}),
          },
          TimeoutSeconds: READ_TIMEOUT_SECONDS,
        },
        valuePath: `$.ResponseBody${this.path.slice(1)}`,
        description: `GET ${this.http.url}, ${this.path}`,
      };
    }
    return {
      // https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html: the Payload of the response is
      // parsed from escaped JSON to JSON.
      task: {
        Resource: `arn:${partition}:states:::lambda:invoke`,
        Parameters: { FunctionName: this.lambdaFunction!.functionArn, Payload: {} },
        TimeoutSeconds: READ_TIMEOUT_SECONDS,
      },
      valuePath: `$.Payload${this.path.slice(1)}`,
      description: 'a Lambda function returning { gCO2PerKWh }',
    };
  }

  /**
   * Least privilege for reading the intensity from `stateMachine`.
   * @internal
   */
  public _grant(scope: Construct, stateMachine: sfn.StateMachine): void {
    if (this.http) {
      const endpoint = this.http.endpoint;
      const connection = this.http.connection;
      // A separate policy: it names the state machine's ARN, and the state machine depends on its role's default
      // policy, so a statement there would make a dependency cycle.
      new iam.Policy(scope, 'CarbonIntensitySourcePolicy', {
        roles: [stateMachine.role],
        statements: [
          // https://docs.aws.amazon.com/step-functions/latest/dg/call-https-apis.html#connect-http-task-permissions:
          // states:InvokeHTTPEndpoint on the state machine with the states:HTTPMethod and states:HTTPEndpoint
          // conditions (the page's example uses StringLike on the endpoint with a trailing *; whether the key carries
          // the query string is not documented, so the endpoint is matched as a prefix).
          new iam.PolicyStatement({
            actions: ['states:InvokeHTTPEndpoint'],
            resources: [stateMachine.stateMachineArn],
            conditions: {
              StringEquals: { 'states:HTTPMethod': 'GET' },
              StringLike: { 'states:HTTPEndpoint': `${endpoint}*` },
            },
          }),
          // Same page: events:RetrieveConnectionCredentials on the connection.
          new iam.PolicyStatement({ actions: ['events:RetrieveConnectionCredentials'], resources: [connection.connectionArn] }),
          // Same page: secretsmanager:GetSecretValue and DescribeSecret on the connection's secret (the page names
          // arn:aws:secretsmanager:*:*:secret:events!connection/*; this is that connection's own secret only).
          new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], resources: [connection.connectionSecretArn] }),
        ],
      });
      return;
    }
    // https://docs.aws.amazon.com/step-functions/latest/dg/lambda-iam.html: lambda:InvokeFunction on the function's
    // ARN (the unqualified ARN: the task invokes no version or alias).
    stateMachine.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['lambda:InvokeFunction'],
      resources: [this.lambdaFunction!.functionArn],
    }));
  }
}

/** An HTTP source's connection, URL as given, and the URL split into the task's ApiEndpoint and QueryParameters. */
interface HttpTarget {
  readonly connection: events.IConnection;
  readonly url: string;
  readonly endpoint: string;
  readonly query?: { [key: string]: string };
}

/**
 * `https://host/path?a=1&b=2` → the endpoint without the query string, and the query as an object (the HTTP Task
 * appends QueryParameters to the endpoint and URL-encodes them). A URL that is a token is kept whole.
 */
function splitUrl(url: string): { endpoint: string; query?: { [key: string]: string } } {
  if (Token.isUnresolved(url) || !url.includes('?')) return { endpoint: url };
  const parsed = new URL(url);
  const query: { [key: string]: string } = {};
  parsed.searchParams.forEach((value, key) => {
    query[key] = value;
  });
  return { endpoint: `${parsed.origin}${parsed.pathname}`, query: Object.keys(query).length ? query : undefined };
}
