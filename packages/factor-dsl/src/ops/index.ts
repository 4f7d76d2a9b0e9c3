/** The operator table and the fields of each source. */
export { type FieldSpec, lookupField, SOURCE_FIELDS } from './fields.js';
export {
  type ArgSpec,
  type ClockArg,
  type ConstArg,
  type EmitCtx,
  type IntArg,
  OP_FAMILIES,
  type OpFamily,
  type OpImpl,
  type OpSpec,
  type OpSyntax,
  SOURCE_KINDS,
  type SourceKind,
  type ValueArg,
  type ValueType,
} from './spec.js';
export { callableNames, getOperator, lookupCallable, OPERATORS } from './table.js';
