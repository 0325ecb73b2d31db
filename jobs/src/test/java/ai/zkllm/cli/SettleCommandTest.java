package ai.zkllm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettleCommandTest {

    /** Surefire runs in the module folder; the example lives at the repository root. */
    private static final Path EXAMPLE = Path.of("..", "examples", "epoch.json");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path folder;

    private static BigInteger amount(JsonNode node) {
        return new BigInteger(node.asText());
    }

    @Test
    void settlesTheExampleAndPaysExactlyItsEmission() throws IOException {
        CliRun run = CliRun.of("settle", "--input", EXAMPLE.toString());

        assertEquals(0, run.exitCode(), run.err());
        JsonNode settlement = JSON.readTree(run.out());
        assertEquals(new BigInteger("360000000000000000000"), amount(settlement.get("emission")));
        BigInteger paid = amount(settlement.get("owner").get("reward"));
        double incentive = 0;
        for (JsonNode miner : settlement.get("miners")) {
            paid = paid.add(amount(miner.get("reward")));
            incentive += miner.get("incentive").asDouble();
        }
        double dividends = 0;
        for (JsonNode validator : settlement.get("validators")) {
            paid = paid.add(amount(validator.get("reward")));
            dividends += validator.get("dividend").asDouble();
        }
        assertEquals(amount(settlement.get("emission")), paid);
        assertEquals(1, incentive, 1e-12);
        assertEquals(1, dividends, 1e-12);
        assertEquals(0.8, settlement.get("miners").get(0).get("consensus").asDouble());
        assertEquals(0.6, settlement.get("miners").get(1).get("consensus").asDouble());
        assertEquals(3, settlement.get("bonds").size());
    }

    @Test
    void writesTheOutputFileWholeAndLeavesNothingElse() throws IOException {
        Path output = folder.resolve("settlement.json");

        CliRun run = CliRun.of("settle", "--input", EXAMPLE.toString(), "--output", output.toString());

        assertEquals(0, run.exitCode(), run.err());
        assertEquals("", run.out());
        assertEquals(CliRun.of("settle", "--input", EXAMPLE.toString()).out(), Files.readString(output));
        try (Stream<Path> files = Files.list(folder)) {
            assertEquals(List.of(output), files.toList());
        }
    }

    @Test
    void malformedJsonIsOneLineOnStderrWithExitCodeTwo() throws IOException {
        Path input = Files.writeString(folder.resolve("epoch.json"), "{\"brain\": 1,");
        Path output = folder.resolve("settlement.json");

        CliRun run = CliRun.of("settle", "--input", input.toString(), "--output", output.toString());

        assertEquals(SettleCommand.INVALID_INPUT, run.exitCode());
        assertOneLine(run.err(), "zkllm settle: invalid JSON in " + input + " at line 1");
        assertEquals("", run.out());
        assertFalse(Files.exists(output));
    }

    @Test
    void invalidEpochNamesTheFieldAndKeepsTheOldOutput() throws IOException {
        String negativeStake = Files.readString(EXAMPLE).replace("\"stake\": 3000", "\"stake\": -3");
        Path input = Files.writeString(folder.resolve("epoch.json"), negativeStake);
        Path output = Files.writeString(folder.resolve("settlement.json"), "previous");

        CliRun run = CliRun.of("settle", "--input", input.toString(), "--output", output.toString());

        assertEquals(SettleCommand.INVALID_INPUT, run.exitCode());
        assertOneLine(run.err(), "zkllm settle: invalid epoch in " + input
                + ": validators[id=1].stake: must be ≥ 0, got -3");
        assertEquals("previous", Files.readString(output));
    }

    @Test
    void missingAndMistypedFieldsAreNamed() throws IOException {
        String example = Files.readString(EXAMPLE);
        Path noBrain = Files.writeString(folder.resolve("a.json"), example.replace("\"brain\": 3,", ""));
        Path wrongType = Files.writeString(folder.resolve("b.json"), example.replace("[10, 11]", "[10, \"x\"]"));
        Path unknown = Files.writeString(folder.resolve("c.json"), example.replace("\"kappa\"", "\"kapa\""));
        Path fractionalStake = Files.writeString(folder.resolve("d.json"), example.replace("\"stake\": 3000", "\"stake\": 3000.5"));

        assertOneLine(CliRun.of("settle", "--input", noBrain.toString()).err(),
                "zkllm settle: invalid epoch in " + noBrain + ": brain: is required");
        assertOneLine(CliRun.of("settle", "--input", wrongType.toString()).err(), "(miners[1])");
        assertOneLine(CliRun.of("settle", "--input", unknown.toString()).err(), "unknown field \"kapa\"");
        assertOneLine(CliRun.of("settle", "--input", fractionalStake.toString()).err(), "(validators[1].stake)");
    }

    @Test
    void optionalFieldsTakeTheirDefaults() throws IOException {
        Path input = Files.writeString(folder.resolve("epoch.json"), """
                {"brain": 0, "epoch": 0, "validators": [{"id": 1, "stake": 1}], "miners": [5],
                 "weights": [[1]], "emission": {"blockEmission": 7}}
                """);

        CliRun run = CliRun.of("settle", "--input", input.toString());

        assertEquals(0, run.exitCode(), run.err());
        JsonNode settlement = JSON.readTree(run.out());
        // 360 blocks × 7 units = 2520 → 18% = 453.6 → 454 (largest fraction), 41% = 1033.2 → 1033 each.
        assertEquals("2520", settlement.get("emission").asText());
        assertEquals("454", settlement.get("owner").get("reward").asText());
        assertEquals("1033", settlement.get("miners").get(0).get("reward").asText());
        assertEquals("1033", settlement.get("validators").get(0).get("reward").asText());
    }

    @Test
    void helpListsTheOptions() {
        CliRun run = CliRun.of("settle", "--help");

        assertEquals(0, run.exitCode());
        assertTrue(run.out().contains("--input=FILE") && run.out().contains("--output=FILE"), run.out());
    }

    private static void assertOneLine(String err, String expectedPart) {
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.contains(expectedPart), err);
        assertFalse(err.contains("\tat "), err);
    }
}
