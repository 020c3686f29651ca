package org.scmi.launcher.admin;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A plain-text table for shell output: a header row, then rows; each column as wide as its widest
 * cell, columns two spaces apart, no trailing blanks.
 */
final class Table {
    private static final String GAP = "  ";

    private final String[] header;
    private final List<String[]> rows = new ArrayList<>();

    Table(String... header) {
        this.header = header.clone();
    }

    /** Adds a row; cells are shown with {@link String#valueOf(Object)}. */
    Table row(Object... cells) {
        if (cells.length != header.length) {
            throw new IllegalArgumentException("a row of " + cells.length + " cells in a table of " + header.length
                    + " columns");
        }
        rows.add(Arrays.stream(cells).map(String::valueOf).toArray(String[]::new));
        return this;
    }

    /** Whether the table has no rows. */
    boolean isEmpty() {
        return rows.isEmpty();
    }

    @Override
    public String toString() {
        int[] widths = new int[header.length];
        measure(widths, header);
        rows.forEach(row -> measure(widths, row));
        StringBuilder text = new StringBuilder();
        append(text, widths, header);
        rows.forEach(row -> append(text, widths, row));
        return text.toString();
    }

    private static void measure(int[] widths, String[] cells) {
        for (int i = 0; i < cells.length; i++) {
            widths[i] = Math.max(widths[i], cells[i].length());
        }
    }

    private static void append(StringBuilder text, int[] widths, String[] cells) {
        int start = text.length();
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                text.append(GAP);
            }
            text.append(cells[i]);
            if (i < cells.length - 1) {
                text.repeat(' ', widths[i] - cells[i].length());
            }
        }
        int end = text.length();
        while (end > start && text.charAt(end - 1) == ' ') {
            end--;
        }
        text.setLength(end);
        text.append('\n');
    }
}
