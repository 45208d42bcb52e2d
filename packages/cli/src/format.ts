/** A plain-text table: a header row, then the rows, columns padded to their widest cell; ends with a newline. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[], align: readonly ('left' | 'right')[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...all.map((row) => row[column]!.length)));
  const line = (row: readonly string[]) =>
    row
      .map((cell, column) => (align[column] === 'right' ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  return all.map((row) => `  ${line(row)}\n`).join('');
}
