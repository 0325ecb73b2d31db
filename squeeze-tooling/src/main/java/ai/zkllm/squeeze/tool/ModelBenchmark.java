package ai.zkllm.squeeze.tool;

import ai.zkllm.fhe.ring.CudaRingBackend;
import ai.zkllm.fhe.ring.DeviceTraffic;
import ai.zkllm.fhe.ring.RingBackend;
import ai.zkllm.fhe.ring.RingBackends;
import ai.zkllm.program.LocalRunner;
import ai.zkllm.program.Logits;
import ai.zkllm.program.RoundLoop;
import ai.zkllm.program.model.Gpt2Config;
import ai.zkllm.program.plan.Plan;
import ai.zkllm.program.plan.SqueezedFheProgram;
import ai.zkllm.program.plan.Stage;
import ai.zkllm.program.squeezed.SqueezedModel;
import ai.zkllm.squeeze.compile.CostModel;
import ai.zkllm.squeeze.compile.PlanCompiler;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What a squeezed model costs under encryption, token by token, on one backend: the plan the
 * compiler picks (the fixed {@link CostModel#JAVA_N14}, as shipped), the evaluation keys, then a
 * prompt and greedy tokens after it through the client loop and the miner's round executor in one
 * process ({@link LocalRunner}: the stream's bytes and checks, without Kafka). A token after the
 * prompt sends one position, one ciphertext per round; the engine still spreads a round's rotations
 * and giant steps over the common pool ({@code taskset -c 0} gives a one-core figure). With several
 * sessions, each converses on its own thread with its own keys against one miner, which batches
 * their rounds or not ({@link Options}); the throughput is all their tokens over the wall clock.
 * Every token's logits are checked against the plaintext squeezed model, after the clock stops.
 */
public final class ModelBenchmark {
    /**
     * One token.
     *
     * @param positions      rows it sent (the prompt's for the first token, then 1)
     * @param seconds        wall time of its rounds
     * @param clientSeconds  the client's part: encrypt, serialize, parse, decrypt, decode
     * @param secondsByStage the rounds' seconds summed by stage kind (QKV, PROJ, MLP, PROJ_MLP, HEAD)
     * @param maxLogitError  max |FHE logit − plaintext squeezed logit|
     * @param device         what the device did while the token ran (with several sessions, theirs too: they
     *                       share it), so a warm token's launches and waits need no subtraction of runs; null
     *                       on a CPU backend
     */
    public record Token(int positions, double seconds, double clientSeconds, Map<Stage.Kind, Double> secondsByStage,
                        long bytesUp, long bytesDown, double maxLogitError, DeviceTraffic device) {
    }

    /**
     * The run: the model's shape, the plan, the keys, every token of the first session (the prompt's
     * first), the wall clock of all sessions, the part of it after every session's first token
     * ({@code steadySeconds}: the miner has its keys and, when cached, its encodings) and the worst logit
     * error of any token of any session.
     */
    public record Result(Gpt2Config shape, Options options, Plan plan, String backend, int rotationKeys,
                         long evaluationKeyBytes, double keySeconds, List<Token> tokens, double wallSeconds,
                         double steadySeconds, double maxLogitError, double squeezeSeconds, DeviceTraffic device) {
        /** Tokens of all sessions per second of wall clock. */
        public double tokensPerSecond() {
            return options.sessions() * options.tokens() / wallSeconds;
        }

        /**
         * The tokens after the first of all sessions per second of the wall clock after the last first token
         * ended: the throughput of a warm miner, without the prompt's larger round and the first use of keys
         * and encodings; 0 with one token per session.
         */
        public double tokensPerSecondAfterFirst() {
            return options.tokens() < 2 ? 0 : options.sessions() * (options.tokens() - 1) / steadySeconds;
        }

        /** Mean seconds of the tokens after the first (the first's when there are none). */
        public double secondsPerTokenAfterFirst() {
            return tokens.stream().skip(tokens.size() > 1 ? 1 : 0).mapToDouble(Token::seconds).average().orElse(0);
        }

        /** The figures as one JSON object ({@code zkllm bench model --json}, the device run's device_model.json). */
        public ObjectNode toJson() {
            ObjectNode out = new ObjectMapper().createObjectNode();
            ObjectNode s = out.putObject("shape");
            s.put("layers", shape.nLayer());
            s.put("heads", shape.nHead());
            s.put("d", shape.nEmbd());
            s.put("n_inner", shape.nInner());
            s.put("vocabulary", shape.vocabSize());
            s.put("context", shape.nPositions());
            out.put("backend", backend);
            out.put("seed", options.seed());
            out.put("cache_encodings", options.cacheEncodings());
            out.put("log_n", plan.logN());
            out.put("dnum", plan.dnum());
            out.put("rounds", plan.roundCount());
            out.put("key_seconds", rounded(keySeconds));
            out.put("rotation_keys", rotationKeys);
            out.put("evaluation_key_bytes", evaluationKeyBytes);
            out.put("seconds_per_token_after_first", rounded(secondsPerTokenAfterFirst()));
            out.put("sessions", options.sessions());
            out.put("batched", options.batched());
            out.put("wall_seconds", rounded(wallSeconds));
            out.put("tokens_per_second", rounded(tokensPerSecond()));
            out.put("tokens_per_second_after_first", rounded(tokensPerSecondAfterFirst()));
            out.put("max_logit_error", maxLogitError);
            out.put("squeeze_seconds", rounded(squeezeSeconds));
            putDevice(out, device);  // cuda: what crossed PCIe and what ran while the sessions ran (client and miner)
            ArrayNode list = out.putArray("tokens");
            for (Token t : tokens) {
                ObjectNode o = list.addObject();
                o.put("positions", t.positions());
                o.put("seconds", rounded(t.seconds()));
                o.put("client_seconds", rounded(t.clientSeconds()));
                ObjectNode byStage = o.putObject("seconds_by_stage");
                t.secondsByStage().forEach((kind, seconds) -> byStage.put(kind.name(), rounded(seconds)));
                o.put("bytes_up", t.bytesUp());
                o.put("bytes_down", t.bytesDown());
                o.put("max_logit_error", t.maxLogitError());
                putDevice(o, t.device());
            }
            return out;
        }

        /** The device's figures (none without one); its waits' complement in the wall time is the host's work. */
        private static void putDevice(ObjectNode out, DeviceTraffic device) {
            if (device != null) {
                out.put("device_bytes_up", device.bytesUp());
                out.put("device_bytes_down", device.bytesDown());
                out.put("device_operations", device.operations());
                out.put("device_launches", device.launches());
                out.put("device_wait_seconds", rounded(device.waitNanos() / 1e9));
                out.put("device_held_bytes", device.heldBytes());  // at the end: polynomials not yet collected included
            }
        }
    }

    private ModelBenchmark() {}

    /**
     * What to run.
     *
     * @param promptTokens   random prompt tokens (seeded by {@code seed} and the session) the first token sends
     * @param tokens         tokens each session generates, the first included
     * @param cacheEncodings keep every diagonal's plaintext once encoded (a long-lived miner: later tokens
     *                       skip the encoding, at (level + 1)·N·8 bytes per diagonal)
     * @param sessions       concurrent sessions (each its own keys, thread and conversation) on one miner
     * @param batched        the miner runs the sessions' waiting rounds as batches ({@code RoundBatcher});
     *                       otherwise each round on its own, side by side
     */
    public record Options(int promptTokens, int tokens, long seed, boolean cacheEncodings, int sessions,
                          boolean batched) {
        public Options {
            if (sessions < 1) {
                throw new IllegalArgumentException("at least 1 session, got " + sessions);
            }
        }
    }

    /** One token of one session as it ran: its context, the FHE logits, the seconds, its round trips and the device's work. */
    private record Ran(int[] context, double[] logits, double seconds, long endNanos, List<RoundLoop.RoundTrip> trips,
                       DeviceTraffic device) {
    }

    /** A model of {@code shape} squeezed from the random weights of the options' seed ({@link RandomModel}), then {@link #run}. */
    public static Result measure(Gpt2Config shape, RingBackend backend, Options o, Consumer<String> log) {
        log.accept(String.format("squeezing a random model: %d layers, %d heads, d = %d, n_inner %d, vocabulary %d,"
                + " context %d", shape.nLayer(), shape.nHead(), shape.nEmbd(), shape.nInner(), shape.vocabSize(),
                shape.nPositions()));
        long start = System.nanoTime();
        SqueezedModel model = RandomModel.squeezed(shape, o.seed());
        double squeezeSeconds = (System.nanoTime() - start) / 1e9;
        return run(model, backend, o, squeezeSeconds, log);
    }

    /** {@code model} under encryption; the result's squeezeSeconds is 0 (the model was given). */
    public static Result run(SqueezedModel model, RingBackend backend, Options o, Consumer<String> log) {
        return run(model, backend, o, 0, log);
    }

    private static Result run(SqueezedModel model, RingBackend backend, Options o, double squeezeSeconds,
            Consumer<String> log) {
        if (o.promptTokens() < 1 || o.promptTokens() + o.tokens() - 1 > model.maxContext() || o.tokens() < 1) {
            throw new IllegalArgumentException("a prompt of " + o.promptTokens() + " tokens and " + o.tokens()
                    + " tokens after it do not fit a context of " + model.maxContext());
        }
        Plan plan = new PlanCompiler(model, CostModel.JAVA_N14, 0, 1).compile(log);
        SqueezedFheProgram program = new SqueezedFheProgram(model, plan, "random-" + o.seed(), o.cacheEncodings());
        log.accept("generating evaluation keys of " + o.sessions() + " session(s): " + program.rotationSteps().length
                + " rotations at N = 2^" + plan.logN() + ", dnum " + plan.dnum());
        LocalRunner.Miner miner = new LocalRunner.Miner(program, backend, o.batched() ? o.sessions() : 0);
        List<LocalRunner> runners = new ArrayList<>();
        for (int s = 0; s < o.sessions(); s++) {
            runners.add(new LocalRunner(program, backend, miner, new SecureRandom()));
        }

        ExecutorService clients = Executors.newFixedThreadPool(o.sessions());
        Supplier<DeviceTraffic> traffic = backend instanceof CudaRingBackend cuda ? cuda::traffic : () -> null;
        DeviceTraffic deviceBefore = traffic.get();
        long start = System.nanoTime();
        List<Future<List<Ran>>> sessions = new ArrayList<>();
        for (int s = 0; s < o.sessions(); s++) {
            int session = s;
            sessions.add(clients.submit(() -> converse(runners.get(session), model.vocabularySize(), o, session,
                    traffic, session == 0 ? log : line -> { })));
        }
        List<List<Ran>> ran = new ArrayList<>();
        try {
            for (Future<List<Ran>> f : sessions) {
                ran.add(f.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a session failed: " + e.getCause(), e.getCause());
        } finally {
            clients.shutdownNow();
        }
        long end = System.nanoTime();
        double wall = (end - start) / 1e9;
        long firstTokensEnd = ran.stream().mapToLong(tokens -> tokens.get(0).endNanos()).max().orElse(start);
        double steady = (end - firstTokensEnd) / 1e9;
        DeviceTraffic device = deviceBefore == null ? null : traffic.get().since(deviceBefore);

        // every session's every token against the plaintext model, after the clock stopped
        double worst = 0;
        List<Token> first = new ArrayList<>();
        for (int s = 0; s < ran.size(); s++) {
            for (int t = 0; t < ran.get(s).size(); t++) {
                Ran r = ran.get(s).get(t);
                double error = maxError(r.logits(), model.logits(r.context()));
                worst = Math.max(worst, error);
                if (s == 0) {
                    first.add(token(plan, r, t == 0 ? o.promptTokens() : 1, error));
                }
            }
        }
        Result result = new Result(model.config(), o, plan, backend.name(), program.rotationSteps().length,
                runners.get(0).keyBytes(), runners.get(0).keySeconds(), first, wall, steady, worst, squeezeSeconds, device);
        log.accept(String.format("%d session(s) x %d tokens in %.2f s: %.3f tokens/s (%s), %s, max logit error %.2e",
                o.sessions(), o.tokens(), wall, result.tokensPerSecond(),
                o.batched() ? "rounds batched" : "rounds one by one",
                o.tokens() < 2 ? "no token after the first"
                        : String.format("%.3f tokens/s after every session's first", result.tokensPerSecondAfterFirst()),
                worst));
        if (device != null) {
            log.accept(String.format("device: %.1f MB up, %.1f MB down, %d operations, %d kernel launches and device copies,"
                    + " %.3f s of %.3f s waiting for the device", device.bytesUp() / 1e6, device.bytesDown() / 1e6,
                    device.operations(), device.launches(), device.waitNanos() / 1e9, result.wallSeconds()));
        }
        return result;
    }

    /** One session's tokens, greedy, from its random prompt; traffic: the device's counters (null: none). */
    private static List<Ran> converse(LocalRunner runner, int vocabulary, Options o, int session,
                                      Supplier<DeviceTraffic> traffic, Consumer<String> log) {
        List<RoundLoop.RoundTrip> trips = new ArrayList<>();
        runner.observe(trips::add);
        int[] context = new Random(o.seed() + session).ints(o.promptTokens(), 0, vocabulary).toArray();
        List<Ran> ran = new ArrayList<>();
        for (int t = 0; t < o.tokens(); t++) {
            trips.clear();
            DeviceTraffic before = traffic.get();
            long start = System.nanoTime();
            double[] logits = runner.nextTokenLogits(context);
            double seconds = (System.nanoTime() - start) / 1e9;
            DeviceTraffic device = before == null ? null : traffic.get().since(before);
            ran.add(new Ran(context, logits, seconds, System.nanoTime(), List.copyOf(trips), device));
            log.accept(String.format("token %d: %.2f s", t + 1, seconds));
            context = Arrays.copyOf(context, context.length + 1);
            context[context.length - 1] = Logits.argmax(logits);
        }
        return ran;
    }

    private static Token token(Plan plan, Ran r, int positions, double error) {
        Map<Stage.Kind, Double> byStage = new EnumMap<>(Stage.Kind.class);
        double client = 0;
        long up = 0;
        long down = 0;
        for (RoundLoop.RoundTrip trip : r.trips()) {
            byStage.merge(plan.rounds().get(trip.round()).kind(), trip.seconds(), Double::sum);
            client += trip.clientSeconds();
            up += trip.prompt().getSerializedSize();
            down += trip.response().getSerializedSize();
        }
        return new Token(positions, r.seconds(), client, byStage, up, down, error, r.device());
    }

    private static double maxError(double[] fhe, double[] plain) {
        double error = 0;
        for (int i = 0; i < plain.length; i++) {
            error = Math.max(error, Math.abs(fhe[i] - plain[i]));
        }
        return error;
    }

    /** Milliseconds' precision for a printed figure in seconds. */
    public static double rounded(double seconds) {
        return Math.round(seconds * 1000) / 1000.0;
    }

    /**
     * For a machine with a Java runtime but not the CLI (the device machine, {@code run.sh}):
     * {@code ModelBenchmark OUT.json [--shape NAME] [--layers L] [--prompt P] [--tokens T] [--backend B]
     * [--sessions S] [--batched true|false] [--cache-encodings true|false]}
     * writes {@link Result#toJson} to OUT.json, progress to stdout.
     */
    public static void main(String[] args) throws IOException {
        Map<String, String> flags = new HashMap<>(Map.of("--shape", "gpt2-small", "--prompt", "1", "--tokens", "2",
                "--backend", "auto", "--sessions", "1", "--batched", "true", "--cache-encodings", "false"));
        for (int i = 1; i + 1 < args.length; i += 2) {
            if (!flags.containsKey(args[i]) && !args[i].equals("--layers")) {
                throw new IllegalArgumentException("unknown flag " + args[i]);
            }
            flags.put(args[i], args[i + 1]);
        }
        String layers = flags.get("--layers");
        Gpt2Config shape = RandomModel.shape(flags.get("--shape"), layers == null ? null : Integer.valueOf(layers));
        Options o = new Options(Integer.parseInt(flags.get("--prompt")), Integer.parseInt(flags.get("--tokens")), 1,
                Boolean.parseBoolean(flags.get("--cache-encodings")), Integer.parseInt(flags.get("--sessions")),
                Boolean.parseBoolean(flags.get("--batched")));
        Result r = measure(shape, RingBackends.named(flags.get("--backend")), o, System.out::println);
        Files.writeString(Path.of(args[0]), r.toJson().toString());
    }
}
