// QR codes as inline SVG (no images, no inline styles), from the vendored MIT qrcode-generator.

import qrcode from '../vendor/qrcode-generator.js';

const SVG = 'http://www.w3.org/2000/svg';

/** An SVG QR code of {@code text}, {@code size} pixels wide, with an accessible label. */
export function qrSvg(text, { size = 240, label = '' } = {}) {
  const qr = qrcode(0, 'M');
  qr.addData(text);
  qr.make();
  const count = qr.getModuleCount();
  const margin = 4;
  const total = count + margin * 2;
  let d = '';
  for (let row = 0; row < count; row++) {
    for (let col = 0; col < count; col++) {
      if (qr.isDark(row, col)) d += `M${col + margin} ${row + margin}h1v1h-1z`;
    }
  }
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${total} ${total}`);
  svg.setAttribute('width', String(size));
  svg.setAttribute('height', String(size));
  svg.setAttribute('role', 'img');
  svg.setAttribute('shape-rendering', 'crispEdges');
  if (label) svg.setAttribute('aria-label', label);
  svg.dataset.text = text;
  const background = document.createElementNS(SVG, 'rect');
  background.setAttribute('width', String(total));
  background.setAttribute('height', String(total));
  background.setAttribute('fill', '#ffffff');
  const modules = document.createElementNS(SVG, 'path');
  modules.setAttribute('d', d);
  modules.setAttribute('fill', '#000000');
  svg.append(background, modules);
  return svg;
}
