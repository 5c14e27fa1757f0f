// Public surface of src/heatmap: score maps drawn over their images (pure, tfjs-free: typed arrays in, RGB out).
export { renderHeatmap, type HeatmapOptions, type RgbImage, type ScoreGrid } from './renderHeatmap';
export { applyColormap, colormapTable, type ColormapName, type ColormapOptions } from './colormap';
export { HEATMAP_RANGE, heatmapRange } from './heatmapRange';
