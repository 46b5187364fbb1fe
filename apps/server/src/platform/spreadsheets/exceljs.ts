// exceljs, with its streaming XML reader fixed for multi-byte text.
//
// exceljs 4.4.0 decodes every chunk of the unzipped XML on its own, so a
// Chinese character split across two chunks comes back as "\uFFFD" (exceljs
// issue #2084): in a 100 000-row ledger that broke 87 rows. Here the
// module that feeds the parser is replaced by one that decodes with a
// StringDecoder, which carries a split character over to the next chunk,
// before exceljs is loaded. Import ExcelJS from this file, never from
// 'exceljs' directly, in code that reads files.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type ExcelJSType from 'exceljs';
import type { SaxesParser as SaxesParserType } from 'saxes';

const require = createRequire(import.meta.url);
const main = require.resolve('exceljs');
const root = dirname(main);
const parseSaxPath = require.resolve('exceljs/lib/utils/parse-sax.js');
const fromExceljs = createRequire(parseSaxPath);
const { SaxesParser } = fromExceljs('saxes') as { SaxesParser: typeof SaxesParserType };

type SaxEvent = { eventType: 'opentag' | 'text' | 'closetag'; value: unknown };

async function* parseSax(iterable: AsyncIterable<Buffer | string>): AsyncGenerator<SaxEvent[]> {
  const parser = new SaxesParser();
  const decoder = new StringDecoder('utf8');
  let error: Error | undefined;
  let events: SaxEvent[] = [];
  parser.on('error', (err) => (error = err));
  parser.on('opentag', (value) => events.push({ eventType: 'opentag', value }));
  parser.on('text', (value) => events.push({ eventType: 'text', value }));
  parser.on('closetag', (value) => events.push({ eventType: 'closetag', value }));
  for await (const chunk of iterable) {
    parser.write(typeof chunk === 'string' ? chunk : decoder.write(chunk));
    if (error) throw error;
    yield events;
    events = [];
  }
  const rest = decoder.end();
  if (rest) {
    parser.write(rest);
    if (error) throw error;
    yield events;
  }
}

// Load a fresh exceljs whose modules all see the fixed parser.
for (const key of Object.keys(require.cache))
  if (key.startsWith(`${root}/`)) delete require.cache[key];
require(parseSaxPath); // create the cache entry, then replace what it exports
require.cache[parseSaxPath]!.exports = parseSax;
const ExcelJS = require('exceljs') as typeof ExcelJSType;

export default ExcelJS;
