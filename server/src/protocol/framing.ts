// A strict check of LSP base-protocol framing in front of the JSON-RPC reader on stdio. Each frame
// is `Content-Length: <digits>\r\n` (other `Name: value` headers allowed) `\r\n` and that many
// bytes. Anything else — a length that is not a number, a header line that is not a header, a
// header block that never ends, an announced length above MAX_MESSAGE_BYTES, a frame that stops
// arriving — is a broken client: the guard reports it once, and the caller ends the session,
// because after a framing error no later byte can be trusted to start a message.
import { Transform, type TransformCallback } from 'node:stream';

/** The largest message orbit-ls accepts (64 MiB); a longer announced length is refused unread. */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
/** A header block longer than this has no end in sight (real ones are under 100 bytes). */
const MAX_HEADER_BYTES = 8 * 1024;
/** How long a started frame may wait for its next byte before the stream counts as wedged. */
const STALL_MS = 3000;

export interface FramingOptions {
  /** Called once with a sentence saying what was wrong; no bytes pass after it. */
  onError(message: string): void;
  maxMessageBytes?: number;
  stallMs?: number;
}

/** A pass-through stream that forwards well-formed frames unchanged and stops at the first bad one. */
export function framingGuard(options: FramingOptions): Transform {
  const maxMessage = options.maxMessageBytes ?? MAX_MESSAGE_BYTES;
  const stallMs = options.stallMs ?? STALL_MS;
  let header = Buffer.alloc(0);
  /** Body bytes still to come for the current frame; -1 while reading headers. */
  let bodyLeft = -1;
  let failed = false;
  let stall: NodeJS.Timeout | undefined;

  const fail = (message: string): void => {
    if (failed) return;
    failed = true;
    if (stall) clearTimeout(stall);
    options.onError(message);
  };
  const inFrame = (): boolean => header.length > 0 || bodyLeft > 0;
  const watch = (): void => {
    if (stall) clearTimeout(stall);
    stall = inFrame() && !failed ? setTimeout(() => fail(`the client stopped in the middle of a message for ${stallMs / 1000} s (${bodyLeft > 0 ? `${bodyLeft} announced byte(s) never arrived` : 'the header block never ended'})`), stallMs) : undefined;
    stall?.unref();
  };

  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      if (failed) return done();
      let at = 0;
      while (at < chunk.length && !failed) {
        if (bodyLeft > 0) {
          const take = Math.min(bodyLeft, chunk.length - at);
          this.push(chunk.subarray(at, at + take));
          bodyLeft -= take;
          at += take;
          if (bodyLeft === 0) bodyLeft = -1;
          continue;
        }
        // Reading headers: find the blank line that ends the block.
        const end = Buffer.concat([header, chunk.subarray(at)]).indexOf('\r\n\r\n');
        if (end < 0) {
          header = Buffer.concat([header, chunk.subarray(at)]);
          checkPartialHeader(header, fail, maxMessage);
          if (header.length > MAX_HEADER_BYTES) fail(`a header block of more than ${MAX_HEADER_BYTES} bytes without the blank line that ends it`);
          at = chunk.length;
          break;
        }
        const consumed = end + 4 - header.length;
        const block = Buffer.concat([header, chunk.subarray(at, at + consumed)]);
        header = Buffer.alloc(0);
        at += consumed;
        const length = parseHeaderBlock(block.subarray(0, block.length - 4).toString('ascii'), maxMessage);
        if (typeof length === 'string') {
          fail(length);
          break;
        }
        this.push(block);
        bodyLeft = length === 0 ? -1 : length;
      }
      watch();
      done();
    },
    flush(done: TransformCallback) {
      if (stall) clearTimeout(stall);
      if (!failed && inFrame()) fail(`the input ended in the middle of a message (${bodyLeft > 0 ? `${bodyLeft} announced byte(s) missing` : 'inside the header block'})`);
      done();
    },
  });
}

/** The announced body length, or a sentence saying what is wrong with the header block. */
export function parseHeaderBlock(block: string, maxMessage = MAX_MESSAGE_BYTES): number | string {
  let length: number | undefined;
  for (const line of block.split('\r\n')) {
    const match = /^([A-Za-z0-9-]+):[ \t]*(.*)$/.exec(line);
    if (!match) return `a header line that is not "Name: value": ${quote(line)}`;
    if (match[1].toLowerCase() !== 'content-length') continue;
    const value = match[2].trim();
    if (!/^\d{1,16}$/.test(value)) return `Content-Length is not a number: ${quote(value)}`;
    length = Number(value);
    if (length > maxMessage) return `an announced message of ${length} bytes, more than the limit of ${maxMessage} bytes`;
  }
  if (length === undefined) return `a header block without Content-Length: ${quote(block)}`;
  return length;
}

/**
 * Catches what is already certain before the block ends: a complete header line that is wrong
 * (e.g. a body sent without the blank line, or a huge length), so the session ends at once
 * instead of after the stall time-out.
 */
function checkPartialHeader(header: Buffer, fail: (message: string) => void, maxMessage: number): void {
  const text = header.toString('latin1');
  const lastBreak = text.lastIndexOf('\r\n');
  if (lastBreak >= 0) {
    const verdict = parseHeaderBlock(text.slice(0, lastBreak), maxMessage);
    if (typeof verdict === 'string' && !verdict.startsWith('a header block without Content-Length')) return fail(verdict);
  }
  // The unterminated last line can only become a header if it starts like one.
  const rest = text.slice(lastBreak < 0 ? 0 : lastBreak + 2, lastBreak + 2 + 64);
  if (rest.length > 0 && rest !== '\r' && !/^[A-Za-z0-9-]*(:.*)?$/s.test(rest)) fail(`a header line that is not "Name: value": ${quote(rest)}`);
}

function quote(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}
