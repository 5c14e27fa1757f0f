import type { Rng } from '../math/random';

/**
 * Fills a new array with standard normal samples drawn from `rng` (Box–Muller, both outputs used).
 * Deterministic: the same rng state gives the same samples on every platform.
 */
export function normalSamples(rng: Rng, count: number, std = 1): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 2) {
    const u1 = 1 - rng(); // (0, 1]: log never sees 0
    const u2 = rng();
    const r = Math.sqrt(-2 * Math.log(u1)) * std;
    out[i] = r * Math.cos(2 * Math.PI * u2);
    if (i + 1 < count) out[i + 1] = r * Math.sin(2 * Math.PI * u2);
  }
  return out;
}

/**
 * Kaiming-normal (He) initialisation with `mode: 'fan_out'` for a ReLU network, as torchvision's
 * ResNet: std = √(2 / (outChannels · kernelHeight · kernelWidth)).
 * @returns the values of a `[kernelHeight, kernelWidth, inChannels, outChannels]` kernel.
 */
export function kaimingNormalFanOut(
  rng: Rng,
  kernelHeight: number,
  kernelWidth: number,
  inChannels: number,
  outChannels: number,
): Float32Array {
  const fanOut = outChannels * kernelHeight * kernelWidth;
  return normalSamples(rng, kernelHeight * kernelWidth * inChannels * outChannels, Math.sqrt(2 / fanOut));
}

/**
 * PyTorch's default `nn.Linear` initialisation: weight and bias uniform in (−1/√fanIn, 1/√fanIn).
 * @returns `{ kernel }` laid out `[inDim, outDim]` and `{ bias }` of length `outDim`.
 */
export function linearUniform(rng: Rng, inDim: number, outDim: number): { kernel: Float32Array; bias: Float32Array } {
  const bound = 1 / Math.sqrt(inDim);
  const kernel = new Float32Array(inDim * outDim);
  for (let i = 0; i < kernel.length; i++) kernel[i] = (2 * rng() - 1) * bound;
  const bias = new Float32Array(outDim);
  for (let i = 0; i < bias.length; i++) bias[i] = (2 * rng() - 1) * bound;
  return { kernel, bias };
}
