import PDFDocument from 'pdfkit';
import { formatMoney } from '@shop/contracts';
import type { InvoiceContent, InvoiceRenderer } from '../domain/invoice-ports.js';

const MARGIN = 50;
const COLUMNS = { item: MARGIN, qty: 320, unit: 370, line: 460 } as const;
const RIGHT = 545;

/** The invoice as an A4 PDF (pdfkit, its built-in Helvetica: no font files to ship). */
export class PdfInvoiceRenderer implements InvoiceRenderer {
  render(c: InvoiceContent): Promise<Buffer> {
    const doc = new PDFDocument({ size: 'A4', margin: MARGIN, info: { Title: `Invoice ${c.number}`, Author: c.seller.name, CreationDate: c.issuedAt } });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    const done = new Promise<Buffer>((resolve, reject) => {
      doc.on('end', () => resolve(Buffer.concat(chunks)));
      doc.on('error', reject);
    });
    write(doc, c);
    doc.end();
    return done;
  }
}

function write(doc: PDFKit.PDFDocument, c: InvoiceContent): void {
  const money = (n: number) => formatMoney(n, c.currency);
  doc.font('Helvetica-Bold').fontSize(20).text(`Invoice ${c.number}`);
  doc.font('Helvetica').fontSize(10).moveDown(0.5);
  doc.text(`Issued: ${c.issuedAt.toISOString().slice(0, 10)}`);
  doc.text(`Order: ${c.orderId}`);
  doc.text(`Currency: ${c.currency}`);

  const top = doc.moveDown(1).y;
  doc.font('Helvetica-Bold').text('Seller', MARGIN, top);
  doc.font('Helvetica').text([c.seller.name, ...c.seller.address, `VAT ID: ${c.seller.vatId}`].join('\n'));
  const sellerBottom = doc.y;
  doc.font('Helvetica-Bold').text('Bill and ship to', 300, top);
  doc.font('Helvetica').text(buyerLines(c).join('\n'), 300);
  doc.x = MARGIN;
  doc.y = Math.max(sellerBottom, doc.y) + 20;

  row(doc, ['Item', 'Qty', 'Unit price', 'Line total'], 'Helvetica-Bold');
  for (const l of c.lines) row(doc, [l.name, String(l.quantity), money(l.unitPrice), money(l.unitPrice * l.quantity)], 'Helvetica');
  doc.moveTo(MARGIN, doc.y + 4).lineTo(RIGHT, doc.y + 4).stroke();
  doc.y += 10;
  row(doc, ['Total', '', '', money(c.total)], 'Helvetica-Bold');
}

function buyerLines(c: InvoiceContent): string[] {
  const { name, email, phone, address } = c.buyer;
  const lines = [name, email, phone].filter((s): s is string => Boolean(s));
  if (address) {
    lines.push(address.line1);
    if (address.line2) lines.push(address.line2);
    lines.push([address.postalCode, address.city].join(' '));
    if (address.region) lines.push(address.region);
    lines.push(address.country);
  } else {
    lines.push('(no shipping address on the order)');
  }
  return lines;
}

function row(doc: PDFKit.PDFDocument, cells: [string, string, string, string], font: string): void {
  const y = doc.y;
  doc.font(font);
  doc.text(cells[0], COLUMNS.item, y, { width: COLUMNS.qty - COLUMNS.item - 10 });
  const bottom = doc.y;
  doc.text(cells[1], COLUMNS.qty, y, { width: 40, align: 'right' });
  doc.text(cells[2], COLUMNS.unit, y, { width: 80, align: 'right' });
  doc.text(cells[3], COLUMNS.line, y, { width: RIGHT - COLUMNS.line, align: 'right' });
  doc.x = MARGIN;
  doc.y = Math.max(bottom, doc.y) + 4;
}
