package ai.zkllm.cli;

import ai.zkllm.client.BrokerUnavailableException;
import ai.zkllm.client.EvaluationKeyFile;
import ai.zkllm.client.Generation;
import ai.zkllm.client.ZkllmClient;
import ai.zkllm.jobs.BlobStoreOptions;
import ai.zkllm.jobs.KafkaTopics;
import ai.zkllm.jobs.PositiveInt;
import ai.zkllm.jobs.PromptsTopic;
import ai.zkllm.program.FheProgram;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code zkllm chat --brain B "prompt"}. */
@Command(name = "chat", description = {
    "Sends an encrypted prompt to a brain through Kafka and prints the decrypted continuation.",
    "Encrypts a prompt, sends it to a brain through Kafka, runs the refresh rounds, decrypts and samples,",
    "and streams the tokens with a progress line. Evaluation keys are generated once per key file and",
    "model, cached beside the key file (FILE.<tag>.evk), and go to the blob store by content hash."})
public final class ChatCommand implements Callable<Integer> {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    private boolean help;

    @Option(names = "--brain", required = true, converter = BrainId.class, description = "Brain (subnet) id, a number.")
    private int brain;

    @Parameters(index = "0", paramLabel = "PROMPT", description = "The prompt text.")
    private String prompt;

    @Option(names = "--key", paramLabel = "FILE", description = "Secret key from `zkllm keys new` (default: ${DEFAULT-VALUE}).")
    private Path key = KeysCommand.DEFAULT_KEY;

    @Option(names = "--model", paramLabel = "HASH", description = "Model hash or prefix (default: the shipped English model, else the only installed one).")
    private String model;

    @Mixin
    private KafkaTopics kafka = new KafkaTopics();

    @Mixin
    private PromptsTopic promptsTopic = new PromptsTopic();

    @Mixin
    private BlobStoreOptions blobs = new BlobStoreOptions();

    @Option(names = "--tokens", converter = PositiveInt.class, description = "Tokens to generate (default: ${DEFAULT-VALUE}).")
    private int tokens = 8;

    @Option(names = "--temperature", description = "0 = greedy (default: ${DEFAULT-VALUE}).")
    private double temperature = 0;

    @Option(names = "--seed", description = "Sampling seed (default: ${DEFAULT-VALUE}).")
    private long seed = 1;

    @Option(names = "--round-timeout-s", description = "Give up on a round after this long (default: ${DEFAULT-VALUE}).")
    private long roundTimeout = 120;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        FheProgram program = Programs.select(spec, model);
        int[] promptTokens = PromptTokens.encode(program, prompt);
        var sk = KeyFiles.read(key, program, model);
        ZkllmClient.Config cfg = new ZkllmClient.Config(kafka.bootstrapServers, promptsTopic.name, kafka.responsesTopic,
                Integer.toString(brain), Duration.ofSeconds(roundTimeout), Duration.ofSeconds(roundTimeout), kafka.deadLetterTopic)
                .withKafkaProperties(kafka.properties);
        try (ZkllmClient client = new ZkllmClient(cfg, program, sk, blobs.open())
                .cacheEvaluationKeysIn(EvaluationKeyFile.besideSecretKey(key, program, sk))) {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            out.print(prompt);
            // tokens stream on stdout: a progress line on the same terminal would overwrite them
            ProgressPrinter printer = new ProgressPrinter(program::decodeTokens, out, err,
                    Terminal.stderr() && !Terminal.stdout());
            Generation g = client.generate("chat-" + UUID.randomUUID(), promptTokens, tokens, temperature, seed, printer);
            printer.finish();
            out.println();
            out.flush();
            err.printf("%s%.2f s/token, %d round trips, %s up + %s evaluation keys, %s down%n",
                    printer.drawsProgressLine() ? System.lineSeparator() : "", g.secondsPerToken(), g.roundTrips(),
                    ProgressPrinter.bytes(g.bytesUp()),
                    ProgressPrinter.bytes(g.keyBytesUploaded()), ProgressPrinter.bytes(g.bytesDown()));
            err.flush();
        } catch (BrokerUnavailableException e) {
            throw new UsageException(e.getMessage() + " (--bootstrap-servers)", e);
        }
        return 0;
    }
}
