package ai.zkllm.cli;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.types.logical.LogicalTypeFamily;
import org.apache.flink.types.Row;

/**
 * Renders query results as an aligned text table: a header, a rule, one line per row; numbers
 * right-aligned (their headers too), text left-aligned, SQL NULL as {@code NULL}; then a row count. DECIMAL money
 * prints in full (no exponent).
 */
final class TextTable {

    private TextTable() {}

    static String render(ResolvedSchema schema, List<Row> rows) {
        List<String> names = schema.getColumnNames();
        int columns = names.size();
        boolean[] numeric = new boolean[columns];
        for (int c = 0; c < columns; c++) {
            numeric[c] = schema.getColumnDataTypes().get(c).getLogicalType().is(LogicalTypeFamily.NUMERIC);
        }
        List<String[]> cells = new ArrayList<>();
        int[] width = new int[columns];
        for (int c = 0; c < columns; c++) {
            width[c] = names.get(c).length();
        }
        for (Row row : rows) {
            String[] line = new String[columns];
            for (int c = 0; c < columns; c++) {
                line[c] = text(row.getField(c));
                width[c] = Math.max(width[c], line[c].length());
            }
            cells.add(line);
        }
        StringBuilder out = new StringBuilder();
        appendLine(out, names.toArray(String[]::new), width, numeric);
        String[] rule = new String[columns];
        for (int c = 0; c < columns; c++) {
            rule[c] = "-".repeat(width[c]);
        }
        appendLine(out, rule, width, new boolean[columns]);
        for (String[] line : cells) {
            appendLine(out, line, width, numeric);
        }
        out.append('(').append(rows.size()).append(rows.size() == 1 ? " row)" : " rows)").append('\n');
        return out.toString();
    }

    private static String text(Object value) {
        if (value == null) {
            return "NULL";
        }
        if (value instanceof java.math.BigDecimal decimal) {
            return decimal.toPlainString();
        }
        return value.toString();
    }

    private static void appendLine(StringBuilder out, String[] line, int[] width, boolean[] right) {
        StringBuilder text = new StringBuilder();
        for (int c = 0; c < line.length; c++) {
            if (c > 0) {
                text.append("  ");
            }
            String pad = " ".repeat(width[c] - line[c].length());
            text.append(right[c] ? pad + line[c] : line[c] + pad);
        }
        out.append(text.toString().stripTrailing()).append('\n');
    }
}
