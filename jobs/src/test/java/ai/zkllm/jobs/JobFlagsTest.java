package ai.zkllm.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class JobFlagsTest {

    @TempDir
    Path tmp;

    @Test
    void helpPrintsTheFlagsAndAsksNotToRun() {
        CommandLine commandLine = JobFlags.commandLine(InferenceJob.class, new InferenceJobConfig());
        StringWriter out = new StringWriter();
        commandLine.setOut(new PrintWriter(out));

        assertFalse(JobFlags.parse(commandLine, new String[] {"--help"}));
        assertTrue(out.toString().contains("--kafka-property=KEY=VALUE"), out.toString());
        assertTrue(out.toString().contains("--config=FILE"), out.toString());
        assertTrue(out.toString().contains("ai.zkllm.jobs.InferenceJob"), out.toString());
    }

    @Test
    void propertiesFileGivesDefaultsAndTheCommandLineWins() throws IOException {
        Path file = Files.writeString(tmp.resolve("validation.properties"), """
                brain=3
                validator-id=7
                replay-fraction=0.5
                bootstrap-servers=kafka:9092
                kafka-property.security.protocol=SASL_SSL
                kafka-property.sasl.mechanism=PLAIN
                """);
        ValidationJobConfig cfg = new ValidationJobConfig();

        assertTrue(JobFlags.parse(JobFlags.commandLine(ValidationJob.class, cfg),
                new String[] {"--config", file.toString(), "--replay-fraction", "0.25"}));
        assertEquals(3, cfg.brain);
        assertEquals(7, cfg.validatorId);
        assertEquals(0.25, cfg.replayFraction);
        assertEquals("kafka:9092", cfg.kafka.bootstrapServers);
        assertEquals(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "PLAIN"), cfg.kafka.properties);
    }

    @Test
    void yamlFileTakesNestedMapsAndLists() throws IOException {
        Path file = Files.writeString(tmp.resolve("validation.yaml"), """
                brain: 3
                validator-id: 7
                miners: [10, 11]
                kafka-property:
                  security.protocol: SSL
                """);
        ValidationJobConfig cfg = new ValidationJobConfig();

        assertTrue(JobFlags.parse(JobFlags.commandLine(ValidationJob.class, cfg),
                new String[] {"--config=" + file, "--kafka-property", "ssl.enabled.protocols=TLSv1.3"}));
        assertEquals(List.of("10", "11"), cfg.miners);
        // A repeatable flag on the command line replaces the file's, like any other flag.
        assertEquals(Map.of("ssl.enabled.protocols", "TLSv1.3"), cfg.kafka.properties);
    }

    @Test
    void aKeyThatNamesNoFlagIsRefused() throws IOException {
        Path file = Files.writeString(tmp.resolve("inference.properties"), "catalog-uri=http://iceberg:8181\n");

        CommandLine.ParameterException e = assertThrows(CommandLine.ParameterException.class, () -> JobFlags.parse(
                JobFlags.commandLine(InferenceJob.class, new InferenceJobConfig()), new String[] {"--config", file.toString()}));
        assertTrue(e.getMessage().contains("catalog-uri is not a flag"), e.getMessage());
    }

    /** --warm-up takes all, none or model hashes: anything else is one line that names the value. */
    @Test
    void aBadWarmUpIsRefusedInOneLine() {
        CommandLine.ParameterException e = assertThrows(CommandLine.ParameterException.class, () -> JobFlags.parse(
                JobFlags.commandLine(InferenceJob.class, new InferenceJobConfig()), new String[] {"--warm-up", "some"}));
        String line = JobFlags.refusal(e);
        assertEquals(1, line.lines().count(), line);
        assertTrue(line.contains("'--warm-up'") && line.contains("'some' is not all, none or a model hash"), line);
    }

    /** The jobs' mains check --backend and --parallelism as the CLI does, and refuse in one line. */
    @Test
    void aBadBackendOrParallelismIsRefusedInOneLineBeforeTheJobIsBuilt() {
        Map<CommandLine, String[]> jobs = Map.of(
                JobFlags.commandLine(InferenceJob.class, new InferenceJobConfig()), new String[0],
                JobFlags.commandLine(ValidationJob.class, new ValidationJobConfig()),
                new String[] {"--brain", "3", "--validator-id", "1"});
        String[][] badFlags = {{"--backend", "tpu"}, {"--parallelism", "0"}, {"--parallelism", "-1"}};
        jobs.forEach((commandLine, required) -> {
            for (String[] flag : badFlags) {
                String[] args = Stream.concat(Arrays.stream(required), Arrays.stream(flag))
                        .toArray(String[]::new);
                CommandLine.ParameterException e = assertThrows(CommandLine.ParameterException.class,
                        () -> JobFlags.parse(commandLine, args));
                String line = JobFlags.refusal(e);
                assertEquals(1, line.lines().count(), line);
                assertTrue(line.contains("'" + flag[0] + "'") && line.contains(flag[1]), line);
                assertTrue(line.endsWith(" --help')"), line);
            }
        });
    }

    @Test
    void anUnknownFlagIsAParameterError() {
        assertThrows(CommandLine.UnmatchedArgumentException.class, () -> JobFlags.parse(
                JobFlags.commandLine(InferenceJob.class, new InferenceJobConfig()), new String[] {"--catalog-uri", "x"}));
    }
}
