package ai.zkllm.jobs;

import ai.zkllm.fhe.ring.RingBackends;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A {@code --backend} value, checked when the command line is parsed: a typo fails before a broker
 * or job starts. The one check of every {@code --backend} flag, of the CLI and of the jobs.
 */
public final class BackendName implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
        if (!RingBackends.NAMES.contains(value.trim().toLowerCase(Locale.ROOT))) {
            throw new TypeConversionException("unknown backend '" + value + "'; valid names: "
                    + String.join(", ", RingBackends.NAMES));
        }
        return value;
    }
}
