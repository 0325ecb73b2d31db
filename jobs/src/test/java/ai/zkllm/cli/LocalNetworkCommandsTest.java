package ai.zkllm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.zkllm.program.artifact.ShippedEnglishProgram;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code zkllm up} in a temporary state folder, then the commands a user runs against it without
 * naming its broker or warehouse: status, keys new + chat (the default model), validate --bounded,
 * registry --bounded, sql, settle-epoch, status again, and down, which stops the background JVM and
 * removes the folder. The network is a child JVM on this class path; down runs whatever happens.
 */
class LocalNetworkCommandsTest {
    private static final String PROMPT = "The cat";

    @TempDir
    static Path tmp;

    private static Path state;
    private static long pid = -1;

    @Test
    void upChatValidateRegistrySettleSqlStatusDown() throws Exception {
        state = tmp.resolve("network");
        Path warehouse = state.resolve("warehouse");
        CliRun down;
        try {
            long start = System.nanoTime();
            // no warm-up: this test is about the commands, and a warm-up runs a token of every shipped program first
            CliRun up = run("up", "--warm-up", "none");
            assertEquals(0, up.exitCode(), up.err() + log());
            System.out.printf("up in %.1f s%n", (System.nanoTime() - start) / 1e9);
            assertTrue(up.out().startsWith("network up in " + state + " (pid "), up.out());
            assertTrue(up.out().contains("  broker     127.0.0.1:"), up.out());
            assertTrue(up.out().contains("zkllm-inference-miner-1, zkllm-validation-1, zkllm-registry: RUNNING"), up.out());
            assertTrue(up.out().contains("  logs       " + state.resolve("logs/network.log")), up.out());
            JsonNode network = new ObjectMapper().readTree(state.resolve("network.json").toFile());
            pid = network.get("pid").asLong();
            assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the network runs in pid " + pid);
            assertTrue(pid != ProcessHandle.current().pid());
            assertEquals(warehouse.toString(), network.get("warehouse").asText());
            assertEquals(1, network.get("brain").asInt());
            assertEquals("[1]", network.get("miners").toString());
            assertEquals(3, network.get("jobs").size(), network.toString());

            CliRun again = run("up");
            assertEquals(2, again.exitCode(), again.out());
            assertEquals(1, again.err().lines().count(), again.err());
            assertTrue(again.err().startsWith("zkllm up: a network is already up in " + state + " (pid " + pid + ")"),
                    again.err());

            CliRun status = run("status");
            assertEquals(0, status.exitCode(), status.out() + status.err());
            assertTrue(status.out().startsWith("network up in " + state + " (pid " + pid), status.out());
            assertTrue(status.out().contains("(reachable)"), status.out());
            for (String job : List.of("zkllm-inference-miner-1", "zkllm-validation-1", "zkllm-registry")) {
                assertTrue(status.out().lines().anyMatch(l -> l.matches("\\s+" + job + "\\s+RUNNING")), status.out());
            }

            Path key = tmp.resolve("keys").resolve("user.sk");
            CliRun keys = run("keys", "new", "--out", key.toString());
            assertEquals(0, keys.exitCode(), keys.err());
            CliRun chat = run("chat", "--brain", "1", "--key", key.toString(), "--tokens", "2", PROMPT);
            assertEquals(0, chat.exitCode(), chat.err() + log());
            System.out.println("zkllm chat: " + chat.out());
            assertTrue(chat.out().startsWith(PROMPT) && chat.out().length() > PROMPT.length() + 1,
                    "the prompt and a continuation: " + chat.out());
            int roundTrips = 2 * new ShippedEnglishProgram().rounds(); // the default model, two tokens
            assertTrue(chat.err().contains(roundTrips + " round trips"), chat.err());

            CliRun validate = run("validate", "--bounded", "--brain", "1", "--validator-id", "1", "--replay-fraction", "1");
            assertEquals(0, validate.exitCode(), validate.err());
            assertEquals("scored: brain 1, validator 1, warehouse " + warehouse, validate.out().strip());

            CliRun registry = run("registry", "--bounded");
            assertEquals(0, registry.exitCode(), registry.err());
            assertTrue(registry.out().contains("registrations table of " + warehouse), registry.out());

            CliRun scores = run("sql", "SELECT epoch, validator, miner, flagged_by_replay, reason FROM scores"
                    + " WHERE brain = 1 ORDER BY epoch");
            assertEquals(0, scores.exitCode(), scores.err());
            System.out.println("zkllm sql (scores):\n" + scores.out());
            List<String> rows = scores.out().lines().toList();
            assertTrue(rows.get(0).matches("\\s*epoch\\s+validator\\s+miner\\s+flagged_by_replay\\s+reason"), rows.get(0));
            // every round of the chat replayed bit-exactly (an hour boundary may split them over two epochs)
            assertTrue(rows.subList(2, rows.size() - 1).stream().allMatch(r -> r.matches(
                    "\\s*\\d+\\s+1\\s+1\\s+false\\s+.*replays \\d+, mismatches 0")), scores.out());
            String epoch = rows.get(2).strip().split("\\s+")[0];

            CliRun settle = run("settle-epoch", "--brain", "1", "--epoch", epoch);
            assertEquals(0, settle.exitCode(), settle.err());
            assertTrue(settle.out().startsWith("settling brain 1 epoch " + epoch + " from the tables in " + warehouse),
                    settle.out());
            assertTrue(settle.out().contains("\nsettled brain 1 epoch " + epoch + ": emission "), settle.out());

            CliRun rewards = run("sql", "SELECT role, id FROM rewards WHERE brain = 1 AND epoch = " + epoch
                    + " ORDER BY role, id");
            assertEquals(0, rewards.exitCode(), rewards.err());
            System.out.println("zkllm sql (rewards):\n" + rewards.out());
            List<String> paid = rewards.out().lines().map(String::strip).toList();
            assertEquals(List.of("role         id", "---------  ----", "miner         1", "owner      NULL",
                    "validator     1", "(3 rows)"), paid);

            CliRun registered = run("sql", "SELECT DISTINCT role, id, status FROM registrations WHERE brain = 1 ORDER BY role");
            assertEquals(0, registered.exitCode(), registered.err());
            assertTrue(registered.out().contains("miner       1  accepted") && registered.out().contains("validator   1  accepted"),
                    registered.out());

            // a flag given wins over the network's: another (empty) warehouse
            CliRun elsewhere = run("sql", "--warehouse", tmp.resolve("other-warehouse").toString(),
                    "SELECT COUNT(*) AS n FROM registrations");
            assertEquals(0, elsewhere.exitCode(), elsewhere.err());
            assertEquals("0", elsewhere.out().lines().toList().get(2).strip(), elsewhere.out());

            CliRun stillUp = run("status", "--json");
            assertEquals(0, stillUp.exitCode(), stillUp.out());
            JsonNode report = new ObjectMapper().readTree(stillUp.out());
            assertTrue(report.get("up").asBoolean() && report.get("broker_reachable").asBoolean(), stillUp.out());
        } finally {
            down = run("down");
        }
        System.out.println("zkllm down: " + down.out());
        assertEquals(0, down.exitCode(), down.err());
        assertTrue(down.out().startsWith("stopped the network (pid " + pid + ", SIGTERM)"), down.out());
        assertTrue(down.out().contains("removed " + state + " ("), down.out());
        assertFalse(Files.exists(state), "down removes the state folder");
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the network process is gone");

        CliRun after = run("status");
        assertEquals(3, after.exitCode(), after.out());
        assertEquals("no network is up in " + state + ": `zkllm up` starts one", after.out().strip());
        assertEquals("no network is up in " + state + "; nothing to stop or remove", run("down").out().strip());
    }

    /** Without a network: status says so (exit 3), down has nothing to do, up leaves a folder it did not make alone. */
    @Test
    void withoutANetworkStatusAndDownSaySoAndUpRefusesAForeignFolder() throws Exception {
        Path none = tmp.resolve("none");
        CliRun status = CliRun.of("status", "--state-dir", none.toString());
        assertEquals(3, status.exitCode(), status.out());
        assertEquals("no network is up in " + none + ": `zkllm up --state-dir " + none + "` starts one", status.out().strip());
        CliRun json = CliRun.of("status", "--json", "--state-dir", none.toString());
        assertEquals(3, json.exitCode(), json.out());
        assertFalse(new ObjectMapper().readTree(json.out()).get("up").asBoolean(), json.out());
        CliRun down = CliRun.in(none, "down");
        assertEquals(0, down.exitCode(), down.err());
        assertEquals("no network is up in " + none + "; nothing to stop or remove", down.out().strip());

        Path foreign = Files.createDirectories(tmp.resolve("foreign"));
        Files.writeString(foreign.resolve("notes.txt"), "mine");
        CliRun up = CliRun.in(foreign, "up");
        assertEquals(2, up.exitCode(), up.out());
        assertEquals("zkllm up: " + foreign + " is not empty and was not made by `zkllm up`; pick another --state-dir",
                up.err().strip());
        assertEquals("mine", Files.readString(foreign.resolve("notes.txt")));
        assertEquals(0, CliRun.in(foreign, "down").exitCode());
        assertTrue(Files.exists(foreign.resolve("notes.txt")), "down removes only a folder that up made");

        for (String command : List.of("up", "status", "down")) {
            CliRun help = CliRun.of(command, "--help");
            assertEquals(0, help.exitCode(), command);
            assertTrue(help.out().startsWith("Usage: zkllm " + command) && help.out().contains("--state-dir"), help.out());
        }
    }

    /** No process outlives the test, whatever failed. */
    @AfterAll
    static void stopTheNetwork() {
        if (pid > 0) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    private static CliRun run(String... args) {
        return CliRun.in(state, args);
    }

    private static String log() {
        try {
            return "\nnetwork log:\n" + Files.readString(state.resolve("logs/network.log"));
        } catch (Exception e) {
            return "";
        }
    }
}
