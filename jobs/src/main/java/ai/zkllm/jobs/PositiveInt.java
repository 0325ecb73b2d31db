package ai.zkllm.jobs;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A count that must be at least 1 ({@code --tokens}, {@code --parallelism}), checked when the command
 * line is parsed: 0 would do nothing or hang, and Flink would refuse it only once the job starts.
 */
public final class PositiveInt implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
        int n;
        try {
            n = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is not a whole number");
        }
        if (n < 1) {
            throw new TypeConversionException("must be at least 1, got " + n);
        }
        return n;
    }
}
