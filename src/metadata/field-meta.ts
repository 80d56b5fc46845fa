/** Column types regista maps onto every database. */
export type FieldType =
  | 'integer' | 'bigint' | 'float' | 'decimal' | 'text' | 'varchar' | 'boolean'
  | 'date' | 'datetime' | 'json' | 'uuid' | 'enum';

/** Every column type, for validation of options. */
export const FIELD_TYPES: readonly FieldType[] = [
  'integer', 'bigint', 'float', 'decimal', 'text', 'varchar', 'boolean', 'date', 'datetime', 'json', 'uuid', 'enum',
];

/** A default: a constant, or a function called for every new row. */
export type FieldDefault = { kind: 'value'; value: unknown } | { kind: 'function'; fn: () => unknown };

/** The resolved description of one persisted field. Built once by discovery; read everywhere. */
export interface FieldMeta {
  /** Property name on the model class. */
  readonly property: string;
  /** Column name in the table. */
  readonly column: string;
  readonly type: FieldType;
  readonly nullable: boolean;
  readonly length?: number;
  readonly precision?: number;
  readonly scale?: number;
  readonly default?: FieldDefault;
  readonly unique: boolean;
  readonly index: boolean;
  /** Allowed values of an `enum` field. */
  readonly enumValues?: readonly string[];
  readonly primaryKey: boolean;
  /** Who makes the key when it is omitted: the database (`autoincrement`), regista (`uuid`) or nobody. */
  readonly generated: 'autoincrement' | 'uuid' | null;
  /** For a json field typed with a class: that class (documents are read back as its instances). */
  readonly jsonClass?: Function;
  /** A timestamp regista maintains: set at insert (`createdAt`), or at insert and every update (`updatedAt`). */
  readonly auto?: 'createdAt' | 'updatedAt';
  /** Description of the column (`comment` option). */
  readonly comment?: string;
  /** Former column names (`renamedFrom` option), for renames in schema plans. */
  readonly renamedFrom?: readonly string[];
}
