/**
 * The package as users consume it: `import` and `require` of 'regista' (one module instance),
 * and models compiled by esbuild, which emits no decorator metadata.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { transformSync } from 'esbuild';
import { ConfigurationError } from 'regista';
import { uniqueTable, useTestDatabase } from './support/database';

// build/test/packaging.test.js -> repository root
const root = path.resolve(__dirname, '..', '..');

function runNode(args: string[]): string {
  return execFileSync(process.execPath, args, {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

describe('packaging', () => {
  test('ESM import and CJS require load the same module instance', () => {
    const script = `
      import * as esm from 'regista';
      import { connect, Model, model } from 'regista';
      import { createRequire } from 'node:module';
      const require = createRequire(process.cwd() + '/package.json');
      const cjs = require('regista');
      const esmNames = Object.keys(esm).filter((k) => k !== 'default').sort();
      const cjsNames = Object.keys(cjs).filter((k) => k !== '__esModule' && k !== 'default').sort();
      console.log(JSON.stringify({
        esmNames,
        cjsNames,
        mismatched: cjsNames.filter((k) => esm[k] !== cjs[k]),
        named: [typeof connect, typeof Model, typeof model],
        sameModel: Model === cjs.Model && model === cjs.model && connect === cjs.connect,
        cjsFile: require.resolve('regista'),
      }));
    `;
    const out = JSON.parse(runNode(['--input-type=module', '-e', script])) as {
      esmNames: string[];
      cjsNames: string[];
      mismatched: string[];
      named: string[];
      sameModel: boolean;
      cjsFile: string;
    };
    assert.deepEqual(out.named, ['function', 'function', 'function']);
    assert.ok(out.cjsNames.length > 0, 'the CJS build exports something');
    assert.deepEqual(out.esmNames, out.cjsNames, 'ESM and CJS export the same names');
    assert.deepEqual(out.mismatched, [], 'every ESM export is the very CJS object');
    assert.equal(out.sameModel, true);
    assert.equal(out.cjsFile, path.join(root, 'dist', 'cjs', 'index.js'));
  });

  test('CommonJS require works from a plain script', () => {
    const out = runNode([
      '-e',
      `const r = require('regista'); console.log(JSON.stringify([typeof r.connect, typeof r.Model, typeof r.model, require.resolve('regista')]));`,
    ]);
    assert.deepEqual(JSON.parse(out), ['function', 'function', 'function', path.join(root, 'dist', 'cjs', 'index.js')]);
  });

  test('the ESM entry is generated and the exports map points at it', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      exports: { '.': { import: string; require: string; types: string } };
    };
    for (const target of Object.values(pkg.exports['.'])) {
      assert.ok(fs.existsSync(path.join(root, target)), `${target} exists`);
    }
    const esm = fs.readFileSync(path.join(root, pkg.exports['.'].import), 'utf8');
    assert.match(esm, /from '\.\.\/cjs\/index\.js'/);
  });
});

describe('models compiled by esbuild (no decorator metadata)', () => {
  const db = useTestDatabase();
  const tmpDir = path.join(root, 'build', '.tmp');
  const written: string[] = [];

  /** Compiles TypeScript with esbuild (legacy decorators, no metadata) and requires the result. */
  function compileAndRequire(source: string): Record<string, unknown> {
    const { code } = transformSync(source, {
      loader: 'ts',
      format: 'cjs',
      target: 'node20',
      tsconfigRaw: { compilerOptions: { experimentalDecorators: true } },
    });
    assert.doesNotMatch(code, /design:type/, 'esbuild emits no decorator metadata');
    fs.mkdirSync(tmpDir, { recursive: true });
    // Inside the repository, so `require('regista')` resolves by package self-reference.
    const file = path.join(tmpDir, `esbuild-model-${process.pid}-${written.length}-${Date.now()}.js`);
    fs.writeFileSync(file, code);
    written.push(file);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(file) as Record<string, unknown>;
  }

  after(() => {
    for (const file of written) fs.rmSync(file, { force: true });
  });

  test('a model with explicit field types works', async () => {
    const table = uniqueTable('esb_thing');
    const mod = compileAndRequire(`
      import { Model, model, field, primaryKey } from 'regista';
      @model({ table: '${table}' })
      export class EsbuildThing extends Model<EsbuildThing>() {
        @primaryKey({ type: 'integer' }) id!: number;
        @field({ type: 'text' }) name!: string;
      }
    `);
    type Thing = { id: number; name: string };
    type Manager = { create(values: { name: string }): Promise<Thing>; get(id: number): Promise<Thing> };
    const Thing = mod.EsbuildThing as { objects: Manager };
    const created = await Thing.objects.create({ name: 'a' });
    assert.equal(typeof created.id, 'number');
    assert.equal(created.name, 'a');
    const fetched = await Thing.objects.get(created.id);
    assert.equal(fetched.id, created.id);
    assert.equal(fetched.name, 'a');
    // The compiled module shares this test's regista instance, so it wrote to the test database.
    const rows = (await db().knex(table).select('*')) as Array<{ id: number; name: string }>;
    assert.deepEqual(rows.map((r) => [Number(r.id), r.name]), [[created.id, 'a']]);
  });

  test('a field without an explicit type fails with a ConfigurationError naming the fix', async () => {
    const table = uniqueTable('esb_untyped');
    let error: unknown;
    try {
      // Whether the error comes when the class is decorated or when it is first used, it must come.
      const mod = compileAndRequire(`
        import { Model, model, field, primaryKey } from 'regista';
        @model({ table: '${table}' })
        export class UntypedThing extends Model<UntypedThing>() {
          @primaryKey({ type: 'integer' }) id!: number;
          @field() label!: string;
        }
      `);
      const Untyped = mod.UntypedThing as { objects: { create(values: { label: string }): Promise<unknown> } };
      await Untyped.objects.create({ label: 'x' });
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof ConfigurationError, `expected a ConfigurationError, got: ${String(error)}`);
    assert.equal(error.code, 1001);
    assert.match(error.message, /UntypedThing/, 'names the model');
    assert.match(error.message, /label/, 'names the field');
    assert.match(error.message, /type:/, 'shows the fix: an explicit type');
  });
});
