package ai.zkllm.cli;

import ai.zkllm.analytics.NetworkCatalog;
import ai.zkllm.analytics.SettlementRefusedException;
import ai.zkllm.jobs.SettlementJob;
import ai.zkllm.settlement.EmissionSchedule;
import ai.zkllm.settlement.EpochSettlement;
import ai.zkllm.settlement.InvalidEpochException;
import ai.zkllm.settlement.RewardShares;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code zkllm settle-epoch}: the SettlementJob for one brain's epoch, from and to the Iceberg tables. */
@Command(
        name = "settle-epoch",
        description = {
            "Settles one brain's epoch from the Iceberg tables into consensus, dividends, bonds and rewards.",
            "Stakes come from accepted registrations, weights from scores, previous bonds from the settled epoch-1.",
            "The epoch becomes visible all at once, with its row in the epochs ledger (docs/analytics.md).",
            "Running it again with the same inputs does nothing; with other inputs it is refused unless",
            "--resettle --reason TEXT is given. Exit code 2, with one line on stderr, when the epoch cannot be",
            "settled (e.g. no validators) or is refused."
        })
public final class SettleEpochCommand implements Callable<Integer> {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    private boolean help;

    @Mixin
    private CatalogOptions catalogOptions;

    @Option(names = "--brain", required = true, converter = BrainId.class, description = "The brain id (a number).")
    private int brain;

    @Option(names = "--epoch", required = true, description = "The epoch number.")
    private long epoch;

    @Option(names = "--kappa", defaultValue = "0.5",
            description = "Consensus quorum in (0, 1], an exact decimal (default: ${DEFAULT-VALUE}).")
    private BigDecimal kappa;

    @Option(names = "--alpha", defaultValue = "0.1",
            description = "Bond smoothing in [0, 1], an exact decimal (default: ${DEFAULT-VALUE}).")
    private BigDecimal alpha;

    @Option(names = "--block-emission", defaultValue = "1000000000000000000", paramLabel = "BASE_UNITS",
            description = "Base units per block in the first year (default: ${DEFAULT-VALUE}, one token).")
    private BigInteger blockEmission;

    @Option(names = "--blocks-per-epoch", defaultValue = "360", description = "Blocks per epoch (default: ${DEFAULT-VALUE}).")
    private long blocksPerEpoch;

    @Option(names = "--resettle",
            description = "Replace an epoch already settled with other inputs (needs --reason); recorded in the epochs ledger.")
    private boolean resettle;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why the epoch is resettled; kept in the epochs ledger.")
    private String reason;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (resettle != (reason != null) || (reason != null && reason.isBlank())) {
            return fail(resettle ? "--resettle needs --reason \"TEXT\" saying why the settled epoch is replaced"
                    : "--reason goes with --resettle");
        }
        NetworkCatalog network = catalogOptions.catalog();
        var out = spec.commandLine().getOut();
        // what it is doing, on stdout: stderr is kept to the one line of a refusal
        out.printf("settling brain %d epoch %d from the tables in %s: stakes from registrations, weights from scores, "
                + "bonds of epoch %d...%n", brain, epoch, catalogOptions.warehouse, epoch - 1);
        out.flush();
        SettlementJob.Result result;
        try {
            result = SettlementJob.run(network, new SettlementJob.Params(brain, epoch, kappa, alpha,
                    new EmissionSchedule(blockEmission, blocksPerEpoch), RewardShares.DEFAULT, reason));
        } catch (InvalidEpochException e) {
            return fail("cannot settle brain " + brain + " epoch " + epoch + ": " + e.getMessage());
        } catch (SettlementRefusedException e) {
            return fail(e.getMessage());
        }
        if (!result.committed()) {
            out.printf("brain %d epoch %d is already settled with these inputs (revision %d, inputs sha256 %s): nothing to do%n",
                    brain, epoch, result.revision(), result.inputsDigest());
            out.flush();
            return 0;
        }
        EpochSettlement s = result.settlement();
        BigInteger miners = Arrays.stream(s.minerRewards()).reduce(BigInteger.ZERO, BigInteger::add);
        BigInteger validators = Arrays.stream(s.validatorRewards()).reduce(BigInteger.ZERO, BigInteger::add);
        out.printf("settled brain %d epoch %d: emission %s = owner %s + miners %s (%s) + validators %s (%s)%n",
                brain, epoch, s.emission(), s.ownerReward(), miners, count(s.minerIds().length, "miner"),
                validators, count(s.validatorIds().length, "validator"));
        if (result.ignoredScores() > 0) {
            out.printf("ignored %d (validator, miner) score pairs naming ids not registered to brain %d%n",
                    result.ignoredScores(), brain);
        }
        out.printf("committed brain %d epoch %d revision %d: consensus, dividends, bonds, rewards, then the epochs ledger"
                + " (inputs sha256 %s)%n", brain, epoch, result.revision(), result.inputsDigest());
        out.flush();
        return 0;
    }

    private int fail(String message) {
        spec.commandLine().getErr().println("zkllm settle-epoch: " + message);
        spec.commandLine().getErr().flush();
        return SettleCommand.INVALID_INPUT;
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
