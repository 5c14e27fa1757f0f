/**
 * The report page's inline style and script (no network). The script enlarges a clicked thumbnail in
 * a `<dialog>` and, when there is a threshold slider, recomputes what depends on the threshold as it
 * moves: the histogram's threshold line, the confusion matrix and its rates, the flagged counts per
 * defect type, each card's verdict and normalised score.
 */

export const REPORT_STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px auto; max-width: 1240px; padding: 0 16px; color: #222; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 17px; margin-top: 28px; }
.top { display: flex; gap: 32px; flex-wrap: wrap; align-items: flex-start; }
table.summary td, table.fit td, table.options td { padding: 2px 12px 2px 0; vertical-align: top; }
table.summary td:first-child, table.fit td:first-child, table.options td:first-child { color: #555; white-space: nowrap; }
table.defects, table.confusion { border-collapse: collapse; }
table.defects td, table.defects th, table.confusion td, table.confusion th { border: 1px solid #ddd; padding: 4px 10px; text-align: right; }
table.defects td:first-child, table.confusion th { text-align: left; }
table.confusion td { font-size: 18px; font-weight: 600; min-width: 80px; text-align: center; }
table.confusion td.ok { background: #eaf5ea; } table.confusion td.bad { background: #fbeaea; }
.slider { display: flex; align-items: center; gap: 10px; margin: 12px 0; padding: 8px 12px; background: #f4f4f4; border-radius: 6px; }
.slider input { width: 420px; }
.legend { display: flex; align-items: center; gap: 8px; margin: 8px 0 16px; font-size: 12px; }
.legend .bar { width: 260px; height: 12px; border: 1px solid #999; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 12px; }
figure.card { margin: 0; border: 2px solid #ddd; border-radius: 6px; padding: 6px; background: #fff; }
figure.card.miss { border-color: #e377c2; }
.thumbs { display: flex; gap: 4px; }
.thumb { flex: 1 1 0; min-width: 0; width: 100%; aspect-ratio: 1; object-fit: contain; background: #eee; border-radius: 3px; cursor: zoom-in; }
.thumb.none { display: flex; align-items: center; justify-content: center; font-size: 11px; color: #888; cursor: default; }
figcaption { font-size: 12px; margin-top: 4px; overflow-wrap: anywhere; }
.verdict.anomalous { color: #c0392b; font-weight: 600; } .verdict.normal { color: #2e7d32; font-weight: 600; }
.muted { color: #666; } footer { margin-top: 28px; font-size: 12px; color: #666; }
dialog#zoom { padding: 8px; border: 0; border-radius: 6px; } dialog#zoom::backdrop { background: rgba(0, 0, 0, 0.7); }
dialog#zoom img { display: block; width: min(85vw, 80vh); height: auto; image-rendering: pixelated; cursor: zoom-out; }
dialog#zoom p { margin: 6px 0 0; font-size: 13px; }
`;

export const REPORT_SCRIPT = `
(function () {
  var zoom = document.getElementById('zoom'), zoomImg = document.getElementById('zoom-img'), zoomText = document.getElementById('zoom-text');
  document.addEventListener('click', function (event) {
    var el = event.target;
    if (el instanceof HTMLImageElement && el.hasAttribute('data-zoom')) {
      zoomImg.src = el.getAttribute('src'); zoomImg.alt = el.alt; zoomText.textContent = el.alt; zoom.showModal();
    } else if (el === zoom || el === zoomImg) zoom.close();
  });
  var slider = document.getElementById('threshold-slider');
  if (!slider) return;
  var cards = Array.prototype.slice.call(document.querySelectorAll('figure.card'));
  var fmt = function (v) { return Math.abs(v) >= 1000 ? v.toFixed(0) : v.toPrecision(4); };
  var set = function (id, text) { var el = document.getElementById(id); if (el) el.textContent = String(text); };
  function update(t) {
    var tp = 0, fp = 0, tn = 0, fn = 0, flagged = {}, total = 0;
    cards.forEach(function (card) {
      var score = Number(card.dataset.score), label = card.dataset.label, bad = score >= t;
      var verdict = card.querySelector('.verdict'), norm = card.querySelector('.norm');
      if (verdict) { verdict.textContent = bad ? 'anomalous' : 'normal'; verdict.className = 'verdict ' + (bad ? 'anomalous' : 'normal'); }
      if (norm && t > 0) norm.textContent = (score / t).toFixed(2);
      if (label === '1') { if (bad) tp++; else fn++; } else if (label === '0') { if (bad) fp++; else tn++; }
      card.classList.toggle('miss', label !== '' && bad !== (label === '1'));
      if (bad) { total++; flagged[card.dataset.defect] = (flagged[card.dataset.defect] || 0) + 1; }
    });
    set('cm-tp', tp); set('cm-fp', fp); set('cm-tn', tn); set('cm-fn', fn);
    var precision = tp + fp > 0 ? tp / (tp + fp) : 0, recall = tp + fn > 0 ? tp / (tp + fn) : 0;
    var f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
    set('cm-rates', 'precision ' + precision.toFixed(3) + ' · recall ' + recall.toFixed(3) + ' · F1 ' + f1.toFixed(3) + ' · accuracy ' + ((tp + tn) / Math.max(1, tp + fp + tn + fn)).toFixed(3));
    document.querySelectorAll('td.flagged').forEach(function (td) { td.textContent = (flagged[td.dataset.defect] || 0) + ' / ' + td.dataset.total; });
    set('threshold-value', fmt(t)); set('flagged-count', total);
    var svg = document.querySelector('svg.histogram'), line = document.getElementById('hist-threshold');
    if (svg && line) {
      var low = Number(svg.dataset.low), high = Number(svg.dataset.high);
      var v = svg.dataset.log ? Math.log(t) / Math.LN10 : t;
      var x = Number(svg.dataset.left) + (v - low) / (high - low) * Number(svg.dataset.width);
      line.setAttribute('x1', x.toFixed(1)); line.setAttribute('x2', x.toFixed(1));
    }
  }
  // The slider moves along the histogram's axis: log10 of the threshold on a log axis.
  var threshold = function () { var v = Number(slider.value); return slider.dataset.log ? Math.pow(10, v) : v; };
  slider.addEventListener('input', function () { update(threshold()); });
  var reset = document.getElementById('threshold-reset');
  if (reset) reset.addEventListener('click', function () { slider.value = slider.dataset.initial; update(threshold()); });
})();
`;
