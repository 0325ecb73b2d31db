package ai.zkllm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * "Money is integers": stakes of any size and κ as written decide the quorum exactly, and payouts
 * by stake are exact, through {@code zkllm settle} from JSON.
 */
class SettleExactMoneyTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path folder;

    /**
     * Validator 0 weights only miner 10, validator 1 only miner 11; returns the settlement JSON.
     * Stakes and κ are written as JSON numbers, verbatim.
     */
    private JsonNode settle(String stake0, String stake1, String kappa, String weights) throws IOException {
        Path input = folder.resolve("epoch.json");
        Files.writeString(input, """
                {"brain": 1, "epoch": 0,
                 "validators": [{"id": 0, "stake": %s}, {"id": 1, "stake": %s}],
                 "miners": [10, 11], "weights": %s, "kappa": %s,
                 "emission": {"blockEmission": "1000000000000000000"}}
                """.formatted(stake0, stake1, weights, kappa));
        CliRun run = CliRun.of("settle", "--input", input.toString());
        assertEquals(0, run.exitCode(), run.err());
        return JSON.readTree(run.out());
    }

    private static double consensus(JsonNode settlement, int miner) {
        return settlement.get("miners").get(miner).get("consensus").asDouble();
    }

    @ParameterizedTest(name = "κ = {0}")
    @ValueSource(strings = {"0.1", "0.2", "0.4", "0.67", "0.8", "0.9"})
    void aStakeExactlyAtKappaIsAQuorum(String kappa) throws IOException {
        // Stakes 100·κ and 100·(1 − κ): validator 0 alone holds exactly κ of the stake.
        int atKappa = new BigDecimal(kappa).movePointRight(2).intValueExact();

        JsonNode settlement = settle(String.valueOf(atKappa), String.valueOf(100 - atKappa), kappa, "[[1, 0], [0, 1]]");

        assertEquals(1.0, consensus(settlement, 0), "validator 0's weight is backed by exactly κ");
    }

    @ParameterizedTest(name = "κ = {0}")
    @ValueSource(strings = {"0.3", "0.6", "0.7"})
    void aStakeOneBaseUnitShortOfKappaIsNoQuorum(String kappa) throws IOException {
        // Total 10^24 base units (a million tokens); validator 0 holds κ of it minus one base unit.
        BigInteger total = BigInteger.TEN.pow(24);
        BigInteger shortOfKappa = new BigDecimal(kappa).multiply(new BigDecimal(total))
                .toBigIntegerExact().subtract(BigInteger.ONE);

        JsonNode settlement = settle(shortOfKappa.toString(), total.subtract(shortOfKappa).toString(), kappa,
                "[[1, 0], [0, 1]]");

        assertEquals(0.0, consensus(settlement, 0), "validator 0 is one base unit short of κ");
    }

    @Test
    void stakesAboveTwoToThe53DifferingByOneUnitAreNotEqual() throws IOException {
        // 10^24 against 10^24 + 1 with κ = 0.5: only validator 1 holds half or more.
        JsonNode settlement = settle("1000000000000000000000000", "1000000000000000000000001", "0.5",
                "[[1, 0], [0, 1]]");

        assertEquals(0.0, consensus(settlement, 0));
        assertEquals(1.0, consensus(settlement, 1));
    }

    @Test
    void validatorsPaidByStakeGetTheExactLargestRemainderShares() throws IOException {
        // No weights: the miner pool joins the validator pool, 295.2 tokens split by stake exactly
        // (floor of pool·s/Σs, then the left-over units to the largest remainders), computed with
        // arbitrary-precision integers outside Java.
        Path input = folder.resolve("by-stake.json");
        Files.writeString(input, """
                {"brain": 1, "epoch": 0,
                 "validators": [{"id": 0, "stake": 123456789012345678901234},
                                {"id": 1, "stake": "987654321098765432109876"},
                                {"id": 2, "stake": 555555555555555555555555}],
                 "miners": [10], "weights": [[0], [0], [0]],
                 "emission": {"blockEmission": "1000000000000000000"}}
                """);
        CliRun run = CliRun.of("settle", "--input", input.toString());
        assertEquals(0, run.exitCode(), run.err());
        JsonNode validators = JSON.readTree(run.out()).get("validators");

        assertEquals("21866666482986666538", validators.get(0).get("reward").asText());
        assertEquals("174933333457973333421", validators.get(1).get("reward").asText());
        assertEquals("98400000059040000041", validators.get(2).get("reward").asText());
    }
}
