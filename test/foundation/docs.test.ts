import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

/** A rule code as code comments and test names cite them (E4, S2, A6, …); not A07 (an A-melding form) or S3-compatible. */
const RULE_CODE = /\b[AES](?:[1-9]|1[0-9])\b(?!-)/g;
/** A file of this repository named in the docs. */
const REPO_PATH = /^(src|test|docs|bench|demo)\/[\w./-]+\.(ts|md|json)$/;

function filesUnder(folder: string): string[] {
  return readdirSync(path.join(root, folder)).flatMap((name) => {
    const relative = `${folder}/${name}`;
    return statSync(path.join(root, relative)).isDirectory() ? filesUnder(relative) : [relative];
  });
}

/** The anchor GitHub gives a Markdown heading. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

function anchorsOf(markdown: string): Set<string> {
  return new Set([...markdown.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1])));
}

const codeSpans = (line: string) => [...line.matchAll(/`([^`]+)`/g)].map((m) => m[1]);

/** A test's name as written in its file: quotes escaped in the source are compared unescaped. */
const unescaped = (source: string) => source.replace(/\\(['"`])/g, '$1');

interface RuleSection {
  code: string;
  heading: string;
  where: string[];
  tests: string[];
}

function ruleSections(markdown: string): RuleSection[] {
  const sections: RuleSection[] = [];
  for (const line of markdown.split('\n')) {
    const heading = /^### ([AES]\d{1,2}) (.+)$/.exec(line);
    if (heading) sections.push({ code: heading[1], heading: heading[2], where: [], tests: [] });
    else if (line.startsWith('- Where: ')) sections.at(-1)?.where.push(line);
    else if (line.startsWith('- Tests: ')) sections.at(-1)?.tests.push(line);
  }
  return sections;
}

describe('docs/rules.md', () => {
  const rules = read('docs/rules.md');
  const sections = ruleSections(rules);

  it('has one section for every rule code the code and the tests cite', () => {
    const cited = new Set<string>();
    for (const file of [...filesUnder('src'), ...filesUnder('test')].filter((f) => /\.(ts|md)$/.test(f))) {
      for (const match of read(file).matchAll(RULE_CODE)) cited.add(match[0]);
    }
    const documented = sections.map((s) => s.code);
    expect(documented.filter((code, i) => documented.indexOf(code) !== i)).toEqual([]);
    expect([...cited].filter((code) => !documented.includes(code)).sort()).toEqual([]);
  });

  it('says for every implemented rule where it is enforced and which test shows it', () => {
    const incomplete = sections
      .filter((s) => !/not yet implemented/.test(s.heading))
      .filter((s) => s.where.length === 0 || s.tests.length === 0)
      .map((s) => s.code);
    expect(incomplete).toEqual([]);
  });

  it('names files, functions and classes that exist, in the files named with them', () => {
    const problems: string[] = [];
    for (const section of sections) {
      for (const line of section.where) {
        const spans = codeSpans(line);
        const files = spans.filter((s) => REPO_PATH.test(s));
        const missingFiles = files.filter((f) => !existsSync(path.join(root, f)));
        for (const file of missingFiles) problems.push(`${section.code}: no file ${file}`);
        const sources = files.filter((f) => !missingFiles.includes(f)).map(read);
        for (const name of spans.filter((s) => !REPO_PATH.test(s))) {
          for (const part of name.split('.')) {
            if (!sources.some((source) => new RegExp(`\\b${part}\\b`).test(source))) problems.push(`${section.code}: ${part} is not in ${files.join(', ')}`);
          }
        }
        if (files.length === 0) problems.push(`${section.code}: a Where line names no file`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('names tests that exist, in the test files named before them', () => {
    const problems: string[] = [];
    for (const section of sections) {
      for (const line of section.tests) {
        let file: string | null = null;
        for (const span of codeSpans(line)) {
          if (REPO_PATH.test(span)) {
            file = existsSync(path.join(root, span)) ? span : null;
            if (!file) problems.push(`${section.code}: no file ${span}`);
          } else if (!file) {
            problems.push(`${section.code}: "${span}" follows no test file`);
          } else if (!unescaped(read(file)).includes(`${span}'`) && !unescaped(read(file)).includes(`${span}"`)) {
            problems.push(`${section.code}: no test "${span}" in ${file}`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('docs/architecture.md', () => {
  it('names files that exist and has its one Mermaid diagram', () => {
    const architecture = read('docs/architecture.md');
    const missing = architecture
      .split('\n')
      .flatMap(codeSpans)
      .filter((span) => REPO_PATH.test(span) && !existsSync(path.join(root, span)));
    expect(missing).toEqual([]);
    expect(architecture.match(/^```mermaid$/gm)).toHaveLength(1);
  });
});

describe('links between the docs', () => {
  it.each(['docs/rules.md', 'docs/architecture.md', 'docs/security.md', 'README.md'])('%s links only to files and headings that exist', (file) => {
    const text = read(file);
    const broken: string[] = [];
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target)) continue;
      const [linked, anchor] = target.split('#');
      const linkedFile = linked ? path.join(path.dirname(file), linked) : file;
      if (!existsSync(path.join(root, linkedFile))) broken.push(target);
      else if (anchor && !anchorsOf(read(linkedFile)).has(anchor)) broken.push(target);
    }
    expect(broken).toEqual([]);
  });
});
