import { PDFParse } from 'pdf-parse';

/** The text of a PDF, page by page joined, as a reader would extract it (tests of generated documents). */
export async function pdfText(pdf: Uint8Array): Promise<string> {
  const parser = new PDFParse({ data: new Uint8Array(pdf) });
  try {
    return (await parser.getText()).text;
  } finally {
    await parser.destroy();
  }
}
