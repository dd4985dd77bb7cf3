/* The layout checks of tests/browser/layout.py, run in the page: each returns the problems
   it found as sentences naming the element. */
(() => {

function describe(el) {
  const parts = [];
  for (let node = el, depth = 0; node && node.nodeType === 1 && depth < 4; node = node.parentElement, depth++) {
    let part = node.tagName.toLowerCase();
    if (node.id) { parts.unshift(part + '#' + node.id); break; }
    const cls = [...node.classList].slice(0, 2).join('.');
    if (cls) part += '.' + cls;
    parts.unshift(part);
  }
  const text = (el.innerText || el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 60);
  return parts.join(' > ') + (text ? ` ("${text}")` : '');
}
function shown(el) {
  for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
    const style = getComputedStyle(node);
    if (style.display === 'none' || style.visibility === 'hidden') return false;
    if (node.tagName === 'DETAILS' && !node.open && node !== el) {
      // Only a closed details' summary is drawn.
      const summary = node.querySelector(':scope > summary');
      if (!summary || !summary.contains(el)) return false;
    }
  }
  const rect = el.getBoundingClientRect();
  return rect.width > 0 && rect.height > 0;
}
function visuallyHidden(el) {
  // Clipped to nothing on purpose (the visually-hidden pattern), itself or an ancestor.
  for (let node = el; node && node.nodeType === 1 && node !== document.body; node = node.parentElement) {
    const style = getComputedStyle(node);
    if (style.position === 'absolute' && (style.clip !== 'auto' || style.clipPath !== 'none')) return true;
  }
  return false;
}
function clipped(el) {
  // Visually hidden (clip/clip-path to a pixel) or inside a box that scrolls or clips.
  for (let node = el; node && node.nodeType === 1 && node !== document.body; node = node.parentElement) {
    const style = getComputedStyle(node);
    if (style.position === 'absolute' && (style.clip !== 'auto' || style.clipPath !== 'none')) return true;
    if (node !== el && ['auto', 'scroll', 'hidden', 'clip'].includes(style.overflowX)) return true;
  }
  return false;
}
function clipBox(el) {
  // The part of the viewport the element can show: scrolling or clipping ancestors cut it.
  let box = { left: -1e9, top: -1e9, right: 1e9, bottom: 1e9 };
  for (let node = el.parentElement; node && node !== document.body; node = node.parentElement) {
    const style = getComputedStyle(node);
    if (style.overflowX === 'visible' && style.overflowY === 'visible') continue;
    const r = node.getBoundingClientRect();
    box = { left: Math.max(box.left, r.left), top: Math.max(box.top, r.top),
            right: Math.min(box.right, r.right), bottom: Math.min(box.bottom, r.bottom) };
  }
  return box;
}
function textRects(el, skip, clip = true) {
  // The line boxes of the element's own text (not that of pills inside it), as far as they
  // can be seen (text scrolled out of its box is not drawn there).
  const rects = [];
  const box = clip ? clipBox(el) : { left: -1e9, top: -1e9, right: 1e9, bottom: 1e9 };
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim()) continue;
    if (skip && node.parentElement.closest(skip) && !el.matches(skip)) continue;
    if (!shown(node.parentElement) || visuallyHidden(node.parentElement)) continue;
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) {
      const left = Math.max(r.left, box.left), right = Math.min(r.right, box.right);
      const top = Math.max(r.top, box.top), bottom = Math.min(r.bottom, box.bottom);
      if (right - left > 0.5 && bottom - top > 0.5) rects.push({ left, right, top, bottom, height: bottom - top, width: right - left });
    }
  }
  return rects;
}
function lineCount(rects, fontSize) {
  const tops = rects.map(r => r.top + r.height / 2).sort((a, b) => a - b);
  let lines = 0, last = -1e9;
  for (const t of tops) { if (t - last > fontSize * 0.6) { lines++; last = t; } }
  return lines;
}
window.losLayout = {
  overflow: () => {
  const problems = [];
  const width = document.documentElement.clientWidth;
  const doc = document.documentElement.scrollWidth;
  if (doc > width + 1) problems.push(`the page scrolls sideways: ${doc} px wide in a ${width} px viewport`);
  const reported = new Set();
  for (const el of document.body.querySelectorAll('*')) {
    const rect = el.getBoundingClientRect();
    if (rect.width === 0 || rect.height === 0) continue;
    if (rect.right <= width + 1 && rect.left >= -1) continue;
    if (rect.right <= 0) continue;  // parked off screen to the left until focused (skip links)
    if (!shown(el) || clipped(el)) continue;
    // Report the outermost offender only.
    let parent = el.parentElement, inner = false;
    while (parent) { if (reported.has(parent)) { inner = true; break; } parent = parent.parentElement; }
    reported.add(el);
    if (inner) continue;
    problems.push(`${describe(el)} spans ${Math.round(rect.left)}-${Math.round(rect.right)} px, past the ${width} px viewport`);
  }
  if (doc > width + 1 && problems.length === 1) {
    // Nothing visible is too wide: name what stretches the page (often a visually hidden
    // label positioned outside its scrolling table).
    for (const el of document.body.querySelectorAll('*')) {
      const rect = el.getBoundingClientRect();
      if (rect.right > width + 1 && getComputedStyle(el).position === 'absolute') {
        problems.push(`${describe(el)} (positioned) reaches ${Math.round(rect.right)} px`);
      }
    }
  }
  return problems;
},
  squeezed: ([titles, furniture]) => {
  const problems = [];
  const canvas = document.createElement('canvas').getContext('2d');
  for (const el of document.querySelectorAll(titles)) {
    if (!shown(el) || visuallyHidden(el)) continue;
    const text = (el.innerText || el.textContent || '').trim().replace(/\s+/g, ' ');
    if (text.length <= 12) continue;
    const style = getComputedStyle(el);
    const fontSize = parseFloat(style.fontSize);
    canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const twelve = canvas.measureText('abcdefghijkl').width;
    const rects = textRects(el, furniture, false);
    if (!rects.length) continue;
    const left = Math.min(...rects.map(r => r.left)), right = Math.max(...rects.map(r => r.right));
    const box = el.getBoundingClientRect();
    const width = style.display.startsWith('inline') ? right - left : box.width;
    if (width < twelve - 1) {
      problems.push(`${describe(el)} is squeezed into ${Math.round(width)} px (twelve characters take ${Math.round(twelve)} px)`);
      continue;
    }
    const words = text.split(' ').length;
    const lines = lineCount(rects, fontSize);
    if (words >= 3 && lines >= words) {
      problems.push(`${describe(el)} wraps one word per line (${words} words on ${lines} lines, ${Math.round(width)} px wide)`);
    }
  }
  return problems;
},
  overlaps: ([titles, furniture]) => {
  const problems = [];
  const items = [...document.querySelectorAll(furniture)].filter(el => shown(el) && !visuallyHidden(el));
  const boxes = items.map(el => [el, el.getBoundingClientRect()]);
  for (const title of document.querySelectorAll(titles)) {
    if (!shown(title) || visuallyHidden(title)) continue;
    const rects = textRects(title, furniture);
    for (const [el, box] of boxes) {
      if (title.contains(el) && el.matches(furniture) && title.matches(furniture)) continue;
      if (el.contains(title)) continue;
      const hit = rects.find(r => r.left < box.right - 1 && r.right > box.left + 1
                               && r.top < box.bottom - 1 && r.bottom > box.top + 1);
      if (hit) {
        problems.push(`the text of ${describe(title)} lies under ${describe(el)}`);
        break;
      }
    }
  }
  return problems;
},
  tables: () => {
  const problems = [];
  for (const table of document.querySelectorAll('table')) {
    if (!shown(table)) continue;
    const head = table.tHead && [...table.tHead.rows].pop();
    if (!head) continue;
    const columns = [];
    for (const th of head.cells) {
      const span = th.colSpan || 1;
      for (let i = 0; i < span; i++) columns.push(span === 1 ? th : null);
    }
    const visible = th => th && shown(th) && !visuallyHidden(th);
    if (!columns.some(visible)) continue;  // headers hidden on purpose (rows read as cards)
    let reported = false;
    for (const body of table.tBodies) {
      for (const row of body.rows) {
        if (!shown(row) || reported) continue;
        let col = 0;
        for (const cell of row.cells) {
          const th = columns[col];
          col += cell.colSpan || 1;
          if (!th || (cell.colSpan || 1) > 1 || !shown(cell)) continue;
          if (!visible(th)) {
            problems.push(`${describe(th)} is hidden while its column's cells are shown`);
            reported = true; break;
          }
          const h = th.getBoundingClientRect(), c = cell.getBoundingClientRect();
          const hc = (h.left + h.right) / 2, cc = (c.left + c.right) / 2;
          const over = hc >= c.left - 1 && hc <= c.right + 1 && cc >= h.left - 1 && cc <= h.right + 1;
          if (!over || h.top > c.top + 1) {
            problems.push(`${describe(th)} (${Math.round(h.left)}-${Math.round(h.right)} px) is not over its cell ${describe(cell)} (${Math.round(c.left)}-${Math.round(c.right)} px, row at ${Math.round(c.top)} px)`);
            reported = true; break;
          }
        }
      }
    }
  }
  return problems;
},
  legends: () => {
  const problems = [];
  const paint = (el, prop) => el ? getComputedStyle(el)[prop] : null;
  for (const legend of document.querySelectorAll('.chart-legend')) {
    if (!shown(legend)) continue;
    const scope = legend.parentElement;
    const chart = legend.dataset.chart ? document.getElementById(legend.dataset.chart)
                                       : scope.querySelector('svg.chart');
    if (!chart) { problems.push(`${describe(legend)} has no chart beside it`); continue; }
    for (const item of legend.querySelectorAll('.legend-item')) {
      const key = [...item.classList].find(c => c.startsWith('series-') && !c.startsWith('series-kind-'))
               || [...item.classList].find(c => c.startsWith('segment-') || c.startsWith('band-'));
      if (!key) { problems.push(`${describe(item)} names no series`); continue; }
      const name = key.replace(/^(series|segment|band)-/, '');
      const swatch = item.querySelector('svg');
      const pairs = [];
      if (key.startsWith('series-')) {
        const group = chart.querySelector(`g[data-series="${CSS.escape(name)}"]`);
        if (!group) continue;  // a series with no points yet draws nothing
        pairs.push(['line', 'stroke', swatch.querySelector('.line'), group.querySelector('.line')]);
        pairs.push(['marker', 'fill', swatch.querySelector('.marker'), group.querySelector('.marker:not(.marker-none)')]);
      } else if (key.startsWith('segment-')) {
        pairs.push(['segment', 'fill', swatch.querySelector('rect'), chart.querySelector(`rect[data-segment="${CSS.escape(name)}"]`)]);
      } else {
        pairs.push(['band', 'fill', swatch.querySelector('rect, polygon'), chart.querySelector(`polygon[data-series="${CSS.escape(name)}"]`)]);
      }
      for (const [what, prop, a, b] of pairs) {
        if (!a || !b) continue;
        const ka = paint(a, prop), kb = paint(b, prop);
        if (ka !== kb) problems.push(`legend "${item.innerText.trim()}" of #${chart.id}: ${what} ${prop} ${ka} in the legend, ${kb} in the chart`);
      }
    }
  }
  return problems;
},
  glyphs: () => {
  // Characters outside ASCII, from text, generated content and list markers, each drawn in
  // the font of the element that shows it and compared with that font's missing-glyph box
  // (a code point no font has: U+10FFFD, private use).
  const seen = new Map();  // font -> Set of characters
  const where = new Map();
  const add = (text, el) => {
    if (!text) return;
    const style = getComputedStyle(el);
    const font = `${style.fontStyle} ${style.fontWeight} 32px ${style.fontFamily}`;
    for (const ch of text) {
      const cp = ch.codePointAt(0);
      if (cp < 0x7f || /\s/u.test(ch) || /[\p{M}\p{Cf}\p{Cc}]/u.test(ch)) continue;
      if (!seen.has(font)) seen.set(font, new Set());
      seen.get(font).add(ch);
      if (!where.has(ch)) where.set(ch, describe(el));
    }
  };
  const generated = (el, pseudo) => {
    const content = getComputedStyle(el, pseudo).content;
    if (!content || content === 'none' || content === 'normal') return '';
    const strings = content.match(/"(?:[^"\\]|\\.)*"/g) || [];
    return strings.map(s => { try { return JSON.parse(s); } catch (e) { return s.slice(1, -1); } }).join('');
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || !node.textContent.trim() || el.closest('script, style, template, title, desc')) continue;
    if (!shown(el)) continue;
    add(node.textContent, el);
  }
  for (const el of document.body.querySelectorAll('*')) {
    if (!shown(el)) continue;
    add(generated(el, '::before'), el);
    add(generated(el, '::after'), el);
    if (getComputedStyle(el).display === 'list-item') add(generated(el, '::marker'), el);
  }
  const canvas = document.createElement('canvas');
  canvas.width = 64; canvas.height = 64;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  const draw = (ch, font) => {
    ctx.clearRect(0, 0, 64, 64);
    ctx.font = font; ctx.textBaseline = 'top'; ctx.fillStyle = '#000';
    ctx.fillText(ch, 8, 8);
    const data = ctx.getImageData(0, 0, 64, 64).data;
    let hash = 0;
    for (let i = 3; i < data.length; i += 4) hash = (hash * 31 + data[i] * (i + 1)) | 0;
    return `${ctx.measureText(ch).width.toFixed(2)}:${hash}`;
  };
  const problems = [];
  for (const [font, chars] of seen) {
    const box = draw('\u{10FFFD}', font);
    for (const ch of chars) {
      if (draw(ch, font) === box) {
        const cp = ch.codePointAt(0).toString(16).toUpperCase().padStart(4, '0');
        problems.push(`U+${cp} "${ch}" cannot be drawn in ${font.replace(/^\S+ \S+ 32px /, '')}: first seen in ${where.get(ch)}`);
      }
    }
  }
  return problems;
},
};
})();
