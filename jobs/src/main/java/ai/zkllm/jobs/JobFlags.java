package ai.zkllm.jobs;

import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * How a job's {@code main} reads its flags: the config object's picocli options plus {@code --help}
 * and {@code --config FILE} ({@link ConfigFileDefaults}). {@code flink run} prints a stack trace
 * for anything a main throws, so help and bad flags end here with a message instead.
 */
public final class JobFlags {

    private static final int BAD_FLAGS = 2;

    private JobFlags() {}

    /** The command line of {@code job} over {@code config}'s options, with --help and --config. */
    public static CommandLine commandLine(Class<?> job, Object config) {
        CommandSpec spec = CommandSpec.forAnnotatedObject(config).name("flink run -c " + job.getName() + " zkllm-jobs-flink.jar");
        spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
                .description("print these flags and exit").build());
        spec.addOption(OptionSpec.builder("--config").paramLabel("FILE").type(Path.class)
                .description("a .properties or .yaml file of flags: keys are the flag names without dashes;"
                        + " flags on the command line win").build());
        return new CommandLine(spec);
    }

    /**
     * Parses {@code args} into the command line's config: the config file first (as defaults), then the
     * flags. Returns false when only help was asked for, after printing it.
     *
     * @throws CommandLine.ParameterException on an unknown flag, a bad value or an unreadable config file
     */
    public static boolean parse(CommandLine commandLine, String[] args) {
        Path file = configFile(args);
        ConfigFileDefaults defaults = file == null ? null : ConfigFileDefaults.read(file, commandLine.getCommandSpec());
        commandLine.setDefaultValueProvider(defaults);
        ParseResult parsed = commandLine.parseArgs(args);
        if (commandLine.isUsageHelpRequested()) {
            commandLine.usage(commandLine.getOut());
            return false;
        }
        if (defaults != null) {
            defaults.applyMultiValues(parsed);
        }
        return true;
    }

    /** {@link #parse} for a job's main: true to run; on bad flags, {@link #refusal} on stderr and exit code 2. */
    public static boolean parseOrExit(Class<?> job, Object config, String[] args) {
        CommandLine commandLine = commandLine(job, config);
        try {
            return parse(commandLine, args);
        } catch (CommandLine.ParameterException e) {
            commandLine.getErr().println(refusal(e));
            commandLine.getErr().flush();
            System.exit(BAD_FLAGS);
            return false;
        }
    }

    /**
     * The one line a bad flag gets: what is wrong and where the flags are listed. The usage itself
     * (some fifty lines) would push the reason out of a scheduler's log excerpt.
     */
    static String refusal(CommandLine.ParameterException e) {
        String name = e.getCommandLine().getCommandSpec().name();
        return (e.getMessage() + " (see '" + name + " --help')").replaceAll("\\s*\\R\\s*", " ");
    }

    /** The defaults must be known before picocli parses, so --config is found ahead of it. */
    private static Path configFile(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                return Path.of(args[i + 1]);
            }
            if (args[i].startsWith("--config=")) {
                return Path.of(args[i].substring("--config=".length()));
            }
        }
        return null;
    }
}
