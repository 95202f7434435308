import { BufferedTextOutput } from '../common/buffered-text-output';

/** Characters XML 1.0 does not allow at all; they are dropped rather than making the file unreadable. */
const NOT_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
const NEEDS_WORK = /[&<>\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

/** Escapes text content (attributes are never written, so quotes may stay). */
export function escapeXml(text: string): string {
  if (!NEEDS_WORK.test(text)) return text;
  return text.replace(NOT_XML_CHARS, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Cuts text to `max` characters as XSD counts them (code points, so no surrogate pair is split). */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const codePoints = Array.from(text);
  return codePoints.length <= max ? text : codePoints.slice(0, max).join('');
}

/** Indentation by depth: two spaces a level. */
const INDENTS: string[] = [];
export function indent(depth: number): string {
  return INDENTS[depth] ?? (INDENTS[depth] = '  '.repeat(depth));
}

/** Builds indented XML, handed to the stream in 64 KiB pieces (`BufferedTextOutput`). */
export class XmlOutput extends BufferedTextOutput {
  private level = 0;

  /** How deep the next element is: a writer building a whole element as one text indents it from here. */
  get depth(): number {
    return this.level;
  }

  raw(text: string): void {
    this.write(text);
  }

  open(name: string): void {
    this.raw(`${indent(this.level)}<${name}>\n`);
    this.level++;
  }

  close(name: string): void {
    this.level--;
    this.raw(`${indent(this.level)}</${name}>\n`);
  }

  /** A text element; `value` is written as is, so escape and cut before. */
  leaf(name: string, value: string): void {
    this.raw(`${indent(this.level)}<${name}>${value}</${name}>\n`);
  }

  /** A text element from free text: cut to the field's XSD length, then escaped. */
  text(name: string, value: string, maxLength: number): void {
    this.leaf(name, escapeXml(truncate(value, maxLength)));
  }

  optionalText(name: string, value: string | undefined, maxLength: number): void {
    if (value !== undefined) this.text(name, value, maxLength);
  }
}
