import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { lobkit } from '../helpers/cli.ts';
import { ROOT } from '../helpers/cli.ts';

/**
 * Docker cannot run on this machine, so the image is checked by reading it: its CMD (and the
 * compose service's command) must be a valid `lobkit record` invocation with the image's
 * environment and the mounted config, and everything the Dockerfile copies must exist.
 */

function dockerfile(): { env: Record<string, string>; entrypoint: string[]; cmd: string[]; copies: string[]; from: string[]; expose: string[] } {
  const text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  const out = { env: {} as Record<string, string>, entrypoint: [] as string[], cmd: [] as string[], copies: [] as string[], from: [] as string[], expose: [] as string[] };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#') || line === '') continue;
    const [op, ...rest] = line.split(/\s+/);
    const arg = rest.join(' ');
    if (op === 'ENV') for (const m of arg.matchAll(/(\w+)=(\S+)/g)) out.env[m[1]] = m[2];
    else if (op === 'ENTRYPOINT') out.entrypoint = JSON.parse(arg) as string[];
    else if (op === 'CMD') out.cmd = JSON.parse(arg) as string[];
    else if (op === 'COPY' && !arg.startsWith('--from')) out.copies.push(...rest.slice(0, -1));
    else if (op === 'FROM') out.from.push(rest[0]);
    else if (op === 'EXPOSE') out.expose.push(...rest);
  }
  return out;
}

test('Dockerfile: the image runs `lobkit record` from the mounted config; its CMD is valid with the image environment', () => {
  const d = dockerfile();
  assert.deepEqual(d.entrypoint, ['node', '/app/bin/lobkit.js']);
  assert.equal(d.cmd[0], 'record');
  for (const src of d.copies) assert.ok(existsSync(join(ROOT, src)), `COPY source ${src} exists`);
  assert.ok(d.from.every((f) => f.startsWith('node:20')), 'Node 20 base images');
  assert.deepEqual(d.expose, [d.env.LOBKIT_METRICS_PORT]);
  // Run the CMD here: the config path inside the image is the compose mount of deploy/record.yaml.
  const compose = parse(readFileSync(join(ROOT, 'compose.yaml'), 'utf8')) as { services: { recorder: { command: string[]; volumes: string[]; environment: Record<string, string>; ports: string[]; stop_grace_period: string; restart: string } } };
  const svc = compose.services.recorder;
  const cfgIndex = d.cmd.indexOf('--config') + 1;
  const inImage = d.cmd[cfgIndex];
  const mount = svc.volumes.find((v) => v.split(':')[1] === inImage);
  assert.ok(mount, `compose mounts a file at ${inImage}`);
  const local = join(ROOT, mount.split(':')[0]);
  assert.ok(existsSync(local), `${local} exists`);
  const args = [...d.cmd];
  args[cfgIndex] = local;
  const env = { ...d.env, ...svc.environment };
  const saved = { ...process.env };
  try {
    for (const k of Object.keys(process.env)) if (k.startsWith('LOBKIT_')) delete process.env[k];
    Object.assign(process.env, env, { LOBKIT_LOG_LEVEL: 'warn' });
    const r = lobkit([...args, '--check']);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as { out: string; metricsHost: string; metricsPort: number; streams: { venue: string }[] };
    assert.equal(s.out, '/data');
    assert.equal(s.metricsHost, '0.0.0.0', 'metrics reachable through the published port');
    assert.equal(s.metricsPort, 9464);
    assert.ok(s.streams.length >= 5, 'the example config records several venues');
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
});

test('compose.yaml: same command as the image, data volume, metrics published on loopback only, time to complete files on stop, restart policy', () => {
  const d = dockerfile();
  const compose = parse(readFileSync(join(ROOT, 'compose.yaml'), 'utf8')) as { services: { recorder: { command: string[]; volumes: string[]; ports: string[]; stop_grace_period: string; stop_signal: string; restart: string; environment: Record<string, string> } } };
  const svc = compose.services.recorder;
  assert.deepEqual(svc.command, d.cmd);
  assert.ok(svc.volumes.some((v) => v.split(':')[1] === svc.environment.LOBKIT_OUT), 'the output folder is a volume');
  assert.deepEqual(svc.ports, [`127.0.0.1:${d.env.LOBKIT_METRICS_PORT}:${svc.environment.LOBKIT_METRICS_PORT}`]);
  assert.equal(svc.stop_signal, 'SIGTERM');
  assert.ok(Number.parseInt(svc.stop_grace_period, 10) >= 10, 'at least 10 s to close connections and complete files');
  assert.equal(svc.restart, 'unless-stopped');
});
