/**
 * Builds the JSON Schema of a CloudFormation template from the AWS resource database
 * (`@aws-cdk/aws-service-spec`). Used by `npm run generate` (scripts/generate.ts, which also
 * precompiles it with ajv standalone) and at run time only behind `--all-types`.
 *
 * Shape of the schema:
 * - every value position is a `$ref` to a definition per value kind (`str`, `int`, `list(str)`,
 *   `AWS::EC2::LaunchTemplate.LaunchTemplateData`, …). A definition is
 *   `if <one-key object naming an intrinsic> then <the intrinsics allowed for this kind> else
 *   <the literal shape>`, so a value is checked either as a function call or as data, never
 *   both: a typo yields one error, not one per alternative (no anyOf anywhere).
 * - `Fn::If` branches refer back to the same definition, so both branches are checked as the
 *   property's own type.
 * - literals accept what CloudFormation coerces: numbers and booleans for strings, numeric
 *   strings for numbers, "true"/"false" for booleans.
 *
 * The database is typed structurally here so the library does not depend on the dev package.
 */

/** The resource types the generator emits and AWS's reference templates use. */
export const DEFAULT_RESOURCE_TYPES: readonly string[] = Object.freeze([
  'AWS::AutoScaling::AutoScalingGroup',
  'AWS::AutoScaling::LaunchConfiguration',
  'AWS::EC2::LaunchTemplate',
  'AWS::EC2::SecurityGroup',
  'AWS::EC2::SecurityGroupEgress',
  'AWS::EC2::SecurityGroupIngress',
  'AWS::EKS::AccessEntry',
  'AWS::IAM::InstanceProfile',
  'AWS::IAM::Role',
]);

import { hasOwn, VALUE_FUNCTIONS } from '../core';

// ---------------------------------------------------------------- the spec database (structural)

export interface SpecPropertyType {
  type: string;
  allowedValues?: (string | number)[];
  element?: SpecPropertyType;
  types?: SpecPropertyType[];
  reference?: { $ref: string };
}
export interface SpecProperty {
  type: SpecPropertyType;
  required?: boolean;
  deprecated?: string;
}
export interface SpecResource {
  cloudFormationType: string;
  properties: Record<string, SpecProperty>;
  attributes: Record<string, unknown>;
  cloudFormationTransform?: string;
}
export interface SpecTypeDefinition {
  $id: string;
  name: string;
  properties: Record<string, SpecProperty>;
}
/** The parts of `loadAwsServiceSpecSync()`'s database this module uses. */
export interface SpecDatabase {
  all(kind: 'resource'): SpecResource[];
  lookup(kind: 'resource', index: 'cloudFormationType', op: 'equals', value: string): { only(): SpecResource };
  get(kind: 'typeDefinition', id: string): SpecTypeDefinition;
}

/** Loads the AWS resource database (~0.5 s). */
export function loadSpecDatabase(): { db: SpecDatabase; version: string } {
  // Required here: only --all-types and the schema generator need it (loading the module costs ~10–20 ms).
  const mod = require('@aws-cdk/aws-service-spec') as { loadAwsServiceSpecSync(): SpecDatabase };
  const { version } = require('@aws-cdk/aws-service-spec/package.json') as { version: string };
  return { db: mod.loadAwsServiceSpecSync(), version };
}

// ---------------------------------------------------------------- intrinsic functions


/** Functions CloudFormation accepts where a value of each kind is expected. */
const SCALAR_FNS = ['Ref', 'Fn::GetAtt', 'Fn::Join', 'Fn::Sub', 'Fn::Select', 'Fn::FindInMap', 'Fn::ImportValue', 'Fn::If', 'Fn::Base64', 'Fn::Transform', 'Fn::ToJsonString', 'Fn::Length'];
const LIST_FNS = ['Ref', 'Fn::GetAtt', 'Fn::If', 'Fn::Split', 'Fn::GetAZs', 'Fn::Cidr', 'Fn::FindInMap', 'Fn::Transform'];
const OBJECT_FNS = ['Ref', 'Fn::GetAtt', 'Fn::If', 'Fn::Transform'];

type Kind = 'scalar' | 'list' | 'object';
const FNS_FOR: Record<Kind, string[]> = { scalar: SCALAR_FNS, list: LIST_FNS, object: OBJECT_FNS };

type Schema = Record<string, unknown>;
const ref = (name: string): Schema => ({ $ref: `#/definitions/${encodeURIComponent(name)}` });

/** A one-key object whose key names an intrinsic function. */
const INTRINSIC: Schema = { type: 'object', minProperties: 1, maxProperties: 1, propertyNames: { enum: [...VALUE_FUNCTIONS] } };

const FN_ARGS: Record<string, Schema> = {
  Ref: { type: 'string', minLength: 1 },
  'Fn::GetAtt': {
    type: ['string', 'array'],
    pattern: '^[A-Za-z0-9]+\\..+$',
    items: [{ type: 'string' }, ref('str')],
    minItems: 2,
    additionalItems: false,
  },
  'Fn::Join': { type: 'array', items: [{ type: 'string' }, ref('list(str)')], minItems: 2, additionalItems: false },
  'Fn::Sub': {
    type: ['string', 'array'],
    items: [{ type: 'string' }, { type: 'object', additionalProperties: ref('str') }],
    minItems: 2,
    additionalItems: false,
  },
  'Fn::Select': { type: 'array', items: [ref('int'), ref('list(str)')], minItems: 2, additionalItems: false },
  'Fn::FindInMap': {
    type: 'array',
    items: [ref('str'), ref('str'), ref('str'), { type: 'object', required: ['DefaultValue'], additionalProperties: false, properties: { DefaultValue: {} } }],
    minItems: 3,
    additionalItems: false,
  },
  'Fn::ImportValue': ref('str'),
  'Fn::Base64': ref('str'),
  'Fn::Split': { type: 'array', items: [{ type: 'string' }, ref('str')], minItems: 2, additionalItems: false },
  'Fn::GetAZs': ref('str'),
  'Fn::Cidr': { type: 'array', items: [ref('str'), ref('int'), ref('int')], minItems: 3, additionalItems: false },
  'Fn::Transform': {
    type: 'object',
    required: ['Name'],
    additionalProperties: false,
    properties: { Name: { type: 'string' }, Parameters: { type: 'object' } },
  },
  'Fn::ToJsonString': { type: ['object', 'array'] },
  'Fn::Length': { type: ['object', 'array'] },
};

/** The functions allowed for a kind and their arguments (Fn::If only by shape: its branches are checked per type). */
function functionsDef(kind: Kind): Schema {
  const properties: Schema = {};
  for (const fn of FNS_FOR[kind]) {
    properties[fn] =
      fn === 'Fn::If'
        ? { type: 'array', items: [{ type: 'string' }], minItems: 3, maxItems: 3 }
        : kind === 'object' && fn === 'Ref'
          ? { const: 'AWS::NoValue' }
          : ref(`fn:${fn}`);
  }
  return { properties, additionalProperties: false };
}

/** The `then` schema for a value written as a function call: the kind's functions, Fn::If branches as `self`. */
function functionsFor(kind: Kind, self: string): Schema {
  return { allOf: [ref(`fns:${kind}`), { properties: { 'Fn::If': { items: [{}, ref(self), ref(self)] } } }] };
}

function valueDef(kind: Kind, self: string, literal: Schema): Schema {
  return { if: ref('intrinsic'), then: functionsFor(kind, self), else: literal };
}

// ---------------------------------------------------------------- building

// Unambiguous (each character has one way to match), so JavaScript's backtracking engine runs it in linear time.
const NUMBER_PATTERN = '^\\s*[-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d+)?\\s*$';
const INTEGER_PATTERN = '^\\s*[-+]?\\d+\\s*$';
const BOOLEANS = [true, false, 'true', 'false', 'True', 'False', 'TRUE', 'FALSE'];

class Builder {
  readonly definitions: Record<string, Schema> = {};
  /** `used`: the keys to check; other properties are only allowed (`{}`), so their types are not built. */
  constructor(
    private readonly db: SpecDatabase,
    private readonly used?: ReadonlySet<string>,
  ) {
    this.definitions.str = valueDef('scalar', 'str', { type: ['string', 'number', 'boolean'] });
    this.definitions.num = valueDef('scalar', 'num', { type: ['number', 'string'], pattern: NUMBER_PATTERN });
    this.definitions.int = valueDef('scalar', 'int', { type: ['integer', 'string'], pattern: INTEGER_PATTERN });
    this.definitions.bool = valueDef('scalar', 'bool', { enum: BOOLEANS });
    this.definitions.json = {};
    this.definitions['list(str)'] = valueDef('list', 'list(str)', { type: 'array', items: ref('str') });
    this.definitions.tag = valueDef('object', 'tag', {
      type: 'object',
      required: ['Key', 'Value'],
      additionalProperties: false,
      properties: { Key: ref('str'), Value: ref('str') },
    });
    for (const [fn, args] of Object.entries(FN_ARGS)) this.definitions[`fn:${fn}`] = args;
    this.definitions.intrinsic = INTRINSIC;
    for (const kind of Object.keys(FNS_FOR) as Kind[]) this.definitions[`fns:${kind}`] = functionsDef(kind);
  }

  /** The definition name for a property type, creating the definition on first use. */
  typeName(t: SpecPropertyType, owner: string): string {
    switch (t.type) {
      case 'string':
      case 'date-time':
        return t.allowedValues?.length ? this.enumDef('str', t.allowedValues) : 'str';
      case 'integer':
        return t.allowedValues?.length ? this.enumDef('int', t.allowedValues) : 'int';
      case 'number':
        return 'num';
      case 'boolean':
        return 'bool';
      case 'json':
        return 'json';
      case 'tag':
        return 'tag';
      case 'null':
        return this.define('null', () => ({ type: 'null' }));
      case 'ref': {
        const td = this.db.get('typeDefinition', t.reference!.$ref);
        const name = `${owner}.${td.name}`;
        return this.define(name, () => valueDef('object', name, this.objectSchema(td.properties, owner)));
      }
      case 'array': {
        const el = this.typeName(t.element!, owner);
        const name = `list(${el})`;
        return this.define(name, () => valueDef('list', name, { type: 'array', items: ref(el) }));
      }
      case 'map': {
        const el = this.typeName(t.element!, owner);
        const name = `map(${el})`;
        return this.define(name, () => valueDef('object', name, { type: 'object', additionalProperties: ref(el) }));
      }
      case 'union':
        return this.unionDef(t.types!, owner);
      default:
        throw new Error(`unsupported property type ${JSON.stringify(t.type)} in ${owner}`);
    }
  }

  private define(name: string, make: () => Schema): string {
    if (!(name in this.definitions)) {
      this.definitions[name] = {}; // placeholder: recursive types refer to themselves
      this.definitions[name] = make();
    }
    return name;
  }

  private enumDef(base: 'str' | 'int', values: (string | number)[]): string {
    const sorted = [...new Set(values)].sort((a, b) => String(a).localeCompare(String(b)));
    const name = `${base}(${sorted.join('|')})`;
    return this.define(name, () => valueDef('scalar', name, { enum: sorted }));
  }

  /** A union dispatches on the JSON type of the value, so each alternative reports its own errors. */
  private unionDef(types: SpecPropertyType[], owner: string): string {
    const members = [...new Set(types.map((t) => this.typeName(t, owner)))].sort();
    if (members.includes('json')) return 'json';
    if (members.length === 1) return members[0];
    const name = `union(${members.join('|')})`;
    return this.define(name, () => {
      const groups: Record<'array' | 'object' | 'scalar', string[]> = { array: [], object: [], scalar: [] };
      for (const m of members) {
        const group = m.startsWith('list(') ? 'array' : ['str', 'num', 'int', 'bool'].includes(m.replace(/\(.*$/, '')) ? 'scalar' : 'object';
        groups[group].push(m);
      }
      const kinds: Kind[] = [];
      if (groups.scalar.length) kinds.push('scalar');
      if (groups.array.length) kinds.push('list');
      if (groups.object.length) kinds.push('object');
      const fns = [...new Set(kinds.flatMap((k) => FNS_FOR[k]))];
      const jsonTypes = [
        ...(groups.array.length ? ['array'] : []),
        ...(groups.object.length ? ['object'] : []),
        ...(groups.scalar.length ? ['string', 'number', 'integer', 'boolean'] : []),
      ];
      const branch = (ms: string[]): Schema => (ms.length === 1 ? ref(ms[0]) : { anyOf: ms.map(ref) });
      const literal: Schema = { type: jsonTypes, allOf: [] as Schema[] };
      if (groups.array.length) (literal.allOf as Schema[]).push({ if: { type: 'array' }, then: branch(groups.array) });
      if (groups.object.length) (literal.allOf as Schema[]).push({ if: { type: 'object' }, then: branch(groups.object) });
      if (groups.scalar.length) (literal.allOf as Schema[]).push({ if: { type: ['string', 'number', 'boolean'] }, then: branch(groups.scalar) });
      const allowed: Schema = {
        properties: Object.fromEntries(
          fns.map((fn) => [fn, fn === 'Fn::If' ? { type: 'array', items: [{ type: 'string' }, ref(name), ref(name)], minItems: 3, maxItems: 3 } : ref(`fn:${fn}`)]),
        ),
        additionalProperties: false,
      };
      return { if: ref('intrinsic'), then: allowed, else: literal };
    });
  }

  objectSchema(props: Record<string, SpecProperty>, owner: string): Schema {
    const properties: Schema = {};
    const required: string[] = [];
    for (const key of Object.keys(props).sort()) {
      const p = props[key];
      if (p.deprecated === 'IGNORE') continue;
      properties[key] = this.used && !this.used.has(key) ? {} : ref(this.typeName(p.type, owner));
      if (p.required) required.push(key);
    }
    const s: Schema = { type: 'object', properties, additionalProperties: false };
    if (required.length) s.required = required;
    return s;
  }

  resource(r: SpecResource): Schema {
    const props = this.objectSchema(r.properties, r.cloudFormationType);
    const s: Schema = { properties: { Properties: props } };
    if (props.required) s.required = ['Properties'];
    return s;
  }
}

// ---------------------------------------------------------------- template anatomy

const AWS_PARAMETER_TYPES = [
  'AWS::EC2::AvailabilityZone::Name',
  'AWS::EC2::Image::Id',
  'AWS::EC2::Instance::Id',
  'AWS::EC2::KeyPair::KeyName',
  'AWS::EC2::SecurityGroup::GroupName',
  'AWS::EC2::SecurityGroup::Id',
  'AWS::EC2::Subnet::Id',
  'AWS::EC2::VPC::Id',
  'AWS::EC2::Volume::Id',
  'AWS::Route53::HostedZone::Id',
];

/** Every parameter Type CloudFormation accepts. */
export const PARAMETER_TYPES: readonly string[] = Object.freeze([
  'String',
  'Number',
  'List<Number>',
  'CommaDelimitedList',
  ...AWS_PARAMETER_TYPES,
  ...AWS_PARAMETER_TYPES.map((t) => `List<${t}>`),
  'AWS::SSM::Parameter::Name',
  'AWS::SSM::Parameter::Value<String>',
  'AWS::SSM::Parameter::Value<List<String>>',
  'AWS::SSM::Parameter::Value<CommaDelimitedList>',
  ...AWS_PARAMETER_TYPES.map((t) => `AWS::SSM::Parameter::Value<${t}>`),
  ...AWS_PARAMETER_TYPES.map((t) => `AWS::SSM::Parameter::Value<List<${t}>>`),
]);

const ALNUM_NAME = '^[A-Za-z0-9]{1,255}$';
const scalarLiteral: Schema = { type: ['string', 'number', 'boolean'] };
const POLICIES = ['Delete', 'Retain', 'RetainExceptOnCreate', 'Snapshot'];

function anatomy(resourceDispatch: Schema[]): Record<string, Schema> {
  const policy: Schema = valueDef('scalar', 'policy', { enum: POLICIES });
  return {
    policy,
    parameter: {
      type: 'object',
      required: ['Type'],
      additionalProperties: false,
      properties: {
        Type: { enum: [...PARAMETER_TYPES] },
        Default: scalarLiteral,
        AllowedValues: { type: 'array', items: scalarLiteral, minItems: 1 },
        AllowedPattern: { type: 'string' },
        ConstraintDescription: { type: 'string' },
        Description: { type: 'string', maxLength: 4000 },
        MaxLength: { type: ['integer', 'string'], pattern: INTEGER_PATTERN },
        MinLength: { type: ['integer', 'string'], pattern: INTEGER_PATTERN },
        MaxValue: { type: ['number', 'string'], pattern: NUMBER_PATTERN },
        MinValue: { type: ['number', 'string'], pattern: NUMBER_PATTERN },
        NoEcho: { enum: BOOLEANS },
      },
    },
    mapping: {
      type: 'object',
      minProperties: 1,
      propertyNames: { pattern: '^[a-zA-Z0-9.-]+$' },
      additionalProperties: {
        type: 'object',
        minProperties: 1,
        propertyNames: { pattern: '^[a-zA-Z0-9]+$' },
        additionalProperties: { type: ['string', 'number', 'boolean', 'array'], items: scalarLiteral },
      },
    },
    condition: {
      type: 'object',
      minProperties: 1,
      maxProperties: 1,
      additionalProperties: false,
      properties: {
        'Fn::Equals': { type: 'array', items: ref('str'), minItems: 2, maxItems: 2 },
        'Fn::And': { type: 'array', items: ref('condition'), minItems: 2, maxItems: 10 },
        'Fn::Or': { type: 'array', items: ref('condition'), minItems: 2, maxItems: 10 },
        'Fn::Not': { type: 'array', items: ref('condition'), minItems: 1, maxItems: 1 },
        Condition: { type: 'string' },
      },
    },
    resource: {
      type: 'object',
      required: ['Type'],
      additionalProperties: false,
      properties: {
        Type: { type: 'string', pattern: '^(AWS|Alexa|Custom|[A-Za-z0-9]+)::[A-Za-z0-9_@-]+(::[A-Za-z0-9_@-]+)*$' },
        Properties: { type: 'object' },
        DependsOn: { type: ['string', 'array'], items: { type: 'string' } },
        Condition: { type: 'string' },
        Metadata: { type: 'object' },
        DeletionPolicy: ref('policy'),
        UpdateReplacePolicy: ref('policy'),
        CreationPolicy: {
          type: 'object',
          additionalProperties: false,
          properties: {
            AutoScalingCreationPolicy: {
              type: 'object',
              additionalProperties: false,
              properties: { MinSuccessfulInstancesPercent: ref('int') },
            },
            ResourceSignal: {
              type: 'object',
              additionalProperties: false,
              properties: { Count: ref('int'), Timeout: ref('str') },
            },
            StartFleet: ref('bool'),
          },
        },
        UpdatePolicy: {
          type: 'object',
          additionalProperties: false,
          properties: {
            AutoScalingReplacingUpdate: {
              type: 'object',
              additionalProperties: false,
              properties: { WillReplace: ref('bool') },
            },
            AutoScalingRollingUpdate: {
              type: 'object',
              additionalProperties: false,
              properties: {
                MaxBatchSize: ref('int'),
                MinActiveInstancesPercent: ref('int'),
                MinInstancesInService: ref('int'),
                MinSuccessfulInstancesPercent: ref('int'),
                PauseTime: ref('str'),
                SuspendProcesses: ref('list(str)'),
                WaitOnResourceSignals: ref('bool'),
              },
            },
            AutoScalingScheduledAction: {
              type: 'object',
              additionalProperties: false,
              properties: { IgnoreUnmodifiedGroupSizeProperties: ref('bool') },
            },
            CodeDeployLambdaAliasUpdate: {
              type: 'object',
              additionalProperties: false,
              required: ['ApplicationName', 'DeploymentGroupName'],
              properties: {
                AfterAllowTrafficHook: ref('str'),
                ApplicationName: ref('str'),
                BeforeAllowTrafficHook: ref('str'),
                DeploymentGroupName: ref('str'),
              },
            },
            EnableVersionUpgrade: ref('bool'),
            UseOnlineResharding: ref('bool'),
          },
        },
      },
      allOf: resourceDispatch,
    },
    output: {
      type: 'object',
      required: ['Value'],
      additionalProperties: false,
      properties: {
        Description: { type: 'string', maxLength: 1024 },
        Value: { not: { type: 'null' } },
        Condition: { type: 'string' },
        Export: {
          type: 'object',
          required: ['Name'],
          additionalProperties: false,
          properties: { Name: ref('str') },
        },
      },
    },
  };
}

export interface BuiltSchema {
  schema: Record<string, unknown>;
  /** Resource types whose properties the schema checks. */
  types: string[];
}

/**
 * The template schema covering `types` (all types in the database when `types` is 'all').
 * Deterministic: definitions and properties are sorted. With `used` (every key that occurs in one
 * template's resource properties, at any depth), a property whose name occurs nowhere is allowed
 * unchecked and its type is not built: the schema checks that template as the full one would, and
 * compiles in a fraction of the time (500 types hold 4,457 definitions in full).
 */
export function buildTemplateSchema(db: SpecDatabase, types: readonly string[] | 'all', specVersion: string, used?: ReadonlySet<string>): BuiltSchema {
  const b = new Builder(db, used);
  const names = types === 'all' ? db.all('resource').map((r) => r.cloudFormationType) : [...types];
  const sorted = [...new Set(names)].sort();
  const dispatch: Schema[] = [];
  for (const t of sorted) {
    let r: SpecResource;
    try {
      r = db.lookup('resource', 'cloudFormationType', 'equals', t).only();
    } catch {
      throw new Error(`resource type ${t} is not in @aws-cdk/aws-service-spec ${specVersion}`);
    }
    const name = `resource:${t}`;
    b.definitions[name] = b.resource(r);
    dispatch.push({ if: { properties: { Type: { const: t } }, required: ['Type'] }, then: ref(name) });
  }
  Object.assign(b.definitions, anatomy(dispatch));
  const definitions = Object.fromEntries(Object.keys(b.definitions).sort().map((k) => [k, b.definitions[k]]));
  const schema = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $comment: `Built from @aws-cdk/aws-service-spec ${specVersion}. Resource types: ${sorted.length}.`,
    title: 'AWS CloudFormation template',
    type: 'object',
    required: ['Resources'],
    additionalProperties: false,
    properties: {
      AWSTemplateFormatVersion: { enum: ['2010-09-09'] },
      Description: { type: 'string', maxLength: 1024 },
      Metadata: { type: 'object' },
      Transform: { type: ['string', 'array'], items: { type: 'string' } },
      Parameters: { type: 'object', propertyNames: { pattern: ALNUM_NAME }, additionalProperties: ref('parameter') },
      Rules: { type: 'object', propertyNames: { pattern: ALNUM_NAME } },
      Mappings: { type: 'object', propertyNames: { pattern: '^[a-zA-Z0-9]+$' }, additionalProperties: ref('mapping') },
      Conditions: { type: 'object', propertyNames: { pattern: ALNUM_NAME }, additionalProperties: ref('condition') },
      Resources: { type: 'object', minProperties: 1, propertyNames: { pattern: ALNUM_NAME }, additionalProperties: ref('resource') },
      Outputs: { type: 'object', propertyNames: { pattern: ALNUM_NAME }, additionalProperties: ref('output') },
      Hooks: { type: 'object' },
    },
    definitions,
  };
  return { schema, types: sorted };
}

/** `$id` of the definitions document in {@link standaloneSchemas}. */
export const DEFINITIONS_ID = 'urn:eks-nodegroup:template-definitions';

/**
 * The template schema as two documents for ajv standalone code: its definitions, with the
 * template's own rules as `template`, under an `$id`, and a root that only refers to them. Same
 * rules, same findings; what changes is the generated code. It keeps as an object literal every
 * schema it points into, and always the root: in one document the root carries every definition,
 * a 100 KB literal built each time the validator loads (~2.5 ms of a cold `gen`).
 */
export function standaloneSchemas(schema: Record<string, unknown>): { root: Record<string, unknown>; definitions: Record<string, unknown> } {
  const { $schema, $comment, title, definitions, ...template } = schema;
  if (hasOwn(definitions as object, 'template')) throw new Error('the schema already has a definition named "template"');
  return {
    root: { $schema, $comment, title, $ref: `${DEFINITIONS_ID}#/definitions/template` },
    definitions: { $schema, $id: DEFINITIONS_ID, definitions: { ...(definitions as Record<string, unknown>), template } },
  };
}

/** Attribute names (for Fn::GetAtt) of every resource type in the database, sorted. */
export function resourceAttributes(db: SpecDatabase): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const r of [...db.all('resource')].sort((a, b) => (a.cloudFormationType < b.cloudFormationType ? -1 : 1))) {
    out[r.cloudFormationType] = Object.keys(r.attributes).sort();
  }
  return out;
}

/** Ajv options shared by the build-time standalone compile and the run-time `--all-types` compile. */
export const AJV_OPTIONS = Object.freeze({
  allErrors: true,
  verbose: true,
  /** Findings carry their own messages (lib/validate/schema-errors.ts). */
  messages: false,
  /** One function per definition: smaller code, faster cold load. */
  inlineRefs: false,
  strict: false,
  code: { source: true, lines: false, optimize: true },
});
