/**
 * The browser example: pick or drop normal images, train a CutPaste detector with a progress bar,
 * drop test images to see their scores and heatmaps, keep the detector in IndexedDB.
 *
 * The host (this page) registers the tfjs backends; the library runs on whichever is selected.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { CutPasteDetector, type FitProgress } from 'cutpaste';
import { drawOverlay, heatGradient } from './heatmap';
import { imageCanvas, readImageFile, syntheticPills, type NamedImage } from './images';

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
});

/** Where "Save" keeps the detector (any tfjs IO URL works: `downloads://`, `http://`, …). */
const STORE = 'indexeddb://cutpaste-example';
const MIN_IMAGES = 4;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const ui = {
  backend: $<HTMLSelectElement>('backend'),
  backendInfo: $('backend-info'),
  trainDrop: $('train-drop'),
  trainFiles: $<HTMLInputElement>('train-files'),
  trainDemo: $<HTMLButtonElement>('train-demo'),
  trainThumbs: $('train-thumbs'),
  steps: $<HTMLInputElement>('steps'),
  size: $<HTMLSelectElement>('size'),
  train: $<HTMLButtonElement>('train'),
  stop: $<HTMLButtonElement>('stop'),
  bar: $('bar'),
  trainStatus: $('train-status'),
  testDrop: $('test-drop'),
  testFiles: $<HTMLInputElement>('test-files'),
  testDemo: $<HTMLButtonElement>('test-demo'),
  threshold: $('threshold'),
  results: $('results'),
  save: $<HTMLButtonElement>('save'),
  load: $<HTMLButtonElement>('load'),
  storeStatus: $('store-status'),
};

const state = {
  train: [] as NamedImage[],
  test: [] as NamedImage[],
  detector: undefined as CutPasteDetector | undefined,
  abort: undefined as AbortController | undefined,
  busy: false,
};

function setBusy(busy: boolean): void {
  state.busy = busy;
  document.body.dataset.busy = String(busy);
  const fitted = state.detector?.isFitted === true;
  document.body.dataset.fitted = String(fitted);
  ui.train.disabled = busy || state.train.length < MIN_IMAGES;
  ui.stop.disabled = !busy || !state.abort;
  ui.trainDemo.disabled = busy;
  ui.backend.disabled = busy;
  ui.testFiles.disabled = busy || !fitted;
  ui.testDemo.disabled = busy || !fitted;
  ui.testDrop.classList.toggle('disabled', !fitted);
  ui.save.disabled = busy || !fitted;
  ui.load.disabled = busy;
}

function setProgress(fraction: number, text: string): void {
  ui.bar.style.width = `${(100 * Math.min(1, Math.max(0, fraction))).toFixed(1)}%`;
  ui.trainStatus.textContent = text;
}

const seconds = (s: number) => (s < 60 ? `${s.toFixed(s < 10 ? 1 : 0)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`);

function describeProgress(p: FitProgress): [number, string] {
  if (p.stage === 'train') {
    return [
      (0.9 * p.step) / p.steps,
      `Training step ${p.step} / ${p.steps} · loss ${p.loss.toFixed(3)} · pretext accuracy ${(100 * p.accuracy).toFixed(0)} % · ` +
        `${p.imagesPerSecond.toFixed(0)} images/s · about ${seconds(p.etaSeconds)} left`,
    ];
  }
  if (p.stage === 'embed') return [0.9 + (0.08 * p.done) / p.total, `Embedding the normal images: ${p.done} / ${p.total}`];
  return [0.98 + (0.02 * p.done) / Math.max(1, p.total), 'Fitting the Gaussian density'];
}

async function selectBackend(name: string): Promise<void> {
  if (!(await tf.setBackend(name))) throw new Error(`the ${name} backend is not available here`);
  await tf.ready();
  let info = '';
  if (name === 'wasm') {
    const threads = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT');
    info = threads ? `threaded SIMD, ${getThreadsCount()} thread${getThreadsCount() > 1 ? 's' : ''}` : 'single thread';
  } else if (name === 'webgl') {
    info = `WebGL ${tf.env().getNumber('WEBGL_VERSION')}`;
  }
  ui.backendInfo.textContent = info;
  ui.backend.value = name;
}

function showTrainImages(): void {
  ui.trainThumbs.replaceChildren(
    ...state.train.map((t) => {
      const canvas = imageCanvas(t.image, 'thumb');
      canvas.title = t.name;
      return canvas;
    }),
  );
  if (!state.busy && !state.detector?.isFitted) {
    ui.trainStatus.textContent =
      state.train.length < MIN_IMAGES
        ? `${state.train.length} image${state.train.length === 1 ? '' : 's'}: add at least ${MIN_IMAGES}.`
        : `${state.train.length} normal images ready. Press Train.`;
  }
  setBusy(state.busy);
}

async function addFiles(files: Iterable<File>, into: NamedImage[]): Promise<number> {
  let added = 0;
  for (const file of files) {
    if (!file.type.startsWith('image/')) continue;
    into.push(await readImageFile(file));
    added++;
  }
  return added;
}

async function train(): Promise<void> {
  const size = Number(ui.size.value);
  const steps = Math.max(1, Math.round(Number(ui.steps.value) || 1));
  state.abort = new AbortController();
  setBusy(true);
  setProgress(0, 'Preparing…');
  const detector = await CutPasteDetector.create({
    mode: 'patch',
    encoder: 'patch32',
    imageSize: size,
    stride: Math.max(4, size / 16),
    steps,
    batchSize: 16,
    seed: 1,
  });
  try {
    const report = await detector.fit(
      state.train.map((t) => t.image),
      {
        signal: state.abort.signal,
        onProgress: (p) => setProgress(...describeProgress(p)),
      },
    );
    state.detector?.dispose();
    state.detector = detector;
    setProgress(
      1,
      `Trained on ${report.images} images in ${seconds(report.seconds)}: ` +
        `pretext accuracy ${(100 * report.pretextAccuracy).toFixed(0)} %, ${report.imagesPerSecond.toFixed(0)} images/s.`,
    );
  } catch (error) {
    detector.dispose();
    setProgress(0, error instanceof Error && error.name === 'AbortError' ? 'Stopped.' : `Training failed: ${String(error)}`);
  } finally {
    state.abort = undefined;
    setBusy(false);
  }
  await scoreTests();
}

async function scoreTests(): Promise<void> {
  const detector = state.detector;
  const threshold = detector?.threshold;
  ui.threshold.textContent = threshold ? `threshold ${threshold.value.toFixed(1)} (${threshold.method})` : '';
  if (!detector || state.test.length === 0) {
    ui.results.replaceChildren();
    return;
  }
  setBusy(true);
  try {
    const predictions = await detector.predict(
      state.test.map((t) => t.image),
      { maps: true },
    );
    const t = threshold?.value ?? Math.max(...predictions.map((p) => p.score));
    ui.results.replaceChildren(
      ...predictions.map((p, i) => {
        const item = state.test[i]!;
        const figure = document.createElement('figure');
        figure.className = `result ${p.isAnomalous ? 'anomalous' : 'normal'}`;
        figure.dataset.score = String(p.score);
        const canvas = document.createElement('canvas');
        drawOverlay(canvas, item.image, p.map!, t / 2, 1.5 * t);
        const caption = document.createElement('figcaption');
        caption.innerHTML = `<span class="verdict">${p.isAnomalous ? 'anomalous' : 'normal'}</span><span class="score"></span><span class="name"></span>`;
        caption.querySelector('.score')!.textContent = p.score.toFixed(1);
        caption.querySelector('.name')!.textContent = item.name;
        figure.append(canvas, caption);
        return figure;
      }),
    );
  } finally {
    setBusy(false);
  }
}

async function save(): Promise<void> {
  if (!state.detector) return;
  setBusy(true);
  try {
    const result = await state.detector.save(STORE);
    const kb = (result.modelArtifactsInfo.weightDataBytes ?? 0) / 1024;
    ui.storeStatus.textContent = `Saved to ${STORE} (${kb.toFixed(0)} KB of weights) at ${new Date().toLocaleTimeString()}.`;
  } catch (error) {
    ui.storeStatus.textContent = `Saving failed: ${String(error)}`;
  } finally {
    setBusy(false);
  }
}

async function load(): Promise<void> {
  setBusy(true);
  try {
    const detector = await CutPasteDetector.load(STORE);
    state.detector?.dispose();
    state.detector = detector;
    const report = detector.fitReport;
    ui.storeStatus.textContent =
      `Loaded from ${STORE}: trained on ${report?.images ?? '?'} images, ${report?.steps ?? '?'} steps, ` +
      `${detector.options.imageSize.join('×')} px.`;
    setProgress(1, 'Loaded a saved detector.');
  } catch (error) {
    ui.storeStatus.textContent = `Nothing to load: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    setBusy(false);
  }
  await scoreTests();
}

function dropZone(zone: HTMLElement, onFiles: (files: File[]) => void): void {
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    if (!state.busy) onFiles(Array.from(e.dataTransfer?.files ?? []));
  });
}

async function onTrainFiles(files: File[]): Promise<void> {
  await addFiles(files, state.train);
  showTrainImages();
}

async function onTestFiles(files: File[]): Promise<void> {
  if (!state.detector?.isFitted) return;
  state.test = [];
  await addFiles(files, state.test);
  await scoreTests();
}

async function main(): Promise<void> {
  (document.querySelector('.legend i') as HTMLElement).style.background = heatGradient();
  const registered = Object.keys(tf.engine().registryFactory);
  const preferred = ['wasm', 'webgl', 'webgpu', 'cpu'].filter((b) => registered.includes(b));
  ui.backend.replaceChildren(...preferred.map((b) => new Option(b, b)));
  const wanted = new URLSearchParams(location.search).get('backend') ?? 'wasm';
  await selectBackend(preferred.includes(wanted) ? wanted : preferred[0]!);
  ui.backend.addEventListener('change', () => void selectBackend(ui.backend.value));

  ui.trainFiles.addEventListener('change', () => void onTrainFiles(Array.from(ui.trainFiles.files ?? [])));
  ui.testFiles.addEventListener('change', () => void onTestFiles(Array.from(ui.testFiles.files ?? [])));
  dropZone(ui.trainDrop, (files) => void onTrainFiles(files));
  dropZone(ui.testDrop, (files) => void onTestFiles(files));
  ui.trainDemo.addEventListener('click', () => {
    state.train = syntheticPills(12, 0, Number(ui.size.value)).train;
    showTrainImages();
  });
  ui.testDemo.addEventListener('click', () => {
    state.test = syntheticPills(0, 6, Number(ui.size.value)).test;
    void scoreTests();
  });
  ui.train.addEventListener('click', () => void train());
  ui.stop.addEventListener('click', () => state.abort?.abort());
  ui.save.addEventListener('click', () => void save());
  ui.load.addEventListener('click', () => void load());
  showTrainImages();
  document.body.dataset.ready = 'true';
}

void main();
