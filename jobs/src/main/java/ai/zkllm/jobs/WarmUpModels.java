package ai.zkllm.jobs;

import ai.zkllm.operators.inference.WarmUpSelection;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A {@code --warm-up} value, checked when the command line is parsed. */
public final class WarmUpModels implements ITypeConverter<WarmUpSelection> {
    @Override
    public WarmUpSelection convert(String value) {
        try {
            return WarmUpSelection.parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
