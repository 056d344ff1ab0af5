package io.hostwatch.client.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table: columns padded to their widest cell and separated by two spaces; the last
 * column is not padded. A cell may carry an ANSI colour, applied after padding so that alignment
 * does not depend on it.
 */
final class Table {
    private record Cell(String text, String colour) {
    }

    private final List<String> headers;
    private final List<List<Cell>> rows = new ArrayList<>();

    Table(String... headers) {
        this.headers = List.of(headers);
    }

    /** Adds a row of plain cells; {@code colours} (may be shorter, or null entries) colour cells by index. */
    Table row(List<String> cells, List<String> colours) {
        if (cells.size() != headers.size()) {
            throw new IllegalArgumentException("row of " + cells.size() + " cells in a table of " + headers.size());
        }
        List<Cell> row = new ArrayList<>(cells.size());
        for (int i = 0; i < cells.size(); i++) {
            String colour = i < colours.size() && colours.get(i) != null ? colours.get(i) : "";
            row.add(new Cell(ServiceClient.oneLine(cells.get(i) == null ? "-" : cells.get(i)), colour));
        }
        rows.add(row);
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    void print(PrintWriter out, Style style) {
        int[] width = new int[headers.size()];
        for (int i = 0; i < width.length; i++) {
            width[i] = headers.get(i).length();
            for (List<Cell> row : rows) {
                width[i] = Math.max(width[i], row.get(i).text().length());
            }
        }
        List<Cell> head = headers.stream().map(h -> new Cell(h, "")).toList();
        out.println(line(head, width, style, true));
        for (List<Cell> row : rows) {
            out.println(line(row, width, style, false));
        }
        out.flush();
    }

    private static String line(List<Cell> cells, int[] width, Style style, boolean header) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            Cell c = cells.get(i);
            boolean last = i == cells.size() - 1;
            String padded = last ? c.text() : c.text() + " ".repeat(width[i] - c.text().length());
            b.append(header ? style.bold(padded) : style.paint(c.colour(), padded));
            if (!last) {
                b.append("  ");
            }
        }
        return b.toString().stripTrailing();
    }
}
