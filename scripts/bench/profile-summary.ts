// Profiling aid (not part of npm run bench): what a .cpuprofile written by profile-host.ts spends its samples on.
// Usage: tsx scripts/bench/profile-summary.ts <file.cpuprofile> [top=25] [pattern...]
// Prints self-time shares by function and by package (node_modules/<name>, our src/ folder, node: internals),
// and the inclusive share of every function whose "name file" matches one of the patterns (a regular expression).
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
}

const [file, topArg = '25', ...patterns] = process.argv.slice(2);
if (!file) throw new Error('usage: profile-summary.ts <file.cpuprofile> [top] [pattern...]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const total = profile.nodes.reduce((sum, node) => sum + (node.hitCount ?? 0), 0);
const idle = profile.nodes.filter((node) => node.callFrame.functionName === '(idle)').reduce((sum, node) => sum + (node.hitCount ?? 0), 0);
const busy = total - idle;

const packageOf = (url: string): string => {
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inModules) return inModules[1] ?? url;
  const inSrc = /\/(src\/[^/]+|scripts\/[^/]+|test\/[^/]+)/.exec(url);
  if (inSrc) return inSrc[1] ?? url;
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  return url ? url : '(native)';
};
const nameOf = (node: ProfileNode): string => {
  const { functionName, url, lineNumber } = node.callFrame;
  return `${functionName || '(anonymous)'} ${url.replace(/^.*\/(node_modules|src|scripts|test)\//, '$1/')}:${lineNumber + 1}`;
};
const pct = (n: number): string => `${((100 * n) / busy).toFixed(1)}%`;
const top = (counts: Map<string, number>, n: number): [string, number][] => [...counts].sort((a, b) => b[1] - a[1]).slice(0, n);

const selfByFunction = new Map<string, number>();
const selfByPackage = new Map<string, number>();
for (const node of profile.nodes) {
  const hits = node.hitCount ?? 0;
  if (!hits || node.callFrame.functionName === '(idle)') continue;
  selfByFunction.set(nameOf(node), (selfByFunction.get(nameOf(node)) ?? 0) + hits);
  const pkg = packageOf(node.callFrame.url);
  selfByPackage.set(pkg, (selfByPackage.get(pkg) ?? 0) + hits);
}
console.log(`${file}: ${total} samples, ${busy} busy (${((100 * busy) / total).toFixed(0)}% of all); shares below are of busy samples`);
console.log('\nself time by package:');
for (const [name, hits] of top(selfByPackage, 15)) console.log(`  ${pct(hits).padStart(6)}  ${name}`);
console.log('\nself time by function:');
for (const [name, hits] of top(selfByFunction, Number(topArg))) console.log(`  ${pct(hits).padStart(6)}  ${name}`);

if (patterns.length > 0) {
  // Inclusive: the samples under any frame matching, each sample counted once however deep the match recurs.
  const matchers = patterns.map((pattern) => new RegExp(pattern));
  const inclusive = new Map<string, number>();
  const walk = (node: ProfileNode, inside: Set<string>): void => {
    const name = nameOf(node);
    const here = new Set(inside);
    for (const matcher of matchers) if (matcher.test(name)) here.add(matcher.source);
    for (const key of here) inclusive.set(key, (inclusive.get(key) ?? 0) + (node.hitCount ?? 0));
    for (const child of node.children ?? []) {
      const next = byId.get(child);
      if (next) walk(next, here);
    }
  };
  const root = profile.nodes[0];
  if (root) walk(root, new Set());
  console.log('\ninclusive time of frames matching:');
  for (const matcher of matchers) console.log(`  ${pct(inclusive.get(matcher.source) ?? 0).padStart(6)}  /${matcher.source}/`);
}
