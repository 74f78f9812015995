import { Aspects, Duration, Lazy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { StudioIdleShutdown, StudioIdleShutdownProps } from '../../lib/idle/studio-idle-shutdown';
import { newTestStack } from '../support/app';

const ROLE = 'arn:aws:iam::123456789012:role/studio';
const DEFAULT_IDLE = { LifecycleManagement: 'ENABLED', IdleTimeoutInMinutes: 60, MinIdleTimeoutInMinutes: 60, MaxIdleTimeoutInMinutes: 480 };

function domain(scope: Construct, id = 'Domain', extra: Partial<sagemaker.CfnDomainProps> = {}): sagemaker.CfnDomain {
  return new sagemaker.CfnDomain(scope, id, {
    authMode: 'IAM',
    domainName: 'd',
    vpcId: 'vpc-1',
    subnetIds: ['subnet-1'],
    defaultUserSettings: { executionRole: ROLE },
    ...extra,
  });
}

function props(template: Template, type: string): any {
  const resources = Object.values(template.findResources(type)) as any[];
  expect(resources).toHaveLength(1);
  return resources[0].Properties;
}

function warnings(stack: Stack): string[] {
  return Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('.*')).map((w) => String(w.entry.data));
}

function applied(p: StudioIdleShutdownProps, build: (stack: Stack) => Construct): { stack: Stack; template: Template } {
  const stack = newTestStack();
  new StudioIdleShutdown(p).applyTo(build(stack));
  return { stack, template: Template.fromStack(stack) };
}

describe('StudioIdleShutdown defaults', () => {
  const aspect = new StudioIdleShutdown();

  test('idle timeout 60 minutes, bounds 60 to 480 minutes', () => {
    expect(aspect.idleTimeoutMinutes).toBe(60);
    expect(aspect.minIdleTimeoutMinutes).toBe(60);
    expect(aspect.maxIdleTimeoutMinutes).toBe(480);
  });

  test('domain: JupyterLab and Code Editor default user settings get ENABLED, timeout and bounds', () => {
    const { template } = applied({}, (s) => domain(s));
    template.hasResourceProperties('AWS::SageMaker::Domain', {
      DefaultUserSettings: {
        ExecutionRole: ROLE,
        JupyterLabAppSettings: { AppLifecycleManagement: { IdleSettings: DEFAULT_IDLE } },
        CodeEditorAppSettings: { AppLifecycleManagement: { IdleSettings: DEFAULT_IDLE } },
      },
    });
  });

  test('domain: no DefaultSpaceSettings are created (they need an execution role)', () => {
    const { template } = applied({}, (s) => domain(s));
    template.hasResourceProperties('AWS::SageMaker::Domain', { DefaultSpaceSettings: Match.absent() });
  });

  test('domain: existing DefaultSpaceSettings get JupyterLab idle settings, and no Code Editor block', () => {
    const { template } = applied({}, (s) => domain(s, 'Domain', { defaultSpaceSettings: { executionRole: ROLE } }));
    const p = props(template, 'AWS::SageMaker::Domain');
    expect(p.DefaultSpaceSettings).toEqual({
      ExecutionRole: ROLE,
      JupyterLabAppSettings: { AppLifecycleManagement: { IdleSettings: DEFAULT_IDLE } },
    });
  });

  test('user profile without settings gets JupyterLab and Code Editor idle settings', () => {
    const { template } = applied({}, (s) => new sagemaker.CfnUserProfile(s, 'Profile', { domainId: 'd-1', userProfileName: 'alice' }));
    expect(props(template, 'AWS::SageMaker::UserProfile').UserSettings).toEqual({
      JupyterLabAppSettings: { AppLifecycleManagement: { IdleSettings: DEFAULT_IDLE } },
      CodeEditorAppSettings: { AppLifecycleManagement: { IdleSettings: DEFAULT_IDLE } },
    });
  });

  test('space without app type gets only IdleTimeoutInMinutes, for JupyterLab and Code Editor', () => {
    const { template } = applied({}, (s) => new sagemaker.CfnSpace(s, 'Space', { domainId: 'd-1', spaceName: 'shared' }));
    expect(props(template, 'AWS::SageMaker::Space').SpaceSettings).toEqual({
      JupyterLabAppSettings: { AppLifecycleManagement: { IdleSettings: { IdleTimeoutInMinutes: 60 } } },
      CodeEditorAppSettings: { AppLifecycleManagement: { IdleSettings: { IdleTimeoutInMinutes: 60 } } },
    });
  });

  test('no warnings for resources without idle settings of their own', () => {
    const { stack } = applied({}, (s) => domain(s));
    expect(warnings(stack)).toEqual([]);
  });
});

describe('StudioIdleShutdown as an aspect', () => {
  test('reaches every domain, user profile and space in scope and ignores other resources', () => {
    const stack = newTestStack();
    const nested = new Construct(stack, 'Team');
    domain(nested);
    new sagemaker.CfnUserProfile(nested, 'Profile', { domainId: 'd-1', userProfileName: 'alice' });
    new sagemaker.CfnSpace(stack, 'Space', { domainId: 'd-1', spaceName: 'shared', spaceSettings: { appType: 'CodeEditor' } });
    new s3.CfnBucket(stack, 'Bucket');
    Aspects.of(stack).add(new StudioIdleShutdown({ idleTimeout: Duration.hours(2) }));
    const template = Template.fromStack(stack);
    const idle = { ...DEFAULT_IDLE, IdleTimeoutInMinutes: 120 };
    template.hasResourceProperties('AWS::SageMaker::Domain', {
      DefaultUserSettings: { JupyterLabAppSettings: { AppLifecycleManagement: { IdleSettings: idle } } },
    });
    template.hasResourceProperties('AWS::SageMaker::UserProfile', {
      UserSettings: { CodeEditorAppSettings: { AppLifecycleManagement: { IdleSettings: idle } } },
    });
    expect(props(template, 'AWS::SageMaker::Space').SpaceSettings).toEqual({
      AppType: 'CodeEditor',
      CodeEditorAppSettings: { AppLifecycleManagement: { IdleSettings: { IdleTimeoutInMinutes: 120 } } },
    });
    expect(props(template, 'AWS::S3::Bucket')).toBeUndefined();
  });

  test('applying twice changes nothing', () => {
    const stack = newTestStack();
    const d = domain(stack);
    new StudioIdleShutdown().applyTo(d);
    const once = stack.resolve(d.defaultUserSettings);
    new StudioIdleShutdown().applyTo(d);
    expect(stack.resolve(d.defaultUserSettings)).toEqual(once);
  });
});

describe('StudioIdleShutdown merges with existing settings', () => {
  test('keeps other user settings and app settings', () => {
    const { template } = applied({}, (s) => domain(s, 'Domain', {
      defaultUserSettings: {
        executionRole: ROLE,
        securityGroups: ['sg-1'],
        jupyterLabAppSettings: {
          lifecycleConfigArns: ['arn:aws:sagemaker:eu-west-1:123456789012:studio-lifecycle-config/x'],
          defaultResourceSpec: { instanceType: 'ml.t3.medium' },
          customImages: [{ appImageConfigName: 'cfg', imageName: 'img' }],
        },
      },
    }));
    template.hasResourceProperties('AWS::SageMaker::Domain', {
      DefaultUserSettings: {
        ExecutionRole: ROLE,
        SecurityGroups: ['sg-1'],
        JupyterLabAppSettings: {
          LifecycleConfigArns: ['arn:aws:sagemaker:eu-west-1:123456789012:studio-lifecycle-config/x'],
          DefaultResourceSpec: { InstanceType: 'ml.t3.medium' },
          CustomImages: [{ AppImageConfigName: 'cfg', ImageName: 'img' }],
          AppLifecycleManagement: { IdleSettings: DEFAULT_IDLE },
        },
        CodeEditorAppSettings: { AppLifecycleManagement: { IdleSettings: DEFAULT_IDLE } },
      },
    });
  });

  test('an idle timeout the resource sets wins, and the bounds widen to include it', () => {
    const { template } = applied({}, (s) => new sagemaker.CfnUserProfile(s, 'Profile', {
      domainId: 'd-1',
      userProfileName: 'alice',
      userSettings: { jupyterLabAppSettings: { appLifecycleManagement: { idleSettings: { idleTimeoutInMinutes: 600 } } } },
    }));
    const p = props(template, 'AWS::SageMaker::UserProfile');
    expect(p.UserSettings.JupyterLabAppSettings.AppLifecycleManagement.IdleSettings).toEqual({
      LifecycleManagement: 'ENABLED', IdleTimeoutInMinutes: 600, MinIdleTimeoutInMinutes: 60, MaxIdleTimeoutInMinutes: 600,
    });
    expect(p.UserSettings.CodeEditorAppSettings.AppLifecycleManagement.IdleSettings).toEqual(DEFAULT_IDLE);
  });

  test('bounds the resource sets win, and the timeout is kept inside them', () => {
    const { template } = applied({}, (s) => domain(s, 'Domain', {
      defaultUserSettings: {
        executionRole: ROLE,
        codeEditorAppSettings: { appLifecycleManagement: { idleSettings: { minIdleTimeoutInMinutes: 120, maxIdleTimeoutInMinutes: 240 } } },
      },
    }));
    expect(props(template, 'AWS::SageMaker::Domain').DefaultUserSettings.CodeEditorAppSettings.AppLifecycleManagement.IdleSettings).toEqual({
      LifecycleManagement: 'ENABLED', IdleTimeoutInMinutes: 120, MinIdleTimeoutInMinutes: 120, MaxIdleTimeoutInMinutes: 240,
    });
  });

  test('a space timeout the resource sets wins', () => {
    const { template } = applied({}, (s) => new sagemaker.CfnSpace(s, 'Space', {
      domainId: 'd-1',
      spaceName: 'shared',
      spaceSettings: { appType: 'JupyterLab', jupyterLabAppSettings: { appLifecycleManagement: { idleSettings: { idleTimeoutInMinutes: 90 } } } },
    }));
    expect(props(template, 'AWS::SageMaker::Space').SpaceSettings).toEqual({
      AppType: 'JupyterLab',
      JupyterLabAppSettings: { AppLifecycleManagement: { IdleSettings: { IdleTimeoutInMinutes: 90 } } },
    });
  });

  test('a space of another app type is left unchanged', () => {
    const { template } = applied({}, (s) => new sagemaker.CfnSpace(s, 'Space', { domainId: 'd-1', spaceName: 'r', spaceSettings: { appType: 'RStudioServerPro' } }));
    expect(props(template, 'AWS::SageMaker::Space').SpaceSettings).toEqual({ AppType: 'RStudioServerPro' });
  });

  test('warns (SML-IDLE-STUDIO) and keeps lifecycle management DISABLED set by the resource', () => {
    const { stack, template } = applied({}, (s) => domain(s, 'Domain', {
      defaultUserSettings: {
        executionRole: ROLE,
        jupyterLabAppSettings: { appLifecycleManagement: { idleSettings: { lifecycleManagement: 'DISABLED' } } },
      },
    }));
    const p = props(template, 'AWS::SageMaker::Domain');
    expect(p.DefaultUserSettings.JupyterLabAppSettings.AppLifecycleManagement.IdleSettings).toEqual({ LifecycleManagement: 'DISABLED' });
    expect(p.DefaultUserSettings.CodeEditorAppSettings.AppLifecycleManagement.IdleSettings).toEqual(DEFAULT_IDLE);
    expect(warnings(stack)).toEqual([expect.stringMatching(/^SML-IDLE-STUDIO: DefaultUserSettings.jupyterLabAppSettings sets idle shutdown DISABLED.*\[ack: cdk-sustainable-ml:SML-IDLE-STUDIO\]$/)]);
  });

  test('overrideExisting replaces idle settings the resource sets, and keeps the rest', () => {
    const { stack, template } = applied({ overrideExisting: true }, (s) => new sagemaker.CfnUserProfile(s, 'Profile', {
      domainId: 'd-1',
      userProfileName: 'alice',
      userSettings: {
        executionRole: ROLE,
        jupyterLabAppSettings: {
          defaultResourceSpec: { instanceType: 'ml.t3.large' },
          appLifecycleManagement: { idleSettings: { lifecycleManagement: 'DISABLED', idleTimeoutInMinutes: 1440 } },
        },
      },
    }));
    expect(props(template, 'AWS::SageMaker::UserProfile').UserSettings.JupyterLabAppSettings).toEqual({
      DefaultResourceSpec: { InstanceType: 'ml.t3.large' },
      AppLifecycleManagement: { IdleSettings: DEFAULT_IDLE },
    });
    expect(warnings(stack)).toEqual([]);
  });

  test('warns (SML-IDLE-STUDIO) and changes nothing where the settings are a token', () => {
    const stack = newTestStack();
    const d = domain(stack, 'Domain', { defaultUserSettings: Lazy.any({ produce: () => ({ executionRole: ROLE }) }) as any });
    new StudioIdleShutdown().applyTo(d);
    expect(props(Template.fromStack(stack), 'AWS::SageMaker::Domain').DefaultUserSettings).toEqual({ ExecutionRole: ROLE });
    expect(warnings(stack)).toEqual([expect.stringMatching(/^SML-IDLE-STUDIO: DefaultUserSettings is a token/)]);
  });
});

describe('StudioIdleShutdown output', () => {
  test('passes CloudFormation template validation for a domain, user profile and space', () => {
    const saved = process.env.CDK_VALIDATION;
    process.env.CDK_VALIDATION = 'true';
    try {
      const stack = newTestStack({}, { validate: true });
      domain(stack, 'Domain', { defaultSpaceSettings: { executionRole: ROLE }, vpcId: 'vpc-0123456789abcdef0', subnetIds: ['subnet-0123456789abcdef0'] });
      new sagemaker.CfnUserProfile(stack, 'Profile', { domainId: 'd-1', userProfileName: 'alice' });
      new sagemaker.CfnSpace(stack, 'Space', { domainId: 'd-1', spaceName: 'shared' });
      new sagemaker.CfnSpace(stack, 'JupyterLabSpace', { domainId: 'd-1', spaceName: 'jl', spaceSettings: { appType: 'JupyterLab' } });
      Aspects.of(stack).add(new StudioIdleShutdown());
      expect(() => Template.fromStack(stack)).not.toThrow();
      expect(warnings(stack)).toEqual([]);
    } finally {
      if (saved === undefined) delete process.env.CDK_VALIDATION; else process.env.CDK_VALIDATION = saved;
    }
  });
});

describe('StudioIdleShutdown acknowledgements', () => {
  test('acknowledges the stale-schema finding F3002 on user profiles and spaces it changes, not on domains', () => {
    const stack = newTestStack();
    const d = domain(stack);
    const profile = new sagemaker.CfnUserProfile(stack, 'Profile', { domainId: 'd-1', userProfileName: 'alice' });
    const space = new sagemaker.CfnSpace(stack, 'Space', { domainId: 'd-1', spaceName: 'shared' });
    const acks = (c: Construct) => c.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules').flatMap((m) => Object.keys(m.data));
    [d, profile, space].forEach((r) => new StudioIdleShutdown().applyTo(r));
    expect(acks(d)).toEqual([]);
    expect(acks(profile)).toEqual([expect.stringMatching(/CloudFormation-Validate::F3002$/)]);
    expect(acks(space)).toEqual([expect.stringMatching(/CloudFormation-Validate::F3002$/)]);
  });
});

describe('StudioIdleShutdown refusals', () => {
  test.each([
    ['fails when idleTimeout is under 60 minutes', { idleTimeout: Duration.minutes(59), minIdleTimeout: Duration.minutes(60) }, /SML-IDLE-STUDIO: idleTimeout 59 minutes: must be whole minutes between 60 and 525600/],
    ['fails when idleTimeout is over 525,600 minutes', { idleTimeout: Duration.minutes(525601) }, /SML-IDLE-STUDIO: idleTimeout .*between 60 and 525600/],
    ['fails when idleTimeout is not whole minutes', { idleTimeout: Duration.seconds(3630) }, /SML-IDLE-STUDIO: idleTimeout 1 hour 30 seconds/],
    ['fails when minIdleTimeout is under 60 minutes', { minIdleTimeout: Duration.minutes(30) }, /SML-IDLE-STUDIO: minIdleTimeout 30 minutes/],
    ['fails when maxIdleTimeout is over 525,600 minutes', { maxIdleTimeout: Duration.days(366) }, /SML-IDLE-STUDIO: maxIdleTimeout 366 days/],
    ['fails when idleTimeout is below minIdleTimeout', { idleTimeout: Duration.minutes(60), minIdleTimeout: Duration.minutes(120) }, /SML-IDLE-STUDIO: idleTimeout 1 hour: must lie between minIdleTimeout \(120 min\) and maxIdleTimeout \(480 min\)/],
    ['fails when idleTimeout is above maxIdleTimeout', { idleTimeout: Duration.hours(10) }, /SML-IDLE-STUDIO: idleTimeout 10 hours: must lie between/],
  ])('%s', (_name, p, message) => {
    expect(() => new StudioIdleShutdown(p)).toThrow(message);
  });

  test('fails when applyTo gets something that is not a domain, user profile or space', () => {
    const stack = newTestStack();
    const bucket = new s3.CfnBucket(stack, 'Bucket');
    expect(() => new StudioIdleShutdown().applyTo(bucket)).toThrow(/SML-IDLE-STUDIO: resource 'TestStack\/Bucket': is not a CfnDomain, CfnUserProfile or CfnSpace/);
  });
});
