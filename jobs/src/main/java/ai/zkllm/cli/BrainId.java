package ai.zkllm.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A {@code --brain} value: brains are numbered (registrations, scores and settlement key them by
 * number), so a name such as {@code b1} would address a brain no miner serves; refused at parse time.
 */
final class BrainId implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
        try {
            int id = Integer.parseInt(value.trim());
            if (id >= 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // refused below, with the one message
        }
        throw new TypeConversionException("'" + value + "' is not a brain id; brain ids are numbers, e.g. --brain 3");
    }
}
