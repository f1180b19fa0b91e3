/**
 * Checks a JSON Schema cannot express: references between sections (Ref, Fn::GetAtt,
 * Fn::Sub variables, Fn::FindInMap with literal keys, Fn::If and Condition names, DependsOn),
 * resource types, parameter defaults against their own constraints, and CloudFormation quotas.
 * Each check skips values the schema already rejected for their shape, so one mistake gives
 * one finding.
 */
import { conditionOrder, cycleText, didYouMean, hasOwn, QUOTAS, isRecord as isObj, own, patternBudget, patternBudgetSpent, plural, PSEUDO_PARAMETERS, subReferences, templatePattern, toPointer as pointerOf, type TemplatePattern } from '../core';
import type { Lazy, PendingFinding } from './findings';

type Obj = Record<string, unknown>;

export { QUOTAS };

/** Fn::GetAtt attribute names of every resource type the AWS resource database knows. */
export interface ResourceAttributes {
  /** The attributes of `type`; undefined when the type is unknown. */
  of(type: string): readonly string[] | undefined;
  /** Every known type (for suggestions). */
  types(): readonly string[];
}

export interface CheckContext {
  /** Resource types whose properties the schema checked. */
  schemaTypes: ReadonlySet<string>;
  /** Every known resource type → its Fn::GetAtt attributes. */
  attributes: ResourceAttributes;
  /** Template body size in bytes, when known. */
  bodyBytes?: number;
  /** True when the precompiled schema was used (so uncovered types get a hint). */
  bundled: boolean;
}

const keysOf = (v: unknown): string[] => (isObj(v) ? Object.keys(v) : []);

function transforms(t: Obj): string[] {
  const tr = t.Transform;
  return typeof tr === 'string' ? [tr] : Array.isArray(tr) ? tr.filter((x): x is string => typeof x === 'string') : [];
}

function isCustomType(type: string): boolean {
  return type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource';
}

/** Runs every code check on `t` (a template that may be partly invalid). */
export function codeChecks(t: Obj, ctx: CheckContext): PendingFinding[] {
  const out: PendingFinding[] = [];
  const err: Report = (path, rule, message, allowed) => {
    out.push({ severity: 'error', rule, pointer: pointerOf(path), message, ...(allowed ? { allowed } : {}) });
  };
  const warn: Report = (path, rule, message) => {
    out.push({ severity: 'warning', rule, pointer: pointerOf(path), message });
  };

  const parameters = isObj(t.Parameters) ? t.Parameters : {};
  const resources = isObj(t.Resources) ? t.Resources : {};
  const conditions = isObj(t.Conditions) ? t.Conditions : {};
  const mappings = isObj(t.Mappings) ? t.Mappings : {};
  const outputs = isObj(t.Outputs) ? t.Outputs : {};
  const paramNames = Object.keys(parameters);
  const resourceNames = Object.keys(resources);
  const conditionNames = Object.keys(conditions);
  // Sets for the lookups, which run once per reference (a list's includes() made them quadratic).
  const isResource = (n: string): boolean => hasOwn(resources, n);
  const isParameter = (n: string): boolean => hasOwn(parameters, n);
  const isCondition = (n: string): boolean => hasOwn(conditions, n);
  const pseudo = new Set(PSEUDO_PARAMETERS);
  const langExt = transforms(t).includes('AWS::LanguageExtensions');
  const typeOf = (name: string): string | undefined => {
    const r = resources[name];
    return isObj(r) && typeof r.Type === 'string' ? r.Type : undefined;
  };

  // Resource → the resources it depends on (Ref, Fn::GetAtt, Fn::Sub, DependsOn), each with where the first reference is.
  const dependsOn = new Map<string, Map<string, (string | number)[]>>();
  const depend = (path: (string | number)[], target: string): void => {
    if (path[0] !== 'Resources' || !isResource(target)) return;
    const from = String(path[1]);
    const deps = dependsOn.get(from) ?? new Map<string, (string | number)[]>();
    dependsOn.set(from, deps);
    if (!deps.has(target)) deps.set(target, path);
  };

  // ---- names shared by sections
  for (const name of paramNames) {
    if (hasOwn(resources, name)) {
      err(['Resources', name], 'duplicate-name', `resource ${name} has the same name as a parameter; Ref ${name} would be ambiguous (rename one)`);
    }
  }

  // ---- resource types and attributes
  for (const name of resourceNames) {
    const r = resources[name];
    if (!isObj(r)) continue;
    const type = r.Type;
    if (typeof type === 'string') {
      if (isCustomType(type)) {
        if (!isObj(r.Properties) || r.Properties.ServiceToken === undefined) {
          err(['Resources', name, 'Properties'], 'missing-property', `custom resource ${name} (${type}) needs Properties.ServiceToken (the Lambda or SNS ARN that handles it)`);
        }
      } else if (type.endsWith('::MODULE')) {
        // A CloudFormation module: its contents are defined in the registry.
      } else if (!ctx.attributes.of(type)) {
        err(['Resources', name, 'Type'], 'unknown-resource-type', () => `unknown resource type ${JSON.stringify(type)}${didYouMean(type, ctx.attributes.types())}`);
      } else if (!ctx.schemaTypes.has(type)) {
        warn(
          ['Resources', name, 'Type'],
          'unchecked-type',
          ctx.bundled
            ? `the properties of ${type} are not checked by the bundled schema (it covers the node-group types); run validate with --all-types to check them`
            : `the properties of ${type} were not checked`,
        );
      }
    }
    // DependsOn and Condition targets
    const deps = typeof r.DependsOn === 'string' ? [r.DependsOn] : Array.isArray(r.DependsOn) ? r.DependsOn : [];
    deps.forEach((d, i) => {
      if (typeof d !== 'string') return;
      const path = typeof r.DependsOn === 'string' ? ['Resources', name, 'DependsOn'] : ['Resources', name, 'DependsOn', i];
      if (d === name) err(path, 'depends-on-target', `resource ${name} depends on itself (remove it from DependsOn)`);
      else if (isResource(d)) depend(path, d);
      else {
        err(path, 'depends-on-target', () => `DependsOn names ${JSON.stringify(d)}, which is not a resource in this template${didYouMean(d, resourceNames)}`, resourceNames);
      }
    });
    const cond = r.Condition;
    if (typeof cond === 'string' && !isCondition(cond)) {
      err(['Resources', name, 'Condition'], 'condition-target', () => `condition ${JSON.stringify(cond)} is not defined in Conditions${didYouMean(cond, conditionNames)}`, conditionNames);
    }
  }
  for (const name of Object.keys(outputs)) {
    const o = outputs[name];
    const cond = isObj(o) ? o.Condition : undefined;
    if (typeof cond === 'string' && !isCondition(cond)) {
      err(['Outputs', name, 'Condition'], 'condition-target', () => `condition ${JSON.stringify(cond)} is not defined in Conditions${didYouMean(cond, conditionNames)}`, conditionNames);
    }
  }

  // ---- references inside values
  const refTargets = [...paramNames, ...resourceNames, ...PSEUDO_PARAMETERS];
  const isRefTarget = (n: string): boolean => isParameter(n) || isResource(n) || pseudo.has(n);
  const checkGetAtt = (path: (string | number)[], resource: string, attribute: unknown): void => {
    depend(path, resource);
    if (!isResource(resource)) {
      const hint = (): string => (isParameter(resource) ? ` (${resource} is a parameter: use Ref ${resource})` : didYouMean(resource, resourceNames));
      err(path, 'getatt-target', () => `Fn::GetAtt names ${JSON.stringify(resource)}, which is not a resource in this template${hint()}`, resourceNames);
      return;
    }
    const type = typeOf(resource);
    if (typeof attribute !== 'string' || !type || isCustomType(type) || type === 'AWS::CloudFormation::Stack' || type.endsWith('::MODULE')) return;
    const attrs = ctx.attributes.of(type);
    if (!attrs) return;
    // CloudFormation also accepts a resource's own property names as attributes.
    const r = resources[resource] as Obj;
    if (!attrs.includes(attribute) && !(isObj(r.Properties) && hasOwn(r.Properties, attribute))) {
      err(
        path,
        'getatt-attribute',
        () =>
          attrs.length
            ? `${type} has no attribute ${JSON.stringify(attribute)}${didYouMean(attribute, attrs)}`
            : `${type} has no attributes for Fn::GetAtt (use Ref ${resource})`,
        [...attrs],
      );
    }
  };

  const walk = (v: unknown, path: (string | number)[], inConditions: boolean, subVars: readonly string[]): void => {
    if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, [...path, i], inConditions, subVars));
      return;
    }
    if (!isObj(v)) return;
    const keys = Object.keys(v);
    if (keys.length === 1) {
      const [k] = keys;
      const arg = v[k];
      const at = [...path, k];
      switch (k) {
        case 'Ref':
          if (typeof arg === 'string') {
            depend(at, arg);
            if (inConditions && isResource(arg)) {
              err(at, 'ref-target', `conditions can refer to parameters only; ${arg} is a resource`, paramNames);
            } else if (!isRefTarget(arg)) {
              const hint = (): string => (arg.startsWith('AWS::') ? didYouMean(arg, PSEUDO_PARAMETERS) : didYouMean(arg, refTargets));
              err(at, 'ref-target', () => `Ref ${JSON.stringify(arg)} names nothing: no parameter, resource or pseudo parameter has that name${hint()}`);
            }
          }
          return;
        case 'Fn::GetAtt': {
          let parts: unknown[] | undefined;
          if (typeof arg === 'string' && arg.includes('.')) parts = [arg.slice(0, arg.indexOf('.')), arg.slice(arg.indexOf('.') + 1)];
          else if (Array.isArray(arg)) parts = arg;
          if (parts && typeof parts[0] === 'string') checkGetAtt(at, parts[0], parts[1]);
          if (Array.isArray(arg)) walk(arg[1], [...at, 1], inConditions, subVars);
          return;
        }
        case 'Fn::Sub': {
          const text = typeof arg === 'string' ? arg : Array.isArray(arg) && typeof arg[0] === 'string' ? arg[0] : undefined;
          const vars = Array.isArray(arg) && isObj(arg[1]) ? Object.keys(arg[1]) : [];
          if (Array.isArray(arg) && isObj(arg[1])) walk(arg[1], [...at, 1], inConditions, subVars);
          if (text === undefined) return;
          const subPath = typeof arg === 'string' ? at : [...at, 0];
          for (const ref of subReferences(text)) {
            const name = ref.name.trim();
            if (name.startsWith('!')) continue; // ${!Literal} is written as ${Literal}
            if ((Array.isArray(arg) && isObj(arg[1]) && hasOwn(arg[1], name)) || subVars.includes(name)) continue;
            const dot = name.indexOf('.');
            if (dot > 0 && !name.startsWith('AWS::')) {
              checkGetAtt(subPath, name.slice(0, dot), name.slice(dot + 1));
            } else if (isResource(name)) {
              depend(subPath, name);
            } else if (!isRefTarget(name)) {
              err(
                subPath,
                'sub-variable',
                () => `Fn::Sub variable \${${name}} resolves to nothing: it is not a parameter, resource, pseudo parameter or a key of the variable map${didYouMean(name, [...refTargets, ...vars])} (write \${!${name}} for a literal "\${${name}}")`,
              );
            }
          }
          return;
        }
        case 'Fn::FindInMap': {
          if (!Array.isArray(arg)) return;
          arg.forEach((x, i) => walk(x, [...at, i], inConditions, subVars));
          const [map, top, second] = arg;
          const hasDefault = arg.length === 4;
          arg.slice(0, 3).forEach((x, i) => {
            if (langExt || typeof x !== 'object' || x === null) return;
            const fn = Object.keys(x)[0];
            if (fn !== 'Ref' && fn !== 'Fn::FindInMap') {
              err([...at, i], 'findinmap-key', `without Transform: AWS::LanguageExtensions, Fn::FindInMap names and keys may only be text, Ref or Fn::FindInMap (got ${fn})`);
            }
          });
          if (hasDefault && !langExt) err([...at, 3], 'findinmap-default', 'Fn::FindInMap DefaultValue needs Transform: AWS::LanguageExtensions (add it, and deploy with CAPABILITY_AUTO_EXPAND)');
          if (typeof map !== 'string') return;
          if (!isObj(own(mappings, map))) {
            err([...at, 0], 'findinmap-target', () => `mapping ${JSON.stringify(map)} is not defined in Mappings${didYouMean(map, Object.keys(mappings))}`, () => Object.keys(mappings));
            return;
          }
          const m = mappings[map] as Obj;
          if (hasDefault) return;
          if (typeof top !== 'string') {
            // The top-level key is computed: the literal second key must exist under every top-level key.
            if (typeof second !== 'string') return;
            const tops = Object.keys(m).filter((k) => isObj(m[k]));
            const lacking = tops.filter((k) => !hasOwn(m[k] as Obj, second));
            if (tops.length && lacking.length === tops.length) {
              const keys = (): string[] => [...new Set(tops.flatMap((k) => Object.keys(m[k] as Obj)))];
              err([...at, 2], 'findinmap-key', () => `no entry of mapping ${map} has the key ${JSON.stringify(second)}${didYouMean(second, keys())}`, keys);
            } else if (lacking.length) {
              warn([...at, 2], 'findinmap-key', `mapping ${map} lacks the key ${JSON.stringify(second)} under ${lacking.join(', ')}: the stack fails if the lookup lands there`);
            }
            return;
          }
          if (!isObj(own(m, top))) {
            err([...at, 1], 'findinmap-key', () => `mapping ${map} has no top-level key ${JSON.stringify(top)}${didYouMean(top, Object.keys(m))}`, () => Object.keys(m));
            return;
          }
          if (typeof second === 'string' && !hasOwn(m[top] as Obj, second)) {
            const keys = (): string[] => Object.keys(m[top] as Obj);
            err([...at, 2], 'findinmap-key', () => `mapping ${map}.${top} has no key ${JSON.stringify(second)}${didYouMean(second, keys())}`, keys);
          }
          return;
        }
        case 'Fn::If':
          if (Array.isArray(arg)) {
            if (typeof arg[0] === 'string' && !isCondition(arg[0])) {
              err([...at, 0], 'condition-target', () => `Fn::If names condition ${JSON.stringify(arg[0])}, which is not defined in Conditions${didYouMean(arg[0], conditionNames)}`, conditionNames);
            }
            arg.slice(1).forEach((x, i) => walk(x, [...at, i + 1], inConditions, subVars));
          }
          return;
        case 'Condition':
          if (inConditions && typeof arg === 'string') {
            if (!isCondition(arg)) {
              err(at, 'condition-target', () => `condition ${JSON.stringify(arg)} is not defined in Conditions${didYouMean(arg, conditionNames)}`, conditionNames);
            }
            return;
          }
          break;
        case 'Fn::Length':
        case 'Fn::ToJsonString':
          if (!langExt) err(at, 'needs-transform', `${k} needs Transform: AWS::LanguageExtensions (add it, and deploy with CAPABILITY_AUTO_EXPAND)`);
          break;
        default:
          break;
      }
    }
    for (const k of keys) walk(v[k], [...path, k], inConditions, subVars);
  };
  for (const name of resourceNames) {
    const r = resources[name];
    if (!isObj(r)) continue;
    for (const section of ['Properties', 'Metadata', 'UpdatePolicy', 'CreationPolicy', 'DeletionPolicy', 'UpdateReplacePolicy']) {
      if (r[section] !== undefined) walk(r[section], ['Resources', name, section], false, []);
    }
  }
  for (const name of Object.keys(outputs)) walk(outputs[name], ['Outputs', name], false, []);
  for (const name of conditionNames) walk(conditions[name], ['Conditions', name], true, []);
  const { cycle } = conditionOrder(conditions);
  if (cycle) err(['Conditions', cycle[0]], 'condition-cycle', `condition ${JSON.stringify(cycle[0])} depends on itself (${cycleText(cycle)}); CloudFormation refuses circular condition dependencies`);

  for (const cycle of dependencyCycles(resourceNames, dependsOn)) {
    const chain = [...cycle.resources, cycle.resources[0]].join(' → ');
    const more = cycle.component > cycle.resources.length ? ` (${cycle.component} resources depend on each other in all)` : '';
    const closing = dependsOn.get(cycle.resources[cycle.resources.length - 1])!.get(cycle.resources[0])!;
    err(closing, 'circular-dependency', `circular dependency between resources: ${chain}${more}; CloudFormation refuses the template (remove one of these references or DependsOn)`);
  }

  checkParameters(parameters, err, warn);
  checkQuotas(t, ctx, err, warn);
  return out;
}

/**
 * One cycle per group of resources that depend on each other (a strongly connected component,
 * Tarjan's algorithm, iterative), in the order of `names`: the shortest cycle through the group's
 * first resource, found breadth-first inside the group. Linear in resources and dependencies.
 */
function dependencyCycles(names: readonly string[], edges: ReadonlyMap<string, ReadonlyMap<string, unknown>>): { resources: string[]; component: number }[] {
  const next = (n: string): string[] => [...(edges.get(n)?.keys() ?? [])];
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  for (const root of names) {
    if (index.has(root)) continue;
    const work: { n: string; next: string[]; i: number }[] = [];
    const enter = (n: string): void => {
      index.set(n, index.size);
      low.set(n, index.get(n)!);
      stack.push(n);
      onStack.add(n);
      work.push({ n, next: next(n), i: 0 });
    };
    enter(root);
    while (work.length) {
      const f = work[work.length - 1];
      if (f.i < f.next.length) {
        const m = f.next[f.i++];
        if (!index.has(m)) enter(m);
        else if (onStack.has(m)) low.set(f.n, Math.min(low.get(f.n)!, index.get(m)!));
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1].n;
        low.set(parent, Math.min(low.get(parent)!, low.get(f.n)!));
      }
      if (low.get(f.n) !== index.get(f.n)) continue;
      const component: string[] = [];
      let x: string;
      do {
        x = stack.pop()!;
        onStack.delete(x);
        component.push(x);
      } while (x !== f.n);
      if (component.length > 1 || edges.get(f.n)?.has(f.n)) components.push(component);
    }
  }
  const order = new Map(names.map((n, i) => [n, i]));
  return components
    .map((c) => {
      const inside = new Set(c);
      const start = c.reduce((a, b) => (order.get(a)! <= order.get(b)! ? a : b));
      // Breadth-first from `start` back to it, inside the group.
      const parent = new Map<string, string>();
      const queue = [start];
      for (let q = 0; q < queue.length; q++) {
        const n = queue[q];
        for (const m of next(n)) {
          if (m === start) {
            const cycle = [n];
            for (let p = n; p !== start; ) cycle.push((p = parent.get(p)!));
            return { resources: cycle.reverse(), component: c.length };
          }
          if (inside.has(m) && !parent.has(m)) {
            parent.set(m, n);
            queue.push(m);
          }
        }
      }
      throw new Error(`no cycle through ${start} in its strongly connected component`);
    })
    .sort((a, b) => order.get(a.resources[0])! - order.get(b.resources[0])!);
}

/** Messages and allowed lists may be given as functions: made only for the findings reported. */
type Report = (path: (string | number)[], rule: string, message: Lazy<string>, allowed?: Lazy<string[]>) => void;

/** Each parameter's Default must satisfy the parameter's own constraints. */
function checkParameters(parameters: Obj, err: Report, warn: Report): void {
  const budget = patternBudget(); // one for the template: past it, one warning and no more matches
  for (const [name, p] of Object.entries(parameters)) {
    if (!isObj(p) || typeof p.Type !== 'string') continue;
    const type = p.Type;
    const path = ['Parameters', name];
    // Only scalars: an object here (the schema reports it) may not even convert to a primitive.
    const num = (k: string): number | undefined => {
      const v = p[k];
      return (typeof v !== 'number' && typeof v !== 'string') || isNaN(Number(v)) ? undefined : Number(v);
    };
    const [minLen, maxLen, minVal, maxVal] = [num('MinLength'), num('MaxLength'), num('MinValue'), num('MaxValue')];
    if (minLen !== undefined && maxLen !== undefined && minLen > maxLen) err([...path, 'MinLength'], 'parameter-constraint', `MinLength ${minLen} is greater than MaxLength ${maxLen}`);
    if (minVal !== undefined && maxVal !== undefined && minVal > maxVal) err([...path, 'MinValue'], 'parameter-constraint', `MinValue ${minVal} is greater than MaxValue ${maxVal}`);
    const numeric = type === 'Number' || type === 'List<Number>';
    if ((minVal !== undefined || maxVal !== undefined) && !numeric) warn([...path, 'Type'], 'parameter-constraint', `MinValue/MaxValue apply to Number parameters only; ${type} ignores them`);
    // CloudFormation matches the whole value against AllowedPattern (a Java regular expression).
    let pattern: Exclude<TemplatePattern, { unsupported: string }> | undefined;
    if (typeof p.AllowedPattern === 'string') {
      const compiled = templatePattern(p.AllowedPattern, budget);
      if ('unsupported' in compiled) {
        warn([...path, 'AllowedPattern'], 'parameter-pattern', `AllowedPattern cannot be checked here (${compiled.unsupported}); CloudFormation checks it as a Java regular expression`);
      } else pattern = compiled;
    }
    if (p.Default === undefined || p.Default === null || typeof p.Default === 'object') continue;
    if (type.startsWith('AWS::SSM::Parameter::')) continue; // the default names an SSM parameter
    const isList = type.startsWith('List<') || type === 'CommaDelimitedList';
    const text = String(p.Default);
    const values = isList ? text.split(',') : [text];
    const at = [...path, 'Default'];
    const scalars = Array.isArray(p.AllowedValues) && p.AllowedValues.every((a) => ['string', 'number', 'boolean'].includes(typeof a));
    const allowed = scalars ? (p.AllowedValues as unknown[]).map(String) : undefined;
    const allowedSet = new Set(allowed);
    const quoted = JSON.stringify(text); // once, not once per element of a list
    for (const v of values) {
      const shown = isList ? `element ${JSON.stringify(v)} of Default ${quoted}` : `Default ${quoted}`;
      if (numeric && (v.trim() === '' || isNaN(Number(v)))) {
        err(at, 'parameter-default', `${shown} is not a number, but parameter ${name} is ${type}`);
        continue;
      }
      if (allowed && !allowedSet.has(v)) {
        err(at, 'parameter-default', () => `${shown} is not one of the parameter's AllowedValues${didYouMean(v, allowed)}`, allowed);
        continue;
      }
      const matched = pattern?.matches(v, budget);
      if (matched === false) err(at, 'parameter-default', `${shown} does not match AllowedPattern ${JSON.stringify(p.AllowedPattern)}`);
      else if (pattern && matched === undefined && budget.skipped === 1) {
        warn(at, 'parameter-pattern', () => `${shown} ${budget.skipped > 1 ? `and ${plural(budget.skipped - 1, 'later value')} are` : 'is'} not checked against AllowedPattern: ${patternBudgetSpent} (CloudFormation checks them)`);
      }
      if (minLen !== undefined && v.length < minLen) err(at, 'parameter-default', `${shown} is ${plural(v.length, 'character')}; MinLength is ${minLen}`);
      if (maxLen !== undefined && v.length > maxLen) err(at, 'parameter-default', `${shown} is ${plural(v.length, 'character')}; MaxLength is ${maxLen}`);
      if (numeric && minVal !== undefined && Number(v) < minVal) err(at, 'parameter-default', `${shown} is below MinValue ${minVal}`);
      if (numeric && maxVal !== undefined && Number(v) > maxVal) err(at, 'parameter-default', `${shown} is above MaxValue ${maxVal}`);
    }
  }
}

/** The body size against CloudFormation's limits (the counts and names: quotaProblems, before any check). */
function checkQuotas(t: Obj, ctx: CheckContext, err: Report, warn: Report): void {
  const bytes = ctx.bodyBytes;
  if (bytes === undefined) return;
  if (bytes > QUOTAS.s3BodyBytes) {
    err([], 'template-size', `the template is ${bytes} bytes; CloudFormation accepts at most ${QUOTAS.s3BodyBytes} bytes even from S3 (split it into nested stacks or shrink mappings)`);
  } else if (bytes > QUOTAS.inlineBodyBytes) {
    warn(
      [],
      'template-size-inline',
      `the template is ${bytes} bytes, over the ${QUOTAS.inlineBodyBytes}-byte limit for a template passed inline: deploy it from S3 (aws cloudformation deploy --s3-bucket BUCKET, or --template-url)`,
    );
  }
}

