/**
 * Optional WebAssembly SIMD (f64x2) kernels for the two O(n·d²) loops of the density: the Gram matrix
 * of the covariance and the forward substitution of the Mahalanobis scores. The module is assembled
 * here from readable instructions (no binary blob, no build step, < 1 KiB, synchronous compile), and
 * used only where `WebAssembly` exists and validates SIMD (Node ≥ 16.4, Chrome 91, Firefox 89,
 * Safari 16.4); otherwise the plain TypeScript loops run. Both paths accumulate in Float64 and agree
 * to rounding (~1e-13 relative); each is deterministic on its own.
 *
 * Layouts (all Float64, byte addresses into the module's exported memory):
 * - `gram(t, kb, panels, panelBytes, acc, padded)`: `t` holds a chunk of centred rows transposed in
 *   panels of 4 columns, `t[panel][k][4]`; for every pair of panels J ≤ I it adds the 4×4 block
 *   Σ_k t[I][k][·]ᵀ·t[J][k][·] into `acc[4I..4I+3][4J..4J+3]` (row-major `[padded, padded]`).
 * - `trsm(l, dp, y, out)`: `l` is the lower Cholesky factor padded to an even dimension `dp`
 *   (`[dp, dp]`); `y` holds 8 centred rows interleaved, `y[k][8]`; solves L·z = y for the 8 rows in
 *   place and writes the 8 squared norms ‖z‖² to `out[8]`.
 */

// ---- a tiny assembler -------------------------------------------------------------------------------
const I32 = 0x7f;
const V128 = 0x7b;

function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

function sleb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

type Code = number[];
const get = (i: number): Code => [0x20, ...uleb(i)];
const set = (i: number): Code => [0x21, ...uleb(i)];
const i32 = (v: number): Code => [0x41, ...sleb(v)];
const add = [0x6a];
const mul = [0x6c];
const ltU = [0x49];
const simd = (op: number): Code => [0xfd, ...uleb(op)];
const load = (offset = 0): Code => [...simd(0x00), 4, ...uleb(offset)]; // v128.load align 16
const store = (offset = 0): Code => [...simd(0x0b), 4, ...uleb(offset)];
const splat = (offset = 0): Code => [...simd(0x0a), 3, ...uleb(offset)]; // v128.load64_splat
const fadd = simd(0xf0);
const fsub = simd(0xf1);
const fmul = simd(0xf2);
const fdiv = simd(0xf3);
const lane = (l: number): Code => [...simd(0x21), l]; // f64x2.extract_lane
const zero: Code = [...simd(0x0c), ...new Array<number>(16).fill(0)]; // v128.const 0
const f64load = (offset = 0): Code => [0x2b, 3, ...uleb(offset)];
const f64store = (offset = 0): Code => [0x39, 3, ...uleb(offset)];
const f64add = [0xa0];
const loop = (...body: Code[]): Code => [0x03, 0x40, ...body.flat(), 0x0b];
const block = (...body: Code[]): Code => [0x02, 0x40, ...body.flat(), 0x0b];
const brIf = (depth: number): Code => [0x0d, depth];
/** `local[i] += step` (i32). */
const inc = (i: number, step: Code): Code => [...get(i), ...step, ...add, ...set(i)];

function func(params: number[], locals: [count: number, type: number][], body: Code[]): { type: Code; code: Code } {
  const type = [0x60, ...uleb(params.length), ...params, 0];
  const localDecl = [...uleb(locals.length), ...locals.flatMap(([n, t]) => [...uleb(n), t])];
  const code = [...localDecl, ...body.flat(), 0x0b];
  return { type, code: [...uleb(code.length), ...code] };
}

// ---- gram(t, kb, panels, panelBytes, acc, padded) ---------------------------------------------------
function gramKernel(): { type: Code; code: Code } {
  const [T, KB, PANELS, PANEL_BYTES, ACC, PADDED] = [0, 1, 2, 3, 4, 5];
  // i32 locals
  const [I, J, X, Y, END, ROW] = [6, 7, 8, 9, 10, 11];
  // v128 locals: sA0..sA3 (rows 0,1 × column c), sB0..sB3 (rows 2,3 × column c), xA, xB, yc
  const SA = 12;
  const SB = 16;
  const [XA, XB, YC] = [20, 21, 22];
  const body: Code[] = [];
  body.push(i32(0), set(I));
  const inner: Code[] = [];
  for (let c = 0; c < 4; c++) {
    inner.push(get(Y), splat(8 * c), set(YC));
    inner.push(get(SA + c), get(XA), get(YC), fmul, fadd, set(SA + c));
    inner.push(get(SB + c), get(XB), get(YC), fmul, fadd, set(SB + c));
  }
  // acc[(4I + r)·padded + 4J + c] += lane(s, r)
  const flush: Code[] = [];
  for (let r = 0; r < 4; r++) {
    // ROW = acc + ((4I + r)·padded + 4J)·8
    flush.push(get(I), i32(4), mul, i32(r), add, get(PADDED), mul, get(J), i32(4), mul, add, i32(8), mul, get(ACC), add, set(ROW));
    for (let c = 0; c < 4; c++) {
      const s = r < 2 ? SA + c : SB + c;
      flush.push(get(ROW), get(ROW), f64load(8 * c), get(s), lane(r & 1), f64add, f64store(8 * c));
    }
  }
  body.push(
    block(
      loop(
        // for I < panels
        get(I),
        get(PANELS),
        ltU,
        [0x45],
        brIf(1), // i32.eqz → exit outer block when I ≥ panels
        i32(0),
        set(J),
        loop(
          ...[0, 1, 2, 3].flatMap((c) => [zero, set(SA + c), zero, set(SB + c)]),
          // X = t + I·panelBytes; Y = t + J·panelBytes; END = X + kb·32
          get(T),
          get(I),
          get(PANEL_BYTES),
          mul,
          add,
          set(X),
          get(T),
          get(J),
          get(PANEL_BYTES),
          mul,
          add,
          set(Y),
          get(X),
          get(KB),
          i32(32),
          mul,
          add,
          set(END),
          block(
            get(X),
            get(END),
            ltU,
            [0x45],
            brIf(0),
            loop(
              get(X),
              load(0),
              set(XA),
              get(X),
              load(16),
              set(XB),
              ...inner,
              inc(X, i32(32)),
              inc(Y, i32(32)),
              get(X),
              get(END),
              ltU,
              brIf(0),
            ),
          ),
          ...flush,
          inc(J, i32(1)),
          // continue while J ≤ I
          get(J),
          get(I),
          i32(1),
          add,
          ltU,
          brIf(0),
        ),
        inc(I, i32(1)),
        [0x0c, 0], // br to the outer loop
      ),
    ),
  );
  return func(
    [I32, I32, I32, I32, I32, I32],
    [
      [6, I32],
      [11, V128],
    ],
    body,
  );
}

// ---- trsm(l, dp, y, out): 8 rows × 2 rows of L per step ----------------------------------------------
function trsmKernel(): { type: Code; code: Code } {
  const [L, DP, Yp, OUT] = [0, 1, 2, 3];
  const [I, LA, LB, YI, YK, ROW_BYTES] = [4, 5, 6, 7, 8, 9];
  const A = 10; // a0..a3: the 8 rows' values at i   (v128 × 4)
  const B = 14; // b0..b3: at i + 1
  const Q = 18; // q0..q3: running squared norms
  const [LV, MV, T0] = [22, 23, 24];
  const body: Code[] = [];
  body.push(get(DP), i32(8), mul, set(ROW_BYTES));
  body.push(...[0, 1, 2, 3].map((r) => [...zero, ...set(Q + r)]));
  body.push(i32(0), set(I));
  const kStep: Code[] = [get(LA), splat(0), set(LV), get(LB), splat(0), set(MV)];
  for (let r = 0; r < 4; r++) {
    kStep.push(get(YK), load(16 * r), set(T0));
    kStep.push(get(A + r), get(LV), get(T0), fmul, fsub, set(A + r));
    kStep.push(get(B + r), get(MV), get(T0), fmul, fsub, set(B + r));
  }
  const solve: Code[] = [];
  // a /= L[i][i]; b = (b − L[i+1][i]·a) / L[i+1][i+1]; store; q += a² + b²
  solve.push(get(LA), splat(0), set(LV)); // LA now points at L[i][i]
  for (let r = 0; r < 4; r++) solve.push(get(A + r), get(LV), fdiv, set(A + r));
  solve.push(get(LB), splat(0), set(MV), get(LB), splat(8), set(LV)); // MV = L[i+1][i], LV = L[i+1][i+1]
  for (let r = 0; r < 4; r++) {
    solve.push(get(B + r), get(MV), get(A + r), fmul, fsub, get(LV), fdiv, set(B + r));
    solve.push(get(YI), get(A + r), store(16 * r), get(YI), get(B + r), store(64 + 16 * r));
    solve.push(get(Q + r), get(A + r), get(A + r), fmul, fadd, get(B + r), get(B + r), fmul, fadd, set(Q + r));
  }
  body.push(
    block(
      loop(
        // LA = l + i·rowBytes; LB = LA + rowBytes; YI = y + i·64; YK = y
        get(L),
        get(I),
        get(ROW_BYTES),
        mul,
        add,
        set(LA),
        get(LA),
        get(ROW_BYTES),
        add,
        set(LB),
        get(Yp),
        get(I),
        i32(64),
        mul,
        add,
        set(YI),
        get(Yp),
        set(YK),
        ...[0, 1, 2, 3].flatMap((r) => [get(YI), load(16 * r), set(A + r), get(YI), load(64 + 16 * r), set(B + r)]),
        block(
          get(YK),
          get(YI),
          ltU,
          [0x45],
          brIf(0),
          loop(...kStep, inc(LA, i32(8)), inc(LB, i32(8)), inc(YK, i32(64)), get(YK), get(YI), ltU, brIf(0)),
        ),
        ...solve,
        inc(I, i32(2)),
        get(I),
        get(DP),
        ltU,
        brIf(0),
      ),
    ),
  );
  for (let r = 0; r < 4; r++) body.push(get(OUT), get(Q + r), store(16 * r));
  return func(
    [I32, I32, I32, I32],
    [
      [6, I32],
      [15, V128],
    ],
    body,
  );
}

function section(id: number, payload: Code): Code {
  return [id, ...uleb(payload.length), ...payload];
}

function name(s: string): Code {
  return [...uleb(s.length), ...Array.from(s, (ch) => ch.charCodeAt(0))];
}

/** The module's bytes: two functions, one exported memory. */
export function buildKernelModule(): Uint8Array<ArrayBuffer> {
  const gram = gramKernel();
  const trsm = trsmKernel();
  const bytes = [
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, [2, ...gram.type, ...trsm.type]),
    ...section(3, [2, 0, 1]),
    ...section(5, [1, 0x00, 1]), // one memory, min 1 page, grown on demand
    ...section(7, [3, ...name('gram'), 0, 0, ...name('trsm'), 0, 1, ...name('memory'), 2, 0]),
    ...section(10, [2, ...gram.code, ...trsm.code]),
  ];
  return new Uint8Array(bytes);
}

/** The compiled kernels and their memory. */
export interface WasmKernels {
  /** See the module comment. */
  readonly gram: (t: number, kb: number, panels: number, panelBytes: number, acc: number, padded: number) => void;
  /** See the module comment. */
  readonly trsm: (l: number, dp: number, y: number, out: number) => void;
  /** Makes the memory at least `bytes` long and returns a fresh Float64 view of all of it. */
  readonly view: (bytes: number) => Float64Array;
}

let cached: WasmKernels | null | undefined;
let enabled = true;

/**
 * The SIMD kernels, or `null` where WebAssembly SIMD is unavailable or disabled
 * (see {@link setWasmKernelsEnabled}).
 */
export function wasmKernels(): WasmKernels | null {
  if (!enabled) return null;
  if (cached !== undefined) return cached;
  cached = null;
  try {
    const wasm = (globalThis as { WebAssembly?: typeof WebAssembly }).WebAssembly;
    if (!wasm) return null;
    const bytes = buildKernelModule();
    if (!wasm.validate(bytes)) return null;
    const instance = new wasm.Instance(new wasm.Module(bytes), {});
    const exports = instance.exports as unknown as {
      gram: WasmKernels['gram'];
      trsm: WasmKernels['trsm'];
      memory: WebAssembly.Memory;
    };
    const memory = exports.memory;
    cached = {
      gram: exports.gram,
      trsm: exports.trsm,
      view(bytes: number): Float64Array {
        const missing = bytes - memory.buffer.byteLength;
        if (missing > 0) memory.grow(Math.ceil(missing / 65536));
        return new Float64Array(memory.buffer);
      },
    };
  } catch {
    cached = null;
  }
  return cached;
}

/** Turns the SIMD kernels off (or back on), e.g. to test or time the plain TypeScript loops. */
export function setWasmKernelsEnabled(on: boolean): void {
  enabled = on;
}
