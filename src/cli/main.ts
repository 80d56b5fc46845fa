import { Command, Option } from 'commander';
import { connect, disconnectAll } from '../connection/connect';
import type { Database } from '../connection/database';
import { loadModules } from '../evolutions/load';
import { generateSchemaSql } from '../schema/generate-sql';
import { loadConfig, type CliConfig } from './config';
import { describeError, print, printJson, table } from './output';

interface GlobalOptions {
  url?: string;
  config?: string;
  verbose?: boolean;
  json?: boolean;
}

/**
 * The `regista` command: status, evolve, plan, apply, inspect and sql. Reads --url, then
 * DATABASE_URL, then the config file's url; loads the config's model and evolution modules.
 */
export function buildProgram(): Command {
  const program = new Command('regista')
    .description('regista: schema status, evolutions, plans and DDL for your models')
    .option('--url <url>', 'database URL (default: DATABASE_URL, then the config file)')
    .option('-c, --config <file>', 'config file (default: regista.config.{js,mjs,cjs,json})')
    .option('--verbose', 'show stack traces on errors')
    .showHelpAfterError();

  program.command('status').description('recorded and code versions of every evolution package')
    .option('--json', 'machine-readable output')
    .action((_opts: GlobalOptions, cmd: Command) => run(cmd, async (db) => {
      const status = await db.evolutionStatus();
      if (json(cmd)) return printJson(status);
      if (status.length === 0) return print('No evolution packages are defined.');
      print(table([['package', 'recorded', 'code', 'pending', 'state'], ...status.map((s) => [
        s.package, s.recorded === null ? '-' : String(s.recorded), String(s.current), s.pending.join(', ') || '-', s.state,
      ])]));
    }));

  program.command('evolve').description('apply pending evolution steps (dependencies first)')
    .argument('[packages...]', 'packages to evolve (default: all)')
    .option('--dry-run', 'list the steps without running them')
    .option('--json', 'machine-readable output')
    .action((packages: string[], opts: { dryRun?: boolean }, cmd: Command) => run(cmd, async (db) => {
      const quiet = json(cmd);
      const steps = await db.evolve({
        packages, dryRun: opts.dryRun,
        onProgress: quiet ? undefined : (e) => {
          const what = e.kind === 'create' ? `create (v${e.version})` : `step ${e.version}`;
          if (e.phase === 'start') process.stdout.write(`→ ${e.package} ${what} ... `);
          else process.stdout.write(`done (${Math.round(e.durationMs ?? 0)} ms)\n`);
        },
      });
      if (quiet) return printJson({ dryRun: opts.dryRun === true, steps });
      if (opts.dryRun) {
        return print(steps.length === 0 ? 'Nothing to do.' : steps.map((s) => `would run ${s.package} ${s.kind === 'create' ? `create (v${s.version})` : `step ${s.version}`}`).join('\n'));
      }
      print(steps.length === 0 ? 'Everything is up to date.' : `Applied ${steps.length} step${steps.length === 1 ? '' : 's'}.`);
    }));

  program.command('plan').description('compare the models with the database and show the changes')
    .option('--allow-destructive', 'include destructive operations')
    .option('--json', 'machine-readable output')
    .action((opts: { allowDestructive?: boolean }, cmd: Command) => run(cmd, async (db) => {
      const plan = await db.plan({ allowDestructive: opts.allowDestructive === true });
      if (json(cmd)) return printJson(plan);
      print(plan.toString());
    }));

  program.command('apply').description('apply the plan (additive only unless --allow-destructive)')
    .option('--allow-destructive', 'also apply destructive operations')
    .option('--json', 'machine-readable output')
    .action((opts: { allowDestructive?: boolean }, cmd: Command) => run(cmd, async (db) => {
      const plan = await db.plan({ allowDestructive: opts.allowDestructive === true });
      if (!json(cmd)) print(plan.toString());
      const result = await plan.apply();
      if (json(cmd)) return printJson({ plan, result });
      print('Applied.');
    }));

  program.command('inspect').description('read the database catalog')
    .option('--json', 'machine-readable output')
    .action((_opts: GlobalOptions, cmd: Command) => run(cmd, async (db) => {
      const catalog = await db.inspect();
      if (json(cmd)) return printJson(catalog);
      if (catalog.tables.length === 0) return print(`No tables in ${catalog.schema}.`);
      for (const t of catalog.tables) {
        print(`${t.name}`, ...t.columns.map((c) => `  ${c.name} ${c.type}${c.nullable ? '' : ' not null'}${c.autoincrement ? ' autoincrement' : ''}${c.default !== null ? ` default ${c.default}` : ''}`));
      }
    }));

  program.command('sql').description('print the CREATE script of the models, without a connection')
    .addOption(new Option('--dialect <dialect>', 'database to write for').choices(['sqlite', 'postgres']).makeOptionMandatory())
    .action((opts: { dialect: 'sqlite' | 'postgres' }, cmd: Command) => run(cmd, async () => {
      print(generateSchemaSql(undefined, { dialect: opts.dialect }));
    }, { connect: false }));

  return program;
}

function json(cmd: Command): boolean {
  return (cmd.opts() as GlobalOptions).json === true;
}

async function run(cmd: Command, body: (db: Database) => Promise<void>, options: { connect?: boolean } = {}): Promise<void> {
  const global = cmd.optsWithGlobals() as GlobalOptions;
  try {
    const { config, dir } = await loadConfig(process.cwd(), global.config);
    await loadProject(config, dir);
    if (options.connect === false) return await body(undefined as unknown as Database);
    const url = global.url ?? process.env.DATABASE_URL ?? config.url;
    const db = url ? connect(url, { schema: config.schema, driver: config.driver }) : connect(process.env.DATABASE_URL ?? 'sqlite://./regista.sqlite');
    try {
      await body(db);
    } finally {
      await disconnectAll();
    }
  } catch (error) {
    process.stderr.write(`${describeError(error, global.verbose === true)}\n`);
    process.exitCode = 1;
  }
}

async function loadProject(config: CliConfig, dir: string): Promise<void> {
  await loadModules(config.models ?? [], dir);
  await loadModules(config.evolutions ?? [], dir);
}

/** Runs the CLI with process arguments. */
export async function main(argv: readonly string[] = process.argv): Promise<void> {
  await buildProgram().parseAsync([...argv]);
}
