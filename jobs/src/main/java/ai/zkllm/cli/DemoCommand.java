package ai.zkllm.cli;

import ai.zkllm.client.Generation;
import ai.zkllm.client.ZkllmClient;
import ai.zkllm.fhe.ckks.KeyGenerator;
import ai.zkllm.fhe.ckks.SecretKey;
import ai.zkllm.fhe.ring.RingBackend;
import ai.zkllm.fhe.ring.RingBackends;
import ai.zkllm.jobs.BackendName;
import ai.zkllm.jobs.InferenceJobConfig;
import ai.zkllm.jobs.PositiveInt;
import ai.zkllm.jobs.embedded.EmbeddedRuntime;
import ai.zkllm.operators.inference.WarmUpSelection;
import ai.zkllm.program.FheEngines;
import ai.zkllm.program.FheProgram;
import ai.zkllm.program.ServiceLoaderProgramRegistry;
import ai.zkllm.program.io.TempDirs;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code zkllm demo}: broker, MiniCluster, InferenceJob and a client, all in this process. */
@Command(name = "demo", description = {
    "Runs one encrypted prompt through the whole stream on this machine.",
    "Starts an in-process KRaft Kafka broker on 127.0.0.1 and the InferenceJob on a Flink MiniCluster,",
    "encrypts a prompt, and prints the prompt, the generated continuation, seconds per token and bytes moved.",
    "With --json, stdout is one JSON object: prompt, continuation, tokens, seconds_per_token, rounds_per_token,",
    "bytes_up_per_token, bytes_down_per_token, evaluation_key_bytes, ring_degrees, backend."})
public final class DemoCommand implements Callable<Integer> {
    /** Brain ids are numbers; the embedded stream serves any. */
    private static final String DEMO_BRAIN = "0";
    /** Receipts are committed with the job's checkpoints (every --checkpoint-ms). */
    private static final Duration RECEIPTS_TIMEOUT = Duration.ofSeconds(30);

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    private boolean help;

    @Option(names = "--prompt", description = "Text to continue (default: ${DEFAULT-VALUE})")
    private String prompt = "It is a truth universally acknowledged";

    @Option(names = "--tokens", converter = PositiveInt.class, description = "Tokens to generate (default: ${DEFAULT-VALUE}).")
    private int tokens = 20;

    @Option(names = "--parallelism", converter = PositiveInt.class, description = "Flink parallelism of the InferenceJob (default: ${DEFAULT-VALUE})")
    private int parallelism = 1;

    @Option(names = "--checkpoint-interval-ms", description = "Flink checkpoint interval of the InferenceJob (default: ${DEFAULT-VALUE})")
    private long checkpointMs = 200;

    @Option(names = "--backend", converter = BackendName.class, description = "Ring backend: auto, java, native or cuda (default: ${DEFAULT-VALUE}).")
    private String backend = "auto";

    @Option(names = "--model", paramLabel = "HASH", description = "Model hash or prefix (default: the shipped English "
            + "model; `zkllm models` lists them).")
    private String model;

    @Option(names = "--json", description = "Print one JSON object on stdout and nothing else; progress goes to stderr.")
    private boolean json;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        FheProgram program = Programs.select(spec, model);
        int[] promptTokens = PromptTokens.encode(program, prompt); // before the broker and the job start
        // resolved here, once: the job runs on this backend and the report names it ("auto" is not a backend)
        RingBackend ring = LocalBackend.named(backend);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path blobs = TempDirs.create("zkllm-demo-blobs-");
        InferenceJobConfig cfg = new InferenceJobConfig();
        cfg.parallelism = parallelism;
        cfg.checkpointIntervalMs = checkpointMs;
        cfg.backend = ring.name();
        cfg.warmUp = WarmUpSelection.of(program.modelHash());
        cfg.blobs.root = blobs.toString();
        // a first token sends its whole prompt (a ciphertext per 8 or 16 positions): allow the broker's limit
        cfg.maxMessageBytes = EmbeddedRuntime.MAX_MESSAGE_BYTES;
        err.println("starting the embedded Kafka broker and the Flink MiniCluster...");
        err.flush();
        try (EmbeddedRuntime runtime = EmbeddedRuntime.startKafka(cfg, parallelism)) {
            runtime.startJob(new ServiceLoaderProgramRegistry());
            err.printf("broker %s, InferenceJob running (parallelism %d, %s backend); model %s, %s%n",
                    cfg.kafka.bootstrapServers, parallelism, ring.name(), program.modelHash().substring(0, 16),
                    program.parameters());
            err.flush();
            // The demo's key lives in memory only; `zkllm keys new` + `zkllm chat` keep one on disk.
            SecretKey sk = new KeyGenerator(FheEngines.get(program.parameters(), RingBackends.preferred()).context(),
                    new SecureRandom()).secretKey();
            ZkllmClient.Config clientCfg = new ZkllmClient.Config(cfg.kafka.bootstrapServers, cfg.prompts.name,
                    cfg.kafka.responsesTopic, DEMO_BRAIN, Duration.ofSeconds(120), Duration.ofSeconds(120), cfg.kafka.deadLetterTopic);
            try (ZkllmClient client = new ZkllmClient(clientCfg, program, sk,
                    cfg.blobs.open())) {
                if (!json) {
                    out.println("prompt:       " + prompt);
                    out.flush();
                }
                // the continuation is printed whole at the end: streamed token by token, it would share its
                // terminal line with the progress line on stderr
                ProgressPrinter progress = new ProgressPrinter(program::decodeTokens,
                        new PrintWriter(Writer.nullWriter()), err, Terminal.stderr());
                Generation g = client.generate("demo", promptTokens, tokens, 0, 1, progress);
                if (progress.drawsProgressLine()) {
                    err.println(); // ends the progress line
                    err.flush();
                }
                ReceiptTimings receipts = ReceiptTimings.read(cfg.kafka.bootstrapServers, cfg.kafka.receiptsTopic,
                        g.roundTrips(), RECEIPTS_TIMEOUT);
                if (receipts.receipts() < g.roundTrips()) {
                    throw new IllegalStateException(receipts.receipts() + " of " + g.roundTrips()
                            + " receipts committed within " + RECEIPTS_TIMEOUT.toSeconds() + " s");
                }
                DemoReport report = DemoReport.of(prompt, program, g, client.uploadEvaluationKeys().getSizeBytes(),
                        ring.name(), receipts);
                out.println(json ? report.json() : "continuation: " + report.continuation());
                out.flush();
                err.printf("%d tokens in %.2f s: %.2f s/token (%d rounds per token); "
                                + "moved %s up (prompts) + %s (evaluation keys, once), %s down%n",
                        tokens, g.seconds(), g.secondsPerToken(), program.rounds(),
                        ProgressPrinter.bytes(g.bytesUp()), ProgressPrinter.bytes(g.keyBytesUploaded()),
                        ProgressPrinter.bytes(g.bytesDown()));
                err.printf("a round: %.3f s = client %.3f (encrypt, decrypt) + miner %.3f (FHE, from the receipts)"
                                + " + stream %.3f (Kafka, Flink, queue)%n", report.secondsPerRound(),
                        report.clientSecondsPerRound(), report.minerSecondsPerRound(), report.streamSecondsPerRound());
                if (tokens > 1) {
                    err.printf("the first token (the %d-byte prompt) %.2f s, %s up, %s down; each later token %.2f s,"
                                    + " %s up, %s down%n", promptTokens.length, report.firstTokenSeconds(),
                            ProgressPrinter.bytes(g.firstToken().bytesUp()),
                            ProgressPrinter.bytes(g.firstToken().bytesDown()), report.secondsPerTokenAfterFirst(),
                            ProgressPrinter.bytes(report.bytesUpPerTokenAfterFirst()),
                            ProgressPrinter.bytes(report.bytesDownPerTokenAfterFirst()));
                }
                err.flush();
            }
        } finally {
            TempDirs.delete(blobs);
        }
        return 0;
    }
}
