/** Checks over a synthesized CloudFormation template. */

/** The logical ids a value refers to (Ref, Fn::GetAtt, Fn::Sub `${Id}` / `${Id.Attr}`), pseudo parameters left out. */
function references(value: unknown, out: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => references(v, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'Ref' && typeof v === 'string' && !v.startsWith('AWS::')) out.add(v);
      else if (k === 'Fn::GetAtt') out.add(Array.isArray(v) ? String(v[0]) : String(v).split('.')[0]);
      else if (k === 'Fn::Sub') {
        const text = Array.isArray(v) ? v[0] : v;
        for (const m of String(text).matchAll(/\$\{([A-Za-z0-9]+)(\.[A-Za-z0-9.]+)?\}/g)) if (!m[1].startsWith('AWS')) out.add(m[1]);
        if (Array.isArray(v)) references(v[1], out);
      } else references(v, out);
    }
  }
  return out;
}

/**
 * The dependency cycles among a template's resources (DependsOn plus references in Properties), each as the list of
 * logical ids around it; CloudFormation refuses a template with one ("Circular dependency between resources").
 */
export function dependencyCycles(template: any): string[][] {
  const resources: { [id: string]: any } = template.Resources ?? {};
  const edges = new Map<string, string[]>();
  for (const [id, r] of Object.entries(resources)) {
    const deps = new Set<string>([...[r.DependsOn ?? []].flat(), ...references(r.Properties)]);
    edges.set(id, [...deps].filter((d) => d in resources));
  }
  const cycles: string[][] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string) => {
    state.set(id, 'visiting');
    stack.push(id);
    for (const d of edges.get(id) ?? []) {
      if (state.get(d) === 'visiting') cycles.push(stack.slice(stack.indexOf(d)));
      else if (!state.has(d)) visit(d);
    }
    stack.pop();
    state.set(id, 'done');
  };
  for (const id of edges.keys()) if (!state.has(id)) visit(id);
  return cycles;
}
