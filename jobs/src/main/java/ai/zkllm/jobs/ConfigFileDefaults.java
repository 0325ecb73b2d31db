package ai.zkllm.jobs;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import picocli.CommandLine;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * A job's {@code --config FILE}: a properties or YAML file whose keys are the long flag names
 * without dashes ({@code bootstrap-servers: kafka:9092}). A repeatable {@code KEY=VALUE} flag takes
 * {@code kafka-property.KEY: VALUE} (or a nested YAML map), a list flag a YAML list or commas.
 * Values are picocli's defaults, so a flag on the command line wins over the file.
 */
final class ConfigFileDefaults implements IDefaultValueProvider {

    /** Flattened: nested YAML maps become dotted keys, lists comma-separated values. */
    private final Map<String, String> values;

    private ConfigFileDefaults(Map<String, String> values) {
        this.values = values;
    }

    /** Reads {@code file}; YAML when it ends in .yaml or .yml, else properties. Keys that name no flag are refused. */
    static ConfigFileDefaults read(Path file, CommandSpec spec) {
        Map<String, String> values;
        try {
            values = load(file);
        } catch (IOException | YamlEngineException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "cannot read --config " + file + ": " + e.getMessage());
        }
        for (String key : values.keySet()) {
            if (optionOf(key, spec) == null) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--config " + file + ": " + key + " is not a flag of this job");
            }
        }
        return new ConfigFileDefaults(values);
    }

    private static Map<String, String> load(Path file) throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        String name = file.getFileName().toString();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            if (name.endsWith(".yaml") || name.endsWith(".yml")) {
                Object root = new Load(LoadSettings.builder().build()).loadFromReader(in);
                if (root instanceof Map<?, ?> map) {
                    flatten("", map, values);
                } else if (root != null) {
                    throw new IOException("not a YAML mapping of flag names to values");
                }
            } else {
                Properties properties = new Properties();
                properties.load(in);
                properties.stringPropertyNames().forEach(key -> values.put(key, properties.getProperty(key).trim()));
            }
        }
        return values;
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        // Multi-value options get theirs in applyMultiValues: a default is one string for picocli to split.
        return arg instanceof OptionSpec option && !option.isMultiValue() ? values.get(key(option)) : null;
    }

    /** Sets the repeatable flags the command line left out from the file. */
    void applyMultiValues(ParseResult parsed) {
        for (OptionSpec option : parsed.commandSpec().options()) {
            if (!option.isMultiValue() || parsed.hasMatchedOption(option)) {
                continue;
            }
            String key = key(option);
            if (Map.class.isAssignableFrom(option.type())) {
                Map<String, String> entries = new LinkedHashMap<>();
                values.forEach((k, v) -> {
                    if (k.startsWith(key + ".")) {
                        entries.put(k.substring(key.length() + 1), v);
                    }
                });
                if (!entries.isEmpty()) {
                    option.setValue(entries);
                }
            } else if (values.containsKey(key)) {
                String split = option.splitRegex().isEmpty() ? "," : option.splitRegex();
                option.setValue(new ArrayList<>(Arrays.asList(values.get(key).split(split))));
            }
        }
    }

    private static OptionSpec optionOf(String key, CommandSpec spec) {
        for (OptionSpec option : spec.options()) {
            String name = key(option);
            if (key.equals(name) || (Map.class.isAssignableFrom(option.type()) && key.startsWith(name + "."))) {
                return option;
            }
        }
        return null;
    }

    private static String key(OptionSpec option) {
        return option.longestName().replaceFirst("^-+", "");
    }

    private static void flatten(String prefix, Map<?, ?> map, Map<String, String> out) {
        map.forEach((k, v) -> {
            String key = prefix + k;
            if (v instanceof Map<?, ?> nested) {
                flatten(key + ".", nested, out);
            } else if (v instanceof List<?> list) {
                out.put(key, String.join(",", list.stream().map(String::valueOf).toList()));
            } else {
                out.put(key, String.valueOf(v));
            }
        });
    }
}
