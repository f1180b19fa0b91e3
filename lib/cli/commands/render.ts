import * as path from 'node:path';
import { assertBodySize, EksNodegroupError, hasOwn, setOwn } from '../../core';
import { templateMaxPods } from '../../nodegroup/layout';
import { mixedOverrides } from '../../nodegroup/mixed';
import { maxPodsFromUserData, renderTemplate, RenderError, userDataOf, type ParameterValue, type RenderOptions } from '../../render';
import { architectureOf, getInstanceType } from '../../instance-types';
import { readTextFile } from '../files';
import { parseTemplateWithSource, toYaml } from '../../yaml';
import { parseFlags } from '../args';
import type { CliIO, Command } from '../io';

const usage = 'eks-nodegroup render FILE [-p Key=Value …] [--user-data] [--json] [--region R] [--ssm PATH=VALUE …]';

/** `Key=Value` pairs of a repeatable flag; a key given twice or a pair without `=` is an error. */
function pairs(flag: string, values: unknown, what: string, example: string): Record<string, string> {
  const out: Record<string, string> = {};
  const list = values === undefined ? [] : Array.isArray(values) ? values : [values];
  for (const raw of list) {
    const s = String(raw);
    const eq = s.indexOf('=');
    if (eq < 1) {
      throw new EksNodegroupError('BAD_USAGE', `${flag} ${JSON.stringify(s)}: expected ${what}=VALUE (e.g. ${flag} ${example})\nusage: ${usage}`);
    }
    const key = s.slice(0, eq);
    if (hasOwn(out, key)) {
      throw new EksNodegroupError('BAD_USAGE', `${flag} ${key} is given twice (${JSON.stringify(out[key])} and ${JSON.stringify(s.slice(eq + 1))}); give it once`);
    }
    setOwn(out, key, s.slice(eq + 1));
  }
  return out;
}

/**
 * When a render fails on NodeInstanceType: an unknown type, the known types closest to it; a known
 * type the template does not hold, why gen may have left it out.
 */
function instanceTypeHint(value: ParameterValue | undefined, template: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    getInstanceType(value);
  } catch (e) {
    return e instanceof EksNodegroupError ? `NodeInstanceType: ${e.message}` : undefined;
  }
  if (templateMaxPods(template)?.has(value) !== false) return undefined;
  if (architectureOf(value) === undefined) {
    return `NodeInstanceType: ${value} is a known type, but this template holds no max pods for it: gen leaves out types whose CPU architecture the instance data does not know (refresh the data with "eks-nodegroup refresh-data", then generate again)`;
  }
  return `NodeInstanceType: ${value} is a known type, but this template holds no max pods for it; generate a template that offers it (gen -t ${value})`;
}

export const command: Command = {
  usage,
  help: `usage: ${usage}

Resolves a CloudFormation template for one set of parameter values, as CloudFormation would
when it creates the stack: parameters (Default, AllowedValues, AllowedPattern, Number and list
types), pseudo parameters, Conditions, Ref, Fn::If, Fn::FindInMap (with AWS::LanguageExtensions),
Fn::Select/Split/Join/Sub/Base64/GetAZs/Length/ToJsonString/Cidr. What only a live stack knows
becomes a placeholder: <Resource> for Ref, <Resource.Attribute> for Fn::GetAtt, <ssm:PATH> for an
SSM parameter value.

  -p, --parameter Key=Value  a parameter value (repeat; lists comma-separated: Subnets=subnet-a,subnet-b)
  --user-data                print the decoded user data of the launch template(s) instead
  --json                     print JSON (with --user-data: each user data with the max pods it sets)
  --region R                 AWS::Region (default us-east-1; AWS::Partition and AWS::URLSuffix follow)
  --account-id ID            AWS::AccountId (default 123456789012)
  --stack-name NAME          AWS::StackName (default eks-nodegroup)
  --ssm PATH=VALUE           the value of an SSM parameter (repeat), e.g. the AMI ID behind
                             /aws/service/eks/optimized-ami/…/image_id

Exit codes: 0 rendered; 2 unreadable or unparsable file, missing, unknown or invalid parameters,
or a template CloudFormation would refuse for these values (e.g. a Fn::FindInMap key not found).
`,
  run(args: string[], io: CliIO): number {
    const { values, positionals } = parseFlags(
      args,
      {
        parameter: { type: 'string', short: 'p', multiple: true },
        'user-data': { type: 'boolean' },
        json: { type: 'boolean' },
        region: { type: 'string' },
        'account-id': { type: 'string' },
        'stack-name': { type: 'string' },
        ssm: { type: 'string', multiple: true },
      },
      usage,
    );
    if (positionals.length !== 1) {
      throw new EksNodegroupError(
        'BAD_USAGE',
        `${positionals.length === 0 ? 'name the template file to render' : `give one template file, not ${positionals.length} (${positionals.join(' ')})`}\nusage: ${usage}`,
      );
    }
    const file = positionals[0];
    const parameters: Record<string, ParameterValue> = pairs('-p', values.parameter, 'Key', 'ClusterName=my-cluster');
    const options: RenderOptions = {};
    if (values.region !== undefined) {
      const r = String(values.region);
      if (!/^[a-z]{2,}(-[a-z]+)+-\d+$/.test(r)) {
        throw new EksNodegroupError('BAD_OPTION', `invalid value for --region: ${JSON.stringify(r)} (allowed: an AWS region name such as us-east-1 or eu-west-2)`);
      }
      options.region = r;
    }
    if (values['account-id'] !== undefined) {
      const a = String(values['account-id']);
      if (!/^\d{12}$/.test(a)) throw new EksNodegroupError('BAD_OPTION', `invalid value for --account-id: ${JSON.stringify(a)} (allowed: 12 digits)`);
      options.accountId = a;
    }
    if (values['stack-name'] !== undefined) {
      const n = String(values['stack-name']);
      if (!/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(n)) {
        throw new EksNodegroupError('BAD_OPTION', `invalid value for --stack-name: ${JSON.stringify(n)} (allowed: a letter, then letters, digits and hyphens, at most 128)`);
      }
      options.stackName = n;
    }
    const ssm = pairs('--ssm', values.ssm, 'PATH', '/aws/service/eks/optimized-ami/1.36/amazon-linux-2023/x86_64/standard/recommended/image_id=ami-0123');
    if (Object.keys(ssm).length) options.ssmParameters = ssm;

    const full = path.resolve(io.cwd ?? process.cwd(), file);
    const text = readTextFile(full, undefined, file);
    assertBodySize(text, file);
    const parsed = parseTemplateWithSource(text, file);
    const place = (pointer: string): string => {
      const at = parsed.locate(pointer);
      return `${file}${at ? `:${at.line}:${at.col}` : ''}`;
    };
    options.onWarning = (message, pointer) => io.stderr.write(`${place(pointer)}: warning: ${message}\n`);
    let rendered;
    try {
      rendered = renderTemplate(parsed.template, parameters, options);
    } catch (e) {
      if (e instanceof RenderError && e.pointer) {
        const hint = instanceTypeHint(parameters.NodeInstanceType, parsed.template);
        throw new EksNodegroupError(e.code, `${place(e.pointer)}: ${e.message}${hint ? `\n${hint}` : ''}`, e.exitCode);
      }
      if (e instanceof EksNodegroupError) throw new EksNodegroupError(e.code, `${file}: ${e.message.replace(/^template: /, '')}`, e.exitCode);
      throw e;
    }
    if (!values['user-data']) {
      io.stdout.write(values.json ? JSON.stringify(rendered, null, 2) + '\n' : toYaml(rendered));
      return 0;
    }
    const entries = userDataOf(rendered);
    if (entries.length === 0) {
      throw new EksNodegroupError(
        'BAD_INPUT',
        `${file}: no user data to show: no AWS::EC2::LaunchTemplate, AWS::AutoScaling::LaunchConfiguration or AWS::EC2::Instance with UserData is created with these parameters`,
      );
    }
    // A mixed-instances group: which instance types launch with each launch template, and their image.
    const typesOf = new Map<string, string[]>();
    for (const o of mixedOverrides(parsed.template)) if (o.launchTemplate) typesOf.set(o.launchTemplate, [...(typesOf.get(o.launchTemplate) ?? []), o.instanceType]);
    const imageOf = (id: string): unknown => (rendered.Resources[id]?.Properties as { LaunchTemplateData?: { ImageId?: unknown } } | undefined)?.LaunchTemplateData?.ImageId;
    if (values.json) {
      const out = entries.map((u) => ({ ...u, maxPods: maxPodsFromUserData(u.text), ...(typesOf.has(u.logicalId) ? { instanceTypes: typesOf.get(u.logicalId), imageId: imageOf(u.logicalId) } : {}) }));
      io.stdout.write(JSON.stringify(out, null, 2) + '\n');
    } else if (typesOf.size) {
      io.stdout.write(
        entries
          .map((u) => {
            const types = typesOf.get(u.logicalId);
            const what = types ? ` for ${types.join(', ')}: maxPods ${maxPodsFromUserData(u.text).maxPods ?? 'not set'}, image ${String(imageOf(u.logicalId))}` : '';
            return `# ==== ${u.logicalId} (${u.type})${what} ====\n${u.text.endsWith('\n') ? u.text : u.text + '\n'}`;
          })
          .join(''),
      );
    } else if (entries.length === 1) {
      const t = entries[0].text;
      io.stdout.write(t.endsWith('\n') ? t : t + '\n');
    } else {
      io.stdout.write(
        entries.map((u) => `# ==== ${u.logicalId} (${u.type}) ====\n${u.text.endsWith('\n') ? u.text : u.text + '\n'}`).join(''),
      );
    }
    return 0;
  },
};
