package ai.zkllm.squeeze.tool;

import ai.zkllm.fhe.ring.RingBackend;
import ai.zkllm.fhe.ring.RingBackends;
import ai.zkllm.program.FheEngines;
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
import java.util.function.Consumer;

/**
 * What a squeezed model costs under encryption, token by token, on one backend: the plan the
 * compiler picks (the fixed {@link CostModel#JAVA_N14}, as shipped), the evaluation keys, then a
 * prompt and greedy tokens after it through the client loop and the miner's round executor in one
 * process ({@link LocalRunner}: the stream's bytes and checks, without Kafka). A token after the
 * prompt sends one position, one ciphertext per round, so the miner's work runs on one thread. Each
 * token's logits are checked against the plaintext squeezed model.
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
     * @param next           the token it chose (greedy), which the next token appends
     */
    public record Token(int positions, double seconds, double clientSeconds, Map<Stage.Kind, Double> secondsByStage,
                        long bytesUp, long bytesDown, double maxLogitError, int next) {
    }

    /** The run: the model's shape, the plan, the keys and every token, the prompt's first. */
    public record Result(Gpt2Config shape, Plan plan, String backend, int rotationKeys, long evaluationKeyBytes,
                         double keySeconds, List<Token> tokens) {
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
            out.put("log_n", plan.logN());
            out.put("dnum", plan.dnum());
            out.put("rounds", plan.roundCount());
            out.put("key_seconds", rounded(keySeconds));
            out.put("rotation_keys", rotationKeys);
            out.put("evaluation_key_bytes", evaluationKeyBytes);
            out.put("seconds_per_token_after_first", rounded(secondsPerTokenAfterFirst()));
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
            }
            return out;
        }
    }

    private ModelBenchmark() {}

    /**
     * @param promptTokens random prompt tokens (seeded by {@code seed}) the first token sends
     * @param tokens       tokens to generate, the first included
     */
    public static Result run(SqueezedModel model, RingBackend backend, int promptTokens, int tokens, long seed,
            Consumer<String> log) {
        if (promptTokens < 1 || promptTokens + tokens - 1 > model.maxContext() || tokens < 1) {
            throw new IllegalArgumentException("a prompt of " + promptTokens + " tokens and " + tokens
                    + " tokens after it do not fit a context of " + model.maxContext());
        }
        Plan plan = new PlanCompiler(model, CostModel.JAVA_N14, 0, 1).compile(log);
        SqueezedFheProgram program = new SqueezedFheProgram(model, plan, "random-" + seed);
        log.accept("generating evaluation keys: " + program.rotationSteps().length + " rotations at N = 2^"
                + plan.logN() + ", dnum " + plan.dnum());
        LocalRunner runner = new LocalRunner(program, backend, new SecureRandom());
        long keyBytes = FheEngines.get(plan.parameters(), backend).codec().toBytes(runner.keys()).length;
        List<RoundLoop.RoundTrip> trips = new ArrayList<>();
        runner.observe(trips::add);
        int[] context = new Random(seed).ints(promptTokens, 0, model.vocabularySize()).toArray();
        List<Token> done = new ArrayList<>();
        for (int t = 0; t < tokens; t++) {
            trips.clear();
            long start = System.nanoTime();
            double[] fhe = runner.nextTokenLogits(context);
            double seconds = (System.nanoTime() - start) / 1e9;
            double[] plain = model.logits(context);
            double error = 0;
            for (int i = 0; i < plain.length; i++) {
                error = Math.max(error, Math.abs(fhe[i] - plain[i]));
            }
            Map<Stage.Kind, Double> byStage = new EnumMap<>(Stage.Kind.class);
            double client = 0;
            long up = 0;
            long down = 0;
            for (RoundLoop.RoundTrip trip : trips) {
                byStage.merge(plan.rounds().get(trip.round()).kind(), trip.seconds(), Double::sum);
                client += trip.clientSeconds();
                up += trip.prompt().getSerializedSize();
                down += trip.response().getSerializedSize();
            }
            int next = Logits.argmax(fhe);
            Token token = new Token(t == 0 ? promptTokens : 1, seconds, client, byStage, up, down, error, next);
            log.accept(String.format("token %d: %d positions, %.2f s (client %.2f s), %,d B up, %,d B down,"
                    + " max logit error %.2e", t + 1, token.positions(), seconds, client, up, down, error));
            done.add(token);
            context = Arrays.copyOf(context, context.length + 1);
            context[context.length - 1] = next;
        }
        return new Result(model.config(), plan, backend.name(), program.rotationSteps().length, keyBytes,
                runner.keySeconds(), done);
    }

    /** Milliseconds' precision for a printed figure in seconds. */
    public static double rounded(double seconds) {
        return Math.round(seconds * 1000) / 1000.0;
    }

    /**
     * For a machine with a Java runtime but not the CLI (the device machine, {@code run.sh}):
     * {@code ModelBenchmark OUT.json [--shape NAME] [--layers L] [--prompt P] [--tokens T] [--backend B]}
     * writes {@link Result#toJson} with {@code squeeze_seconds} to OUT.json, progress to stdout.
     */
    public static void main(String[] args) throws IOException {
        Map<String, String> flags = new HashMap<>(Map.of("--shape", "gpt2-small", "--prompt", "1", "--tokens", "2",
                "--backend", "auto"));
        for (int i = 1; i + 1 < args.length; i += 2) {
            if (!flags.containsKey(args[i]) && !args[i].equals("--layers")) {
                throw new IllegalArgumentException("unknown flag " + args[i]);
            }
            flags.put(args[i], args[i + 1]);
        }
        String layers = flags.get("--layers");
        Gpt2Config shape = RandomModel.shape(flags.get("--shape"), layers == null ? null : Integer.valueOf(layers));
        long start = System.nanoTime();
        SqueezedModel model = RandomModel.squeezed(shape, 1);
        double squeezeSeconds = (System.nanoTime() - start) / 1e9;
        Result r = run(model, RingBackends.named(flags.get("--backend")), Integer.parseInt(flags.get("--prompt")),
                Integer.parseInt(flags.get("--tokens")), 1, System.out::println);
        Files.writeString(Path.of(args[0]), r.toJson().put("squeeze_seconds", rounded(squeezeSeconds)).toString());
    }
}
