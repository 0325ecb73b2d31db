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
 * Compiles a squeezed model to a {@link Plan}. The stage sequence is fixed by the model; the
 * planner chooses the per-round depth D (hence the parameter set: N = 2^logN, D + 1 scale primes,
 * the smallest dnum that meets 128-bit security) and where the client refreshes (greedily as late
 * as the depth allows, and always after QKV and SCORES, whose outputs the client re-lays out; after
 * every stage when the client computes the normalisations).
 * It minimises estimated latency per token at context T = Σ op costs (a {@link CostModel} over
 * the exact op counts at their levels, client encryption included) + rounds × RTT, and prints
 * every candidate.
 */
public final class PlanCompiler {
    public static final int LOG_N = 14;
    public static final int LOG_SCALE = 30;

    private final SqueezedModel model;
    private final CostModel cost;
    private final double rtt;
    private final int planningContext;

    public PlanCompiler(SqueezedModel model, CostModel cost, double rttSeconds, int planningContext) {
        SqueezedFheProgram.checkSupported(model);
        this.model = model;
        this.cost = cost;
        this.rtt = rttSeconds;
        this.planningContext = Math.min(planningContext, model.maxContext());
    }

    /** The stage sequence of one token. */
    public List<Stage> stages() {
        List<Stage> s = new ArrayList<>();
        for (int l = 0; l < model.layers().length; l++) {
            s.add(new Stage(Stage.Kind.QKV, l));
            s.add(new Stage(Stage.Kind.SCORES, l));
            s.add(new Stage(Stage.Kind.PV_PROJ, l));
            s.add(new Stage(Stage.Kind.MLP, l));
        }
        s.add(new Stage(Stage.Kind.HEAD, -1));
        return s;
    }

    /** Levels a stage consumes. */
    public int depth(Stage s) {
        return switch (s.kind()) {
            case QKV, HEAD -> 1;
            case SCORES -> 1 + model.scoresToProbabilitiesDepth();
            case PV_PROJ -> 2;
            case MLP -> 2 + model.layer(s.layer()).gelu.depth();
        };
    }

    /** Rounds for depth budget D: merge while the depth fits and no re-layout is required. */
    public List<List<Stage>> rounds(int budget) {
        List<List<Stage>> rounds = new ArrayList<>();
        List<Stage> cur = new ArrayList<>();
        int used = 0;
        for (Stage s : stages()) {
            if (depth(s) > budget) {
                return null;
            }
            if (used + depth(s) > budget) {
                rounds.add(cur);
                cur = new ArrayList<>();
                used = 0;
            }
            cur.add(s);
            used += depth(s);
            if (s.cutAfterRequired() || model.clientNormalised()) {
                rounds.add(cur);
                cur = new ArrayList<>();
                used = 0;
            }
        }
        if (!cur.isEmpty()) {
            rounds.add(cur);
        }
        return rounds;
    }

    /** The smallest dnum meeting 128-bit security for D + 1 scale primes, or 0 if none does. */
    public static int dnumFor(int logN, int budget) {
        for (int dnum = 1; dnum <= budget + 2; dnum++) {
            try {
                Parameters.builder().logN(logN).logScale(LOG_SCALE).depth(budget + 1).dnum(dnum).build();
                return dnum;
            } catch (IllegalArgumentException e) {
                // insecure or impossible: try more digits (fewer special primes)
            }
        }
        return 0;
    }

    /** Compiles, printing the candidates and the choice to {@code log}. */
    public Plan compile(Consumer<String> log) {
        int minD = stages().stream().mapToInt(this::depth).max().orElse(1);
        Plan best = null;
        log.accept(String.format("plan candidates at T = %d, RTT = %.3f s (N = 2^%d, scale 2^%d):", planningContext,
                rtt, LOG_N, LOG_SCALE));
        log.accept(String.format("  %5s %5s %7s %10s %10s %10s %s", "depth", "dnum", "rounds", "ops s", "rtt s",
                "total s", ""));
        for (int d = minD; d <= 16; d++) {
            int dnum = dnumFor(LOG_N, d);
            if (dnum == 0) {
                break;
            }
            List<List<Stage>> rounds = rounds(d);
            Plan p = withLevels(d, dnum, rounds, 0);
            double ops = estimateOps(p, planningContext);
            double total = ops + rounds.size() * rtt;
            p = withLevels(d, dnum, rounds, total);
            boolean better = best == null || total < best.estimatedSeconds();
            log.accept(String.format("  %5d %5d %7d %10.2f %10.2f %10.2f", d, dnum, rounds.size(), ops,
                    rounds.size() * rtt, total));
            if (better) {
                best = p;
            }
        }
        if (best == null) {
            throw new IllegalStateException("no 128-bit parameter set at N = 2^" + LOG_N + " fits a stage of depth " + minD);
        }
        log.accept(String.format("chosen: depth %d per round, dnum %d, %d rounds per token, estimated %.2f s per token",
                best.depth(), best.dnum(), best.roundCount(), best.estimatedSeconds()));
        log.accept(best.describe());
        return best;
    }

    private Plan withLevels(int d, int dnum, List<List<Stage>> rounds, double est) {
        List<List<Integer>> levels = new ArrayList<>();
        for (List<Stage> r : rounds) {
            List<Integer> lv = new ArrayList<>();
            int level = d + 1;
            for (Stage s : r) {
                lv.add(level);
                level -= depth(s);
            }
            levels.add(lv);
        }
        return new Plan(LOG_N, LOG_SCALE, d, dnum, rounds, levels, est, planningContext, rtt);
    }

    /** Seconds of homomorphic and client work per token at context T (without RTT). */
    public double estimateOps(Plan p, int t) {
        Parameters params = p.parameters();
        int alpha = params.alpha();
        CostModel c = cost.forLogN(p.logN());
        Layout layout = Layout.of(model.config(), params.slots());
        int dp = layout.dp();
        int stride = DiagonalTransform.defaultStride(dp);
        int babies = stride - 1;
        int giants = (dp + stride - 1) / stride - 1;
        int top = p.depth() + 1;
        double ms = 0;
        for (int r = 0; r < p.roundCount(); r++) {
            List<Stage> round = p.rounds().get(r);
            int inputs = model.clientNormalised() && round.get(0).kind() != Stage.Kind.HEAD ? 3 : 2;
            for (int i = 0; i < round.size(); i++) {
                Stage s = round.get(i);
                int l = p.stageLevels().get(r).get(i);
                switch (s.kind()) {
                    case QKV, HEAD -> {
                        int blocks = s.kind() == Stage.Kind.QKV ? 3
                                : (model.vocabularySize() + layout.d() - 1) / layout.d();
                        ms += babies * c.keySwitch(l, alpha) * 0.6
                                + blocks * (dp * (c.encode(l) + c.ptMul(l)) + giants * c.keySwitch(l, alpha)
                                        + c.rescale(l) + c.encode(l - 1));
                    }
                    case SCORES -> {
                        int chunks = layout.chunks(t);
                        inputs = 2 * layout.headDim() * chunks + 3;
                        double per = layout.headDim() * c.ctMul(l) + c.keySwitch(l, alpha) + c.rescale(l);
                        if (!model.clientNormalised()) {
                            per += c.encode(l - 1) * 2 + c.ptMul(l - 1) + c.rescale(l - 1);
                            int sq = Integer.numberOfTrailingZeros(model.attnPower());
                            for (int k = 0; k < sq; k++) {
                                per += c.ctMul(l - 2 - k) + c.keySwitch(l - 2 - k, alpha) + c.rescale(l - 2 - k);
                            }
                        }
                        ms += chunks * per;
                    }
                    case PV_PROJ -> {
                        if (i == 0) {
                            inputs = 2 * t + 2;
                        }
                        ms += t * c.ctMul(l) + c.keySwitch(l, alpha) + c.rescale(l)
                                + (babies * 0.6 + giants + 1) * c.keySwitch(l - 1, alpha)
                                + dp * (c.encode(l - 1) + c.ptMul(l - 1)) + 3 * c.rescale(l - 1)
                                + 3 * c.encode(l - 1);
                    }
                    case MLP -> {
                        int blocks = (model.config().nInner() + layout.d() - 1) / layout.d();
                        ms += babies * 0.6 * c.keySwitch(l, alpha);
                        for (int b = 0; b < blocks; b++) {
                            ms += dp * (c.encode(l) + c.ptMul(l)) + giants * c.keySwitch(l, alpha) + c.rescale(l)
                                    + c.keySwitch(l - 1, alpha) + c.encode(l - 1)
                                    + 9 * (c.ctMul(l - 3) + c.keySwitch(l - 3, alpha) + c.rescale(l - 3))
                                    + 20 * c.encode(l - 3)
                                    + (babies * 0.6 + giants) * c.keySwitch(l - 5, alpha)
                                    + dp * (c.encode(l - 5) + c.ptMul(l - 5));
                        }
                        ms += c.rescale(l - 5) + c.keySwitch(l - 6, alpha) + 3 * c.encode(l - 6);
                    }
                }
            }
            ms += inputs * c.encrypt(top);
        }
        return ms / 1000;
    }
}
