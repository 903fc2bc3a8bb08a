/**
 * A strict XML 1.0 reader for what the JUnit formatter may write (declaration, elements, attributes, text,
 * the five entities and character references). Anything else, a character XML forbids, a mismatched tag or a
 * duplicate attribute throws, so the formatter cannot emit something a CI system would reject.
 */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME = /^[A-Za-z_:][A-Za-z0-9_.:-]*/;
// Characters XML 1.0 allows (tab, LF, CR, and the rest above 0x1F except surrogate halves and FFFE/FFFF).
const ALLOWED = /^[\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]*$/u;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(raw: string, where: number): string {
  return raw.replace(/&([^;]*);|&/g, (m, ref: string | undefined) => {
    if (ref === undefined) throw new Error(`XML: bare & near ${where}`);
    if (ref in ENTITIES) return ENTITIES[ref]!;
    const n = /^#x([0-9a-fA-F]+)$/.exec(ref) ?? /^#([0-9]+)$/.exec(ref);
    if (!n) throw new Error(`XML: unknown entity ${m} near ${where}`);
    const cp = parseInt(n[1]!, ref.startsWith('#x') ? 16 : 10);
    const ch = String.fromCodePoint(cp);
    if (!ALLOWED.test(ch)) throw new Error(`XML: reference to a forbidden character ${m}`);
    return ch;
  });
}

export function parseXml(text: string): XmlElement {
  if (!ALLOWED.test(text)) throw new Error('XML: forbidden character in document');
  let i = 0;
  const decl = /^<\?xml version="1\.0" encoding="UTF-8"\?>\n/.exec(text);
  if (decl) i = decl[0].length;
  const skipSpace = (): void => {
    while (i < text.length && /[ \t\r\n]/.test(text[i]!)) i++;
  };
  const name = (): string => {
    const m = NAME.exec(text.slice(i, i + 200));
    if (!m) throw new Error(`XML: name expected at ${i}`);
    i += m[0].length;
    return m[0];
  };
  function element(): XmlElement {
    if (text[i] !== '<') throw new Error(`XML: < expected at ${i}`);
    i++;
    const el: XmlElement = { name: name(), attributes: {}, children: [], text: '' };
    for (;;) {
      const before = i;
      skipSpace();
      if (text.startsWith('/>', i)) {
        i += 2;
        return el;
      }
      if (text[i] === '>') {
        i++;
        break;
      }
      if (i === before) throw new Error(`XML: space expected before attribute at ${i}`);
      const attr = name();
      if (attr in el.attributes) throw new Error(`XML: duplicate attribute ${attr}`);
      if (text[i] !== '=' || text[i + 1] !== '"') throw new Error(`XML: ="…" expected at ${i}`);
      const end = text.indexOf('"', i + 2);
      if (end < 0) throw new Error('XML: unterminated attribute');
      const raw = text.slice(i + 2, end);
      if (raw.includes('<')) throw new Error(`XML: < in attribute ${attr}`);
      // A parser normalises raw tabs and line breaks in attributes to spaces: the value would not survive.
      if (/[\t\n\r]/.test(raw)) throw new Error(`XML: raw whitespace control in attribute ${attr}`);
      el.attributes[attr] = decode(raw, i);
      i = end + 1;
    }
    for (;;) {
      const lt = text.indexOf('<', i);
      if (lt < 0) throw new Error(`XML: unclosed <${el.name}>`);
      const raw = text.slice(i, lt);
      if (raw.includes(']]>')) throw new Error('XML: ]]> in text');
      if (raw.includes('\r')) throw new Error('XML: raw CR in text would be normalised to LF');
      el.text += decode(raw, i);
      i = lt;
      if (text.startsWith('</', i)) {
        i += 2;
        const closing = name();
        if (closing !== el.name) throw new Error(`XML: </${closing}> closes <${el.name}>`);
        skipSpace();
        if (text[i] !== '>') throw new Error(`XML: > expected at ${i}`);
        i++;
        return el;
      }
      if (text.startsWith('<!', i) || text.startsWith('<?', i)) throw new Error(`XML: unexpected markup at ${i}`);
      el.children.push(element());
    }
  }
  const root = element();
  skipSpace();
  if (i !== text.length) throw new Error(`XML: content after the root element at ${i}`);
  return root;
}
