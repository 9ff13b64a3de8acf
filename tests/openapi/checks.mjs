// The gateway's OpenAPI document as an API consumer meets it: Redocly's recommended rules (0 errors), then a TypeScript
// client generated from it by openapi-typescript, used for two calls and compiled with tsc --strict.
// Usage: node checks.mjs <openapi.json>. Prints each tool's output; exits non-zero when one fails.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const bin = name => join(here, 'node_modules', '.bin', name);
const document = process.argv[2];
const work = mkdtempSync(join(tmpdir(), 'vneid-openapi-'));

function run(name, args) {
  try {
    const output = execFileSync(bin(name), args, { cwd: here, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    console.log(`== ${name}: ok\n${output}`);
  } catch (failure) {
    console.log(`== ${name}: FAILED (exit ${failure.status})\n${failure.stdout ?? ''}${failure.stderr ?? ''}`);
    process.exit(1);
  }
}

run('redocly', ['lint', '--extends=recommended', '--format=stylish', document]);
run('openapi-typescript', [document, '--output', join(work, 'api.d.ts')]);
// A client's use of the generated types: a declaration's body and a status read's answer must type-check.
writeFileSync(join(work, 'client.ts'), `
import type { paths, components } from './api';
type Declare = paths['/api/v1/accounts']['post']['requestBody']['content']['application/json'];
type Status = paths['/api/v1/accounts/{idNumber}/status']['get']['responses'][200]['content']['application/json'];
type Problem = components['schemas']['ProblemDetails'];
const body: Declare = { idNumber: '001090012345', fullName: 'Nguyễn Văn An', dateOfBirth: '1990-05-15', gender: 'male', phone: null };
export function level(status: Status): string { return String(status.level); }
export function code(problem: Problem): unknown { return problem.title ?? body.idNumber; }
`);
run('tsc', ['--noEmit', '--strict', '--target', 'es2022', '--module', 'esnext', '--moduleResolution', 'bundler', join(work, 'client.ts')]);
console.log('openapi checks passed');
