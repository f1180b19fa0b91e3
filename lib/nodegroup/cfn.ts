/**
 * Plain-object CloudFormation types. Resource property shapes come from cloudform-types, imported
 * as TYPES only (no run-time cost); its IntrinsicFunction class is replaced by the long-form
 * objects this project writes (`{ Ref: X }`, `{ 'Fn::Sub': … }`), which lib/yaml turns into tags.
 */
import type { IntrinsicFunction } from 'cloudform-types/types/dataTypes';

/** A long-form intrinsic function: one key naming the function. */
export type Intrinsic =
  | { Ref: string }
  | { Condition: string }
  | { 'Fn::GetAtt': [string, string] }
  | { 'Fn::Sub': string | [string, Record<string, unknown>] }
  | { 'Fn::Base64': unknown }
  | { 'Fn::If': [string, unknown, unknown] }
  | { 'Fn::Equals': [unknown, unknown] }
  | { 'Fn::Not': [unknown] }
  | { 'Fn::Or': unknown[] }
  | { 'Fn::FindInMap': unknown[] }
  | { 'Fn::Select': [number | Intrinsic, unknown] }
  | { 'Fn::Split': [string, unknown] }
  | { 'Fn::Join': [string, unknown] };

/** `T` with every cloudform-types IntrinsicFunction replaced by a plain `Intrinsic`. */
export type Cfn<T> = T extends IntrinsicFunction
  ? Intrinsic
  : T extends readonly (infer U)[]
    ? Cfn<U>[]
    : T extends object
      ? { [K in keyof T]: Cfn<T[K]> }
      : T;

/** A resource as it appears under `Resources`. */
export interface Resource<P = Record<string, unknown>> {
  Type: string;
  Condition?: string;
  DependsOn?: string | string[];
  Properties: P;
  UpdatePolicy?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}

export interface Parameter {
  Type: string;
  Description?: string;
  Default?: string | number;
  AllowedValues?: (string | number)[];
  AllowedPattern?: string;
  ConstraintDescription?: string;
  MinValue?: number;
  MaxValue?: number;
}

export interface Template {
  AWSTemplateFormatVersion: '2010-09-09';
  Transform?: string;
  Description: string;
  Metadata: Record<string, unknown>;
  Parameters: Record<string, Parameter>;
  Mappings: Record<string, Record<string, Record<string, unknown>>>;
  Conditions: Record<string, Intrinsic>;
  Resources: Record<string, Resource<unknown>>;
  Outputs: Record<string, { Description: string; Value: unknown }>;
}

export const ref = (name: string): Intrinsic => ({ Ref: name });
export const getAtt = (resource: string, attribute: string): Intrinsic => ({ 'Fn::GetAtt': [resource, attribute] });
/** Fn::Sub with a string only (cloudform-types' Fn.Sub emits `[s, null]`, which CloudFormation rejects). */
export const sub = (text: string): Intrinsic => ({ 'Fn::Sub': text });

/** Escapes `${` so Fn::Sub keeps user text literally (`${!` is Fn::Sub's escape). */
export function escapeSub(text: string): string {
  return text.replace(/\$\{/g, '${!');
}
