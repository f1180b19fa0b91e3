/**
 * User data per AMI family: the Fn::Sub text that hands kubelet the max pods looked up
 * for the deploy-time instance type, as the Fn::Sub variable `${MaxPods}`.
 * - AL2023: nodeadm NodeConfig `spec.kubelet.config.maxPods` (MIME part application/node.eks.aws).
 * - Bottlerocket: TOML `[settings.kubernetes] max-pods`.
 * - AL2: `/etc/eks/bootstrap.sh … --use-max-pods false --kubelet-extra-args '--max-pods=N'`.
 */
import { badOption, isRecord } from '../core';
import { escapeSub } from './cfn';
import type { AmiFamily, KubeletValue } from './options';

/** The Fn::Sub variable that carries max pods into the user data. */
export const MAX_PODS_VARIABLE = 'MaxPods';

/** Extra kubelet settings, sorted by key. */
type Extras = readonly (readonly [string, KubeletValue])[];

const MAX_PODS_KEYS: Record<AmiFamily, string> = { al2023: 'maxPods', bottlerocket: 'max-pods', al2: 'max-pods' };
const KEY_RULES: Record<AmiFamily, { re: RegExp; what: string }> = {
  al2023: { re: /^[A-Za-z][A-Za-z0-9]*$/, what: 'a KubeletConfiguration field name such as registryPullQPS' },
  bottlerocket: { re: /^[a-z][a-z0-9-]*$/, what: 'a settings.kubernetes key such as eviction-hard' },
  al2: { re: /^[a-z][a-z0-9-]*$/, what: 'a kubelet flag name without "--", such as node-labels' },
};

/**
 * Checks one extra kubelet setting for `family` (its value's type is the schema's): the key's
 * form, not max pods (the template sets it), a finite number, and for AL2 a value that is safe on
 * the bootstrap.sh command line.
 */
export function checkKubeletSetting(family: AmiFamily, key: string, value: KubeletValue): void {
  const rule = KEY_RULES[family];
  const option = `kubelet setting "${key}"`;
  if (!rule.re.test(key)) throw badOption(option, value, `for ${family}, ${rule.what}`, `kubelet.${key}`);
  if (key.toLowerCase().replace(/-/g, '') === 'maxpods') {
    throw badOption(option, value, 'any setting but max pods, which the template computes per type (set it for every type with maxPods.override / --max-pods-override)', `kubelet.${key}`);
  }
  if (typeof value === 'number' && !Number.isFinite(value)) throw badOption(option, value, 'a finite number', `kubelet.${key}`);
  if (family === 'al2' && !SHELL_SAFE.test(flagValue(value))) {
    throw badOption(option, value, 'for al2, letters, digits and _ . , : = / + % @ - only (the value goes into a shell command line)', `kubelet.${key}`);
  }
}

/** AL2023: nodeadm NodeConfig; extra settings go next to maxPods as JSON (valid YAML flow values). */
function al2023(extras: Extras): string {
  const config = [`      maxPods: \${${MAX_PODS_VARIABLE}}`, ...extras.map(([k, v]) => `      ${k}: ${escapeSub(JSON.stringify(v))}`)];
  return [
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="BOUNDARY"',
    '',
    '--BOUNDARY',
    'Content-Type: application/node.eks.aws',
    '',
    '---',
    'apiVersion: node.eks.aws/v1alpha1',
    'kind: NodeConfig',
    'spec:',
    '  cluster:',
    '    name: ${ClusterName}',
    '    apiServerEndpoint: ${ApiServerEndpoint}',
    '    certificateAuthority: ${CertificateAuthorityData}',
    '    cidr: ${ServiceCidr}',
    '  kubelet:',
    '    config:',
    ...config,
    '',
    '--BOUNDARY',
    'Content-Type: text/x-shellscript; charset="us-ascii"',
    '',
    '#!/bin/bash',
    '/opt/aws/bin/cfn-signal --exit-code $? \\',
    '         --stack  ${AWS::StackName} \\',
    '         --resource NodeGroup  \\',
    '         --region ${AWS::Region}',
    '',
    '--BOUNDARY--',
    '',
  ].join('\n');
}

function tomlValue(v: KubeletValue): string {
  if (Array.isArray(v)) return `[${v.map((x) => JSON.stringify(x)).join(', ')}]`;
  if (v !== null && typeof v === 'object') {
    return `{ ${Object.entries(v)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, x]) => `${JSON.stringify(k)} = ${JSON.stringify(x)}`)
      .join(', ')} }`;
  }
  return JSON.stringify(v);
}

/** Bottlerocket: TOML settings. */
function bottlerocket(extras: Extras): string {
  return [
    '[settings.kubernetes]',
    'cluster-name = "${ClusterName}"',
    'api-server = "${ApiServerEndpoint}"',
    'cluster-certificate = "${CertificateAuthorityData}"',
    `max-pods = \${${MAX_PODS_VARIABLE}}`,
    ...extras.map(([k, v]) => `${k} = ${escapeSub(tomlValue(v))}`),
    '',
  ].join('\n');
}

const SHELL_SAFE = /^[A-Za-z0-9_.,:=/+%@-]*$/;

/** A kubelet flag's value: lists comma-separated, maps as k=v pairs. */
function flagValue(v: KubeletValue): string {
  return Array.isArray(v)
    ? v.join(',')
    : v !== null && typeof v === 'object'
      ? Object.entries(v)
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([k, x]) => `${k}=${x}`)
          .join(',')
      : String(v);
}

/** AL2: bootstrap.sh with max pods in --kubelet-extra-args (automatic max pods off). */
function al2(extras: Extras): string {
  const flags = [`--max-pods=\${${MAX_PODS_VARIABLE}}`, ...extras.map(([k, v]) => `--${k}=${flagValue(v)}`)];
  return [
    '#!/bin/bash',
    'set -o xtrace',
    '/etc/eks/bootstrap.sh ${ClusterName} \\',
    '  --apiserver-endpoint ${ApiServerEndpoint} \\',
    '  --b64-cluster-ca ${CertificateAuthorityData} \\',
    '  --service-ipv4-cidr ${ServiceCidr} \\',
    '  --use-max-pods false \\',
    `  --kubelet-extra-args '${flags.join(' ')}'`,
    '/opt/aws/bin/cfn-signal --exit-code $? \\',
    '         --stack  ${AWS::StackName} \\',
    '         --resource NodeGroup  \\',
    '         --region ${AWS::Region}',
    '',
  ].join('\n');
}

/** The Fn::Sub text of the user data for `family`, with `${MaxPods}` where max pods goes (settings checked by checkKubeletSetting). */
export function userDataText(family: AmiFamily, extras: Extras = []): string {
  switch (family) {
    case 'al2023':
      return al2023(extras);
    case 'bottlerocket':
      return bottlerocket(extras);
    case 'al2':
      return al2(extras);
  }
}

/** The kubelet key that holds max pods in each family's user data (for readers and tests). */
export function maxPodsKey(family: AmiFamily): string {
  return MAX_PODS_KEYS[family];
}

/** The max pods a launch template's UserData (`Fn::Base64` over an `Fn::Sub` text, as written here) sets literally, if any. */
export function maxPodsWritten(userData: unknown): number | undefined {
  const b64 = isRecord(userData) ? userData['Fn::Base64'] : undefined;
  const sub = isRecord(b64) ? b64['Fn::Sub'] : b64;
  const text = Array.isArray(sub) ? sub[0] : sub;
  if (typeof text !== 'string') return undefined;
  // Indentation is [ \t]*: a line-anchored \s* ran over every blank line after each line start (quadratic).
  const m = /^[ \t]*maxPods:\s*(\d+)\s*$|^[ \t]*max-pods\s*=\s*(\d+)\s*$|--max-pods(?:=|\s+)(\d+)\b/m.exec(text);
  return m ? Number(m[1] ?? m[2] ?? m[3]) : undefined;
}
