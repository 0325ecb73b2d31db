package ai.zkllm.squeeze.compile;

import ai.zkllm.fhe.circuits.DiagonalTransform;
import ai.zkllm.fhe.ckks.Parameters;
import ai.zkllm.program.plan.Layout;
import ai.zkllm.program.plan.Plan;
import ai.zkllm.program.plan.SqueezedFheProgram;
import ai.zkllm.program.plan.Stage;
import ai.zkllm.program.squeezed.SqueezedModel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Compiles a squeezed model to a {@link Plan}. The rounds are fixed by the model (per layer QKV,
 * PROJ, MLP, then HEAD: the client computes attention, LayerNorm scales and residuals between
 * them; with an affine ln_2 per layer QKV and PROJ_MLP, 2L + 1 rounds), each round's input level
 * is the depth it consumes, and the planner chooses the parameter
 * set: the ring degree N = 2^logN and the key-switching digits dnum, among those that meet 128-bit
 * security with the deepest round, by estimated latency per token at a given number of positions
 * per token (Σ op costs of a {@link CostModel} at their levels, client encryption included, plus
 * rounds × RTT). It prints every candidate. The scale is the largest (2^30): responses travel at
 * level 0 and fit its headroom by a factor the client undoes ({@code Layout.RESPONSE_FACTOR}).
 *
 * <p>Only key-switching digits of at most {@value #MAX_PRIMES_PER_DIGIT} primes are candidates: a
 * key switch divides by the special modulus P through a fast basis conversion whose error grows with
 * the α primes of P (one per prime of a digit), and every rotation pays it. On the tests' tiny model
 * at N = 2^14 (max logit error over five key draws, {@code SqueezedFheProgramTest}'s prompt), one
 * digit of all 7 primes gave 3.9e-3 to 1.1e-2 for the affine form and 8.2e-3 to 9.3e-3 for the exact
 * one, 2 to 4 primes per digit 4.6e-3 to 8.0e-3, against the bound of 1e-2. At N = 2^13 the
 * security table leaves only one prime per digit anyway.
 */
public final class PlanCompiler {
    public static final int LOG_SCALE = 30;
    private static final int MIN_LOG_N = 13;
    private static final int MAX_LOG_N = 16;
    /** The most primes per key-switching digit (α) a plan takes (see the class comment). */
    public static final int MAX_PRIMES_PER_DIGIT = 4;

    private final SqueezedModel model;
    private final CostModel cost;
    private final double rtt;
    private final int planningContext;

    /**
     * @param planningContext positions one token sends, the latency is estimated for (1: a token
     *     after the prompt; a prompt's length for its first token)
     */
    public PlanCompiler(SqueezedModel model, CostModel cost, double rttSeconds, int planningContext) {
        this.model = model;
        this.cost = cost;
        this.rtt = rttSeconds;
        this.planningContext = Math.max(1, Math.min(planningContext, model.maxContext()));
    }

    /** The stage of each round of one token: 2L + 1 with an affine ln_2, else 3L + 1. */
    public List<Stage> stages() {
        return stages(model.affineLn2());
    }

    private List<Stage> stages(boolean mergeProjMlp) {
        List<Stage> s = new ArrayList<>();
        for (int l = 0; l < model.layers().length; l++) {
            s.add(new Stage(Stage.Kind.QKV, l));
            if (mergeProjMlp) {
                s.add(new Stage(Stage.Kind.PROJ_MLP, l));
            } else {
                s.add(new Stage(Stage.Kind.PROJ, l));
                s.add(new Stage(Stage.Kind.MLP, l));
            }
        }
        s.add(new Stage(Stage.Kind.HEAD, -1));
        return s;
    }

    /** Levels a stage consumes. */
    public int depth(Stage s) {
        return SqueezedFheProgram.depth(model, s);
    }

    /**
     * The dnum values that meet 128-bit security for a chain of {@code depth} scale primes at N = 2^logN
     * with at most {@value #MAX_PRIMES_PER_DIGIT} primes per digit.
     */
    public static List<Integer> candidateDnums(int logN, int depth) {
        List<Integer> out = new ArrayList<>();
        for (int dnum = 1; dnum <= depth + 1; dnum++) {
            try {
                Parameters p = Parameters.builder().logN(logN).logScale(LOG_SCALE).depth(depth).dnum(dnum).build();
                if (p.alpha() <= MAX_PRIMES_PER_DIGIT) {
                    out.add(dnum);
                }
            } catch (IllegalArgumentException e) {
                // insecure: more digits (fewer special primes) may fit
            }
        }
        return out;
    }

    /** Compiles, printing the candidates, the choice and the round trade-off to {@code log}. */
    public Plan compile(Consumer<String> log) {
        Plan best = best(stages(), log);
        log.accept(String.format("chosen: N = 2^%d, dnum %d, %d rounds per token, estimated %.3f s per token",
                best.logN(), best.dnum(), best.roundCount(), best.estimatedSeconds()));
        log.accept(best.describe());
        printTradeOff(log);
        return best;
    }

    /** The cheapest plan of {@code rounds} over every candidate (N, dnum), each printed to {@code log}. */
    private Plan best(List<Stage> rounds, Consumer<String> log) {
        List<Integer> levels = rounds.stream().map(this::depth).toList();
        int depth = levels.stream().mapToInt(Integer::intValue).max().orElse(1);
        log.accept(String.format("plan candidates for %d rounds of depth ≤ %d, %d positions per token, RTT %.3f s"
                + " (scale 2^%d):", rounds.size(), depth, planningContext, rtt, LOG_SCALE));
        log.accept(String.format("  %5s %5s %10s %10s %10s", "logN", "dnum", "ops s", "rtt s", "total s"));
        Plan best = null;
        for (int logN = MIN_LOG_N; logN <= MAX_LOG_N; logN++) {
            if (Layout.width(model.config()) > 1 << (logN - 1)) {
                continue;
            }
            for (int dnum : candidateDnums(logN, depth)) {
                Plan p = new Plan(logN, LOG_SCALE, depth, dnum, rounds, levels, 0, planningContext, rtt);
                double ops = estimateOps(p, planningContext);
                double total = ops + rounds.size() * rtt;
                log.accept(String.format("  %5d %5d %10.3f %10.3f %10.3f", logN, dnum, ops, rounds.size() * rtt, total));
                if (best == null || total < best.estimatedSeconds()) {
                    best = new Plan(logN, LOG_SCALE, depth, dnum, rounds, levels, total, planningContext, rtt);
                }
            }
        }
        if (best == null) {
            throw new IllegalStateException("no 128-bit parameter set with N ≤ 2^" + MAX_LOG_N + " fits a round of depth "
                    + depth + " and rows of " + Layout.width(model.config()) + " slots");
        }
        return best;
    }

    /**
     * The two round structures of this model's shape side by side (the latency estimate carries
     * over: both run the same matrices), with the RTT at which the merged one starts to win. Which
     * one a model runs is fixed when it is squeezed (exact ln_2, or affine with {@code calibrate
     * --affine-ln2}); the agreement each reaches is its {@code squeeze report}.
     */
    private void printTradeOff(Consumer<String> log) {
        if (!model.clientNormalised()) {
            return; // calibrated normalisation: every LayerNorm is affine already, one structure
        }
        log.accept("round trade-off (ln_2 exact at the client, or affine: a per-position 1/σ the squeeze aligns):");
        log.accept(String.format("  %-8s %6s %6s %5s %12s %12s %12s", "ln_2", "rounds", "depth", "logN",
                "ops s", "s @ RTT 0.05", "s @ RTT 0.2"));
        double[] ops = new double[2];
        int[] rounds = new int[2];
        for (int affine = 0; affine < 2; affine++) {
            Plan p = best(stages(affine == 1), line -> { });
            ops[affine] = estimateOps(p, planningContext);
            rounds[affine] = p.roundCount();
            log.accept(String.format("  %-8s %6d %6d %5d %12.3f %12.3f %12.3f", affine == 1 ? "affine" : "exact",
                    rounds[affine], p.depth(), p.logN(), ops[affine], ops[affine] + rounds[affine] * 0.05,
                    ops[affine] + rounds[affine] * 0.2));
        }
        int saved = rounds[0] - rounds[1];
        log.accept(String.format("  affine saves %d rounds per token and wins above an RTT of %.3f s. This model: %s"
                + " ln_2 (the agreement each form reaches: `zkllm squeeze report`).", saved,
                Math.max(0, (ops[1] - ops[0]) / saved), model.affineLn2() ? "affine" : "exact"));
    }

    /** Seconds of homomorphic and client work for a token that sends {@code positions} rows (without RTT). */
    public double estimateOps(Plan p, int positions) {
        Parameters params = p.parameters();
        int alpha = params.alpha();
        CostModel c = cost.forLogN(p.logN());
        Layout layout = Layout.of(model.config(), params.slots());
        double ms = 0;
        for (int r = 0; r < p.roundCount(); r++) {
            Stage s = p.rounds().get(r);
            int l = p.inputLevels().get(r);
            double perCiphertext = switch (s.kind()) {
                case QKV -> matrix(c, alpha, l, model.config().nEmbd(), 3 * model.config().nEmbd());
                case PROJ -> matrix(c, alpha, l, model.config().nEmbd(), model.config().nEmbd());
                case MLP -> mlp(c, alpha, l, s.layer());
                case PROJ_MLP -> matrix(c, alpha, l, 2 * model.config().nEmbd() + 1, model.config().nEmbd())
                        + mlp(c, alpha, l - 1, s.layer()) + c.encode(l - 1) + c.ptMul(l - 1) + c.rescale(l - 1);
                case HEAD -> matrix(c, alpha, l, model.config().nEmbd(), layout.vocabularySlices(model.vocabularySize()));
            };
            int ciphertexts = s.kind() == Stage.Kind.HEAD ? 1 : layout.ciphertexts(positions);
            ms += ciphertexts * (perCiphertext + c.encrypt(l) + c.encode(l));
        }
        return ms / 1000;
    }

    /** The MLP of layer {@code layer} entered at level l: fc, the GELU polynomial, fc_proj. */
    private double mlp(CostModel c, int alpha, int l, int layer) {
        int d = model.config().nEmbd();
        int inner = model.config().nInner();
        var gelu = model.layer(layer).gelu;
        int g = l - 1;
        return matrix(c, alpha, l, d, inner)
                + (gelu.degree() + 1) * (c.ctMul(g) + c.keySwitch(g, alpha) + c.rescale(g) + c.encode(g))
                + matrix(c, alpha, g - gelu.depth(), inner, d);
    }

    /**
     * {@code PackedMatrix}es [in, out_i] on one input at level l: hoisted baby rotations (once for
     * all, as {@code PackedMatrix.applyEach}), then per matrix its giant rotations, diagonals and folds.
     */
    private static double matrix(CostModel c, int alpha, int l, int in, int... outs) {
        int nIn = Layout.period(in);
        int babies = 0;
        for (int out : outs) {
            babies = Math.max(babies, DiagonalTransform.defaultStride(Math.min(nIn, Layout.period(out))) - 1);
        }
        double ms = 0;
        for (int i = 0; i < outs.length; i++) {
            int count = Math.min(nIn, Layout.period(outs[i]));
            int giants = count / DiagonalTransform.defaultStride(count) - 1;
            int folds = Integer.numberOfTrailingZeros(nIn / count);
            // the terms in the order of one matrix's estimate, so that a plan's stored estimate keeps its bytes
            ms += (i == 0 ? babies * 0.6 * c.keySwitch(l, alpha) : 0) + giants * c.keySwitch(l, alpha)
                    + count * (c.encode(l) + c.ptMul(l)) + c.rescale(l) + folds * c.keySwitch(l - 1, alpha)
                    + c.encode(l - 1);
        }
        return ms;
    }
}
