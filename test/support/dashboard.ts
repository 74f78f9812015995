import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';

/** One widget of a dashboard body. */
export interface DashboardWidget {
  readonly type: string;
  readonly width: number;
  readonly height: number;
  readonly properties: {
    title?: string; markdown?: string; metrics?: any[][]; annotations?: any; view?: string; setPeriodToTimeRange?: boolean; yAxis?: any;
  };
}

/**
 * The stack's one dashboard body, parsed. CloudFormation receives it as `Fn::Join` when it holds references; each
 * `{ Ref: X }` becomes the text `<Ref X>` (and `AWS::Region` `<region>`), so what remains must be valid JSON.
 */
export function dashboardBody(stack: Stack): { start?: string; widgets: DashboardWidget[] } {
  const dashboards = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard'));
  expect(dashboards).toHaveLength(1);
  const raw = dashboards[0].Properties.DashboardBody;
  const text = typeof raw === 'string' ? raw : raw['Fn::Join'][1].map((p: any) => {
    if (typeof p === 'string') return p;
    if (p.Ref === 'AWS::Region') return '<region>';
    if (p.Ref) return `<Ref ${p.Ref}>`;
    throw new Error(`unexpected intrinsic in the dashboard body: ${JSON.stringify(p)}`);
  }).join('');
  return JSON.parse(text);
}

/** Every SEARCH (or other) expression of a dashboard, in widget order. */
export function dashboardExpressions(widgets: readonly DashboardWidget[]): string[] {
  return widgets.flatMap((w) => (w.properties.metrics ?? []).map((r) => r[r.length - 1]?.expression).filter((e): e is string => !!e));
}
