package ai.zkllm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import ai.zkllm.client.SecretKeyFile;
import ai.zkllm.fhe.ring.RingBackends;
import ai.zkllm.jobs.demo.LinearSquareProgram;
import ai.zkllm.program.FheProgram;
import ai.zkllm.program.artifact.ShippedEnglishProgram;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every input the user can get wrong is refused with exit code 2 and one line on stderr that names
 * the problem and what to do, without a stack trace or an exception's class name.
 */
class CliErrorsTest {
    private static final FheProgram TOY = new LinearSquareProgram();
    private static final FheProgram DEFAULT_MODEL = new ShippedEnglishProgram();

    @TempDir
    Path dir;

    @Test
    void keyFileProblemsNameTheFileAndTheFix() throws Exception {
        Path key = dir.resolve("k.sk");
        assertRun(0, "keys", "new", "--out", key.toString(), "--model", TOY.modelHash());
        assertContains(refused("keys", "new", "--out", key.toString(), "--model", TOY.modelHash()),
                "zkllm keys new: " + key + " already exists; pass --force");
        byte[] before = Files.readAllBytes(key);
        assertRun(0, "keys", "new", "--out", key.toString(), "--model", TOY.modelHash(), "--force");
        assertFalse(Arrays.equals(before, Files.readAllBytes(key)), "--force wrote a new key");

        Path missing = dir.resolve("none.sk");
        assertContains(chat("--key", missing.toString()), "no secret key at " + missing, "zkllm keys new");

        Path exposed = dir.resolve("exposed.sk");
        SecretKeyFile.create(exposed, DEFAULT_MODEL.parameters());
        Files.setPosixFilePermissions(exposed, PosixFilePermissions.fromString("rw-r-----"));
        assertContains(chat("--key", exposed.toString()), exposed + " is readable by others", "chmod 600 " + exposed);

        Path truncated = dir.resolve("truncated.sk");
        SecretKeyFile.create(truncated, DEFAULT_MODEL.parameters());
        byte[] bytes = Files.readAllBytes(truncated);
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
        assertContains(chat("--key", truncated.toString()), truncated + " is truncated or corrupt", "--force");

        Path otherModel = dir.resolve("toy.sk");
        SecretKeyFile.create(otherModel, TOY.parameters());
        assertContains(chat("--key", otherModel.toString()), otherModel + " is a key for parameter set "
                + TOY.parameters().id(), "zkllm keys new --model " + DEFAULT_MODEL.modelHash().substring(0, 16));
    }

    @Test
    void aPromptLongerThanTheContextIsRefusedBeforeAnythingStarts() {
        String prompt = "a".repeat(DEFAULT_MODEL.maxContext() + 1);
        String context = "longer than the model's context of " + DEFAULT_MODEL.maxContext();
        assertContains(refused("chat", "--brain", "3", "--key", dir.resolve("none.sk").toString(), prompt), context);
        assertContains(refused("demo", "--prompt", prompt), context);
    }

    /** Every command with a --backend or --parallelism flag refuses a bad value when parsed, before anything starts. */
    @Test
    void backendAndParallelismAreCheckedWhenParsedByEveryCommand() {
        String[] validate = {"validate", "--brain", "3", "--validator-id", "1"};
        for (String[] command : new String[][] {{"demo"}, validate, {"bench", "fhe"}, {"bench", "model"}}) {
            assertContains(refused(with(command, "--backend", "tpu")),
                    "--backend", "unknown backend 'tpu'; valid names: auto, java, native, cuda");
        }
        assertContains(refused("chat", "--brain", "3", "--backend", "cuda", "hi"), "Unknown option", "'--backend'");
        for (String[] command : new String[][] {{"demo"}, validate, {"sql", "SELECT 1"}}) {
            for (String count : new String[] {"0", "-1"}) {
                assertContains(refused(with(command, "--parallelism", count)),
                        "--parallelism", "must be at least 1, got " + count);
            }
        }
    }

    /** A backend this machine cannot load (cuda without a GPU) is refused in one line by the commands that run it here. */
    @Test
    void aBackendThatCannotLoadHereIsRefusedInOneLine() {
        assumeFalse(loads("cuda"), "cuda loads on this machine (a GPU is visible)");
        for (String[] command : new String[][] {{"demo"}, {"bench", "fhe"}, {"bench", "model"}}) {
            assertContains(refused(with(command, "--backend", "cuda")), "--backend cuda: cuda ring backend unavailable",
                    "--backend auto");
        }
    }

    private static boolean loads(String backend) {
        try {
            RingBackends.named(backend);
            return true;
        } catch (IllegalStateException unavailable) {
            return false;
        }
    }

    @Test
    void benchModelRefusesAShapeItDoesNotKnowAndTokensPastTheContext() {
        assertContains(refused("bench", "model", "--shape", "gpt3"), "--shape: unknown shape 'gpt3'",
                "english, gpt2-small, reference");
        assertContains(refused("bench", "model", "--shape", "reference", "--prompt", "61", "--tokens", "5"),
                "--prompt 61 and --tokens 5 do not fit the shape's context of 64 tokens");
    }

    @Test
    void flagValuesAreCheckedWhenParsed() {
        assertContains(refused("chat", "--brain", "3", "--tokens", "0", "hi"), "--tokens", "must be at least 1");
        assertContains(refused("chat", "--brain", "3", "--model", "ffff0000", "hi"),
                "no installed model matches ffff0000", "zkllm models");
        Path missing = dir.resolve("model.zkfhe");
        assertContains(refused("squeeze", "report", "--model", missing.toString(), "--text", missing.toString()),
                "no such file: " + missing);
    }

    @Test
    void brainIdsAreNumbers() {
        String number = "brain ids are numbers";
        assertContains(refused("chat", "--brain", "b1", "hi"), "'b1' is not a brain id", number);
        assertContains(refused("settle-epoch", "--brain", "b1", "--epoch", "0"), "'b1' is not a brain id", number);
        assertContains(refused("validate", "--brain", "b1", "--validator-id", "1"), "--brain", "'b1'");
    }

    @Test
    void anUnreachableBrokerIsNamedWithinThirtySeconds() throws Exception {
        Path key = dir.resolve("k.sk");
        SecretKeyFile.create(key, DEFAULT_MODEL.parameters());
        String address;
        try (ServerSocket free = new ServerSocket(0)) {
            address = "127.0.0.1:" + free.getLocalPort(); // closed below: nothing listens there
        }
        long start = System.nanoTime();
        String line = chat("--key", key.toString(), "--bootstrap-servers", address);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds < 30, seconds + " s");
        assertContains(line, "no Kafka broker answered at " + address, "zkllm.responses", "--bootstrap-servers");
    }

    /** --kafka-property reaches the client's Kafka clients: a bad value is refused by name. */
    @Test
    void aBadKafkaPropertyIsNamed() throws Exception {
        Path key = dir.resolve("p.sk");
        SecretKeyFile.create(key, DEFAULT_MODEL.parameters());
        assertContains(chat("--key", key.toString(), "--kafka-property", "security.protocol=BOGUS"),
                "Kafka client property", "security.protocol", "BOGUS");
    }

    @Test
    void verboseAddsTheStackTrace() {
        StringWriter err = new StringWriter();
        int code = Zkllm.commandLine().setErr(new PrintWriter(err)).execute("chat", "--verbose", "--brain", "3",
                "--key", dir.resolve("none.sk").toString(), "hi");
        assertEquals(2, code, err.toString());
        assertTrue(err.toString().contains("\tat "), err.toString());
    }

    /** {@code zkllm chat} with the reference model, as far as the given flags let it go. */
    private String chat(String... flags) {
        return refused(with(new String[] {"chat", "--brain", "3", "--tokens", "1", "hi"}, flags));
    }

    private static String[] with(String[] args, String... flags) {
        String[] all = Arrays.copyOf(args, args.length + flags.length);
        System.arraycopy(flags, 0, all, args.length, flags.length);
        return all;
    }

    /** Runs zkllm, expects exit code 2 and one clean line on stderr, and returns that line. */
    private static String refused(String... args) {
        StringWriter err = new StringWriter();
        int code = Zkllm.commandLine().setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(err))
                .execute(args);
        String text = err.toString();
        assertEquals(2, code, text);
        assertEquals(1, text.lines().count(), "one line: " + text);
        assertFalse(text.contains("\tat ") || text.matches("(?s).*\\w(Exception|Error)\\b.*"), "no stack trace: " + text);
        assertTrue(text.startsWith("zkllm " + args[0]), "names the command: " + text);
        return text.strip();
    }

    private static void assertRun(int expected, String... args) {
        StringWriter err = new StringWriter();
        assertEquals(expected, Zkllm.commandLine().setOut(new PrintWriter(new StringWriter()))
                .setErr(new PrintWriter(err)).execute(args), err.toString());
    }

    private static void assertContains(String line, String... parts) {
        for (String part : parts) {
            assertTrue(line.contains(part), "'" + part + "' in: " + line);
        }
    }
}
