// A restricted unpickler: it builds plain values (numbers, strings, bytes, lists, tuples as arrays,
// dicts as Maps) and never runs anything. Globals are looked up in the caller's allow-list; calls
// (REDUCE) run only the JavaScript functions that list provides.
import {
  latin1,
  littleEndianInt,
  parseFloatLine,
  parseIntLine,
  parseMemoIndex,
  unescapeRawUnicode,
  unquoteString,
} from './pickle-literals.js';
import { Op } from './pickle-opcodes.js';

/** A Python callable the allow-list implements in JavaScript. */
export class PickleCallable {
  constructor(
    readonly qualifiedName: string,
    readonly call: (args: unknown[]) => unknown,
  ) {}
}

export interface PickleHooks {
  /** The value a global stands for; throws for globals that are not allowed. */
  resolveGlobal(module: string, name: string): unknown;
  /** The value of a persistent id (BINPERSID). */
  persistentLoad(pid: unknown): unknown;
  /** BUILD's state applied to an object, or a throw where that is not allowed. */
  build(target: unknown, state: unknown): void;
  /** Throws the caller's error for a pickle that cannot be read. */
  fail(problem: string): never;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Reads a pickle (protocols 0–5, as far as plain data goes) and returns the object it builds. */
export function unpickle(bytes: Uint8Array, hooks: PickleHooks): unknown {
  return new Unpickler(bytes, hooks).load();
}

class Unpickler {
  private position = 0;
  private readonly view: DataView;
  private stack: unknown[] = [];
  private readonly marks: unknown[][] = [];
  private readonly memo = new Map<number, unknown>();

  constructor(
    private readonly bytes: Uint8Array,
    private readonly hooks: PickleHooks,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  load(): unknown {
    for (;;) {
      const opcode = this.take(1)[0]!;
      if (opcode === Op.STOP) return this.pop();
      this.step(opcode);
    }
  }

  private step(opcode: number): void {
    const { hooks } = this;
    switch (opcode) {
      case Op.PROTO: {
        const protocol = this.take(1)[0]!;
        if (protocol > 5) hooks.fail(`it uses pickle protocol ${protocol}; protocols up to 5 are read`);
        return;
      }
      case Op.FRAME: // a hint for buffered readers
        this.take(8);
        return;
      case Op.MARK:
        this.marks.push(this.stack);
        this.stack = [];
        return;
      case Op.POP:
        this.pop();
        return;
      case Op.POP_MARK:
        this.popMark();
        return;
      case Op.DUP:
        this.push(this.top());
        return;
      case Op.NONE:
        this.push(null);
        return;
      case Op.NEWTRUE:
        this.push(true);
        return;
      case Op.NEWFALSE:
        this.push(false);
        return;
      case Op.BININT1:
        this.push(this.take(1)[0]);
        return;
      case Op.BININT2:
        this.push(this.view.getUint16(this.advance(2), true));
        return;
      case Op.BININT:
        this.push(this.view.getInt32(this.advance(4), true));
        return;
      case Op.LONG1:
        this.push(littleEndianInt(this.take(this.take(1)[0]!), hooks));
        return;
      case Op.LONG4:
        this.push(littleEndianInt(this.take(this.length(4)), hooks));
        return;
      case Op.INT:
        this.push(parseIntLine(this.line(), hooks));
        return;
      case Op.LONG:
        this.push(parseIntLine(this.line().replace(/L$/, ''), hooks));
        return;
      case Op.BINFLOAT:
        this.push(this.view.getFloat64(this.advance(8), false));
        return;
      case Op.FLOAT:
        this.push(parseFloatLine(this.line(), hooks));
        return;
      case Op.BINUNICODE:
        this.push(this.text(this.length(4)));
        return;
      case Op.SHORT_BINUNICODE:
        this.push(this.text(this.take(1)[0]!));
        return;
      case Op.BINUNICODE8:
        this.push(this.text(this.length(8)));
        return;
      case Op.UNICODE:
        this.push(unescapeRawUnicode(this.line()));
        return;
      case Op.SHORT_BINSTRING:
        this.push(latin1(this.take(this.take(1)[0]!)));
        return;
      case Op.BINSTRING:
        this.push(latin1(this.take(this.length(4))));
        return;
      case Op.STRING:
        this.push(unquoteString(this.line(), hooks));
        return;
      case Op.SHORT_BINBYTES:
        this.push(this.take(this.take(1)[0]!));
        return;
      case Op.BINBYTES:
        this.push(this.take(this.length(4)));
        return;
      case Op.BINBYTES8:
        this.push(this.take(this.length(8)));
        return;
      case Op.BYTEARRAY8:
        this.push(this.take(this.length(8)).slice());
        return;
      case Op.EMPTY_TUPLE:
        this.push([]);
        return;
      case Op.EMPTY_LIST:
        this.push([]);
        return;
      case Op.EMPTY_DICT:
        this.push(new Map());
        return;
      case Op.EMPTY_SET:
        this.push(new Set());
        return;
      case Op.TUPLE:
      case Op.LIST:
        this.push(this.popMark());
        return;
      case Op.TUPLE1:
        this.push(this.popMany(1));
        return;
      case Op.TUPLE2:
        this.push(this.popMany(2));
        return;
      case Op.TUPLE3:
        this.push(this.popMany(3));
        return;
      case Op.FROZENSET:
        this.push(new Set(this.popMark()));
        return;
      case Op.DICT:
        this.push(this.setItems(new Map(), this.popMark()));
        return;
      case Op.APPEND:
        this.list(this.top(1)).push(this.pop());
        return;
      case Op.APPENDS: {
        const items = this.popMark();
        const list = this.list(this.top());
        for (const item of items) list.push(item); // not push(...items): a long batch would overflow the call stack
        return;
      }
      case Op.SETITEM: {
        const [key, value] = this.popMany(2);
        this.setItems(this.top(), [key, value]);
        return;
      }
      case Op.SETITEMS: {
        const items = this.popMark();
        this.setItems(this.top(), items);
        return;
      }
      case Op.ADDITEMS: {
        const items = this.popMark();
        const set = this.top();
        if (!(set instanceof Set)) return hooks.fail('it adds set items to something that is not a set');
        for (const item of items) set.add(item);
        return;
      }
      case Op.BINPUT:
        this.memo.set(this.take(1)[0]!, this.top());
        return;
      case Op.LONG_BINPUT:
        this.memo.set(this.view.getUint32(this.advance(4), true), this.top());
        return;
      case Op.PUT:
        this.memo.set(parseMemoIndex(this.line(), hooks), this.top());
        return;
      case Op.MEMOIZE:
        this.memo.set(this.memo.size, this.top());
        return;
      case Op.BINGET:
        this.push(this.recall(this.take(1)[0]!));
        return;
      case Op.LONG_BINGET:
        this.push(this.recall(this.view.getUint32(this.advance(4), true)));
        return;
      case Op.GET:
        this.push(this.recall(parseMemoIndex(this.line(), hooks)));
        return;
      case Op.GLOBAL: {
        const module = this.line();
        const name = this.line();
        this.push(hooks.resolveGlobal(module, name));
        return;
      }
      case Op.STACK_GLOBAL: {
        const [module, name] = this.popMany(2);
        if (typeof module !== 'string' || typeof name !== 'string')
          return hooks.fail('it names a global with something that is not a string');
        this.push(hooks.resolveGlobal(module, name));
        return;
      }
      case Op.REDUCE: {
        const [callable, args] = this.popMany(2);
        this.push(this.call(callable, args));
        return;
      }
      case Op.BUILD: {
        const state = this.pop();
        hooks.build(this.top(), state);
        return;
      }
      case Op.BINPERSID:
        this.push(hooks.persistentLoad(this.pop()));
        return;
      case Op.PERSID:
        this.push(hooks.persistentLoad(this.line()));
        return;
      case Op.INST: {
        // Resolved first so that an unknown global is named; allowed or not, instantiating is refused.
        const module = this.line();
        hooks.resolveGlobal(module, this.line());
        return hooks.fail('it instantiates a class (INST)');
      }
      case Op.OBJ:
        return hooks.fail('it instantiates a class (OBJ)');
      case Op.NEWOBJ:
      case Op.NEWOBJ_EX:
        return hooks.fail('it creates an object with __new__ (NEWOBJ)');
      case Op.EXT1:
      case Op.EXT2:
      case Op.EXT4:
        return hooks.fail('it names a global through the copyreg extension registry (EXT)');
      case Op.NEXT_BUFFER:
      case Op.READONLY_BUFFER:
        return hooks.fail('it uses out-of-band buffers');
      default:
        return hooks.fail(`it has the unknown opcode 0x${opcode.toString(16).padStart(2, '0')} at byte ${this.position - 1}`);
    }
  }

  private call(callable: unknown, args: unknown): unknown {
    if (!(callable instanceof PickleCallable)) return this.hooks.fail('it calls something that is not an allowed function');
    if (!Array.isArray(args)) return this.hooks.fail(`it calls ${callable.qualifiedName} without an argument tuple`);
    return callable.call(args);
  }

  private setItems(target: unknown, items: unknown[]): Map<unknown, unknown> {
    if (!(target instanceof Map)) return this.hooks.fail('it sets items on something that is not a dict');
    if (items.length % 2 !== 0) this.hooks.fail('it sets a dict item without a value');
    for (let i = 0; i < items.length; i += 2) target.set(items[i], items[i + 1]);
    return target;
  }

  private list(target: unknown): unknown[] {
    if (!Array.isArray(target)) return this.hooks.fail('it appends to something that is not a list');
    return target;
  }

  private recall(index: number): unknown {
    if (!this.memo.has(index)) this.hooks.fail(`it reads memo entry ${index}, which was never stored`);
    return this.memo.get(index);
  }

  private push(value: unknown): void {
    this.stack.push(value);
  }

  private pop(): unknown {
    if (this.stack.length === 0) this.hooks.fail('its stack runs empty');
    return this.stack.pop();
  }

  private top(depth = 0): unknown {
    if (this.stack.length <= depth) this.hooks.fail('its stack runs empty');
    return this.stack[this.stack.length - 1 - depth];
  }

  private popMany(count: number): unknown[] {
    if (this.stack.length < count) this.hooks.fail('its stack runs empty');
    return this.stack.splice(this.stack.length - count, count);
  }

  private popMark(): unknown[] {
    const items = this.stack;
    const outer = this.marks.pop();
    if (outer === undefined) this.hooks.fail('it closes a MARK it never opened');
    this.stack = outer;
    return items;
  }

  private advance(count: number): number {
    const start = this.position;
    if (start + count > this.bytes.byteLength) this.hooks.fail('it ends in the middle of an opcode (truncated)');
    this.position += count;
    return start;
  }

  private take(count: number): Uint8Array {
    const start = this.advance(count);
    return this.bytes.subarray(start, start + count);
  }

  private length(width: 4 | 8): number {
    const start = this.advance(width);
    const length = width === 4 ? this.view.getUint32(start, true) : Number(this.view.getBigUint64(start, true));
    if (length > this.bytes.byteLength - this.position) this.hooks.fail('it has a length past its end (truncated)');
    return length;
  }

  private text(length: number): string {
    try {
      return utf8.decode(this.take(length));
    } catch {
      return this.hooks.fail('it has a string that is not UTF-8');
    }
  }

  private line(): string {
    const end = this.bytes.indexOf(0x0a, this.position);
    if (end < 0) this.hooks.fail('it ends in the middle of a text opcode (truncated)');
    return latin1(this.take(end - this.position + 1)).slice(0, -1);
  }
}
