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
 * them), each round's input level is the depth it consumes, and the planner chooses the parameter
 * set: the ring degree N = 2^logN and the key-switching digits dnum, among those that meet 128-bit
 * security with the deepest round, by estimated latency per token at a given number of positions
 * per token (Σ op costs of a {@link CostModel} at their levels, client encryption included, plus
 * rounds × RTT). It prints every candidate. The scale is the largest (2^30): responses travel at
 * level 0 and fit its headroom by a factor the client undoes ({@code Layout.RESPONSE_FACTOR}).
 */
public final class PlanCompiler {
    public static final int LOG_SCALE = 30;
    private static final int MIN_LOG_N = 13;
    private static final int MAX_LOG_N = 16;

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

    /** The stage of each round of one token. */
    public List<Stage> stages() {
        List<Stage> s = new ArrayList<>();
        for (int l = 0; l < model.layers().length; l++) {
            s.add(new Stage(Stage.Kind.QKV, l));
            s.add(new Stage(Stage.Kind.PROJ, l));
            s.add(new Stage(Stage.Kind.MLP, l));
        }
        s.add(new Stage(Stage.Kind.HEAD, -1));
        return s;
    }

    /** Levels a stage consumes. */
    public int depth(Stage s) {
        return SqueezedFheProgram.depth(model, s);
    }

    /** The dnum values that meet 128-bit security for a chain of {@code depth} scale primes at N = 2^logN. */
    public static List<Integer> secureDnums(int logN, int depth) {
        List<Integer> out = new ArrayList<>();
        for (int dnum = 1; dnum <= depth + 1; dnum++) {
            try {
                Parameters.builder().logN(logN).logScale(LOG_SCALE).depth(depth).dnum(dnum).build();
                out.add(dnum);
            } catch (IllegalArgumentException e) {
                // insecure: more digits (fewer special primes) may fit
            }
        }
        return out;
    }

    /** Compiles, printing the candidates and the choice to {@code log}. */
    public Plan compile(Consumer<String> log) {
        List<Stage> rounds = stages();
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
            for (int dnum : secureDnums(logN, depth)) {
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
        log.accept(String.format("chosen: N = 2^%d, dnum %d, %d rounds per token, estimated %.3f s per token",
                best.logN(), best.dnum(), best.roundCount(), best.estimatedSeconds()));
        log.accept(best.describe());
        return best;
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
                case MLP -> {
                    int d = model.config().nEmbd();
                    int inner = model.config().nInner();
                    var gelu = model.layer(s.layer()).gelu;
                    int g = l - 1;
                    yield matrix(c, alpha, l, d, inner)
                            + (gelu.degree() + 1) * (c.ctMul(g) + c.keySwitch(g, alpha) + c.rescale(g) + c.encode(g))
                            + matrix(c, alpha, g - gelu.depth(), inner, d);
                }
                case HEAD -> matrix(c, alpha, l, model.config().nEmbd(), model.vocabularySize());
            };
            int ciphertexts = s.kind() == Stage.Kind.HEAD ? 1 : layout.ciphertexts(positions);
            ms += ciphertexts * (perCiphertext + c.encrypt(l) + c.encode(l));
        }
        return ms / 1000;
    }

    /** A {@code PackedMatrix} [in, out] at level l: hoisted baby and giant rotations, diagonals, folds. */
    private static double matrix(CostModel c, int alpha, int l, int in, int out) {
        int nIn = Layout.period(in);
        int nOut = Layout.period(out);
        int count = Math.min(nIn, nOut);
        int stride = DiagonalTransform.defaultStride(count);
        int babies = stride - 1;
        int giants = count / stride - 1;
        int folds = Integer.numberOfTrailingZeros(nIn / count);
        return babies * 0.6 * c.keySwitch(l, alpha) + giants * c.keySwitch(l, alpha)
                + count * (c.encode(l) + c.ptMul(l)) + c.rescale(l) + folds * c.keySwitch(l - 1, alpha)
                + c.encode(l - 1);
    }
}
