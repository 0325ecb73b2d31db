package ai.zkllm.settlement;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.stream.Collectors;

/**
 * The SHA-256 of an epoch's inputs in one canonical text form, so "settled with these inputs"
 * can be checked later: ids and stakes as decimal integers, κ, α and the percentages as plain
 * decimals without trailing zeros (0.50 = 0.5), weights and bonds as the hex bits of their
 * doubles (exact, and independent of how a JDK prints a double), -0.0 as 0.0.
 */
public final class EpochInputDigest {

    private static final String VERSION = "zkllm-epoch-input/1";

    private EpochInputDigest() {}

    /** 64 lower-case hex digits. */
    public static String of(EpochInput input) {
        StringBuilder text = new StringBuilder(VERSION).append('\n');
        line(text, "brain", String.valueOf(input.brain()));
        line(text, "epoch", String.valueOf(input.epoch()));
        line(text, "validators", Arrays.stream(input.validatorIds()).mapToObj(String::valueOf).collect(Collectors.joining(",")));
        line(text, "stakes", Arrays.stream(input.stakes()).map(String::valueOf).collect(Collectors.joining(",")));
        line(text, "miners", Arrays.stream(input.minerIds()).mapToObj(String::valueOf).collect(Collectors.joining(",")));
        line(text, "weights", matrix(input.weights()));
        line(text, "previousBonds", input.previousBonds() == null ? "none" : matrix(input.previousBonds()));
        line(text, "kappa", decimal(input.kappa()));
        line(text, "alpha", decimal(input.alpha()));
        line(text, "blockEmission", input.emission().blockEmission().toString());
        line(text, "blocksPerEpoch", String.valueOf(input.emission().blocksPerEpoch()));
        line(text, "shares", decimal(input.shares().ownerPercent()) + "," + decimal(input.shares().minersPercent())
                + "," + decimal(input.shares().validatorsPercent()));
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static void line(StringBuilder text, String key, String value) {
        text.append(key).append('=').append(value).append('\n');
    }

    private static String decimal(BigDecimal value) {
        return value.stripTrailingZeros().toPlainString();
    }

    private static String matrix(double[][] rows) {
        return Arrays.stream(rows)
                .map(row -> Arrays.stream(row)
                        .mapToObj(v -> Long.toHexString(Double.doubleToLongBits(v + 0.0)))
                        .collect(Collectors.joining(",")))
                .collect(Collectors.joining(";"));
    }
}
