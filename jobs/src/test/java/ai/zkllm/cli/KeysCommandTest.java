package ai.zkllm.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.zkllm.client.EvaluationKeyFile;
import ai.zkllm.client.SecretKeyFile;
import ai.zkllm.fhe.ckks.SecretKey;
import ai.zkllm.fhe.io.FheCodec;
import ai.zkllm.fhe.ring.RingBackends;
import ai.zkllm.jobs.demo.LinearSquareProgram;
import ai.zkllm.program.FheEngines;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class KeysCommandTest {
    @TempDir
    Path dir;

    @Test
    void keysNewWritesAnOwnerOnlyKeyThatLoadsAndIsNeverPrinted() throws Exception {
        Path key = dir.resolve("sub/k.sk");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream old = System.out;
        int code;
        try {
            System.setOut(new PrintStream(out, true));
            // two programs are installed (the reference model is the default): pick the toy
            code = new CommandLine(new Zkllm()).execute("keys", "new", "--out", key.toString(), "--model",
                    new LinearSquareProgram().modelHash());
        } finally {
            System.setOut(old);
        }
        assertEquals(0, code);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        LinearSquareProgram program = new LinearSquareProgram();
        SecretKey sk = SecretKeyFile.read(key, program.parameters());
        // The file is exactly the engine codec's FheSecretKey bytes.
        FheCodec codec = FheEngines.get(program.parameters(), RingBackends.preferred()).codec();
        assertArrayEquals(Files.readAllBytes(key), codec.toBytes(sk));
        assertTrue(out.toString().contains("rw-------"));
        assertFalse(out.toString().length() > 400, "the command prints a line, not key material");
        // Refuses to overwrite, and refuses a key others can read.
        assertEquals(2, Zkllm.commandLine().execute("keys", "new", "--out", key.toString(), "--model",
                new LinearSquareProgram().modelHash()));
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        assertThrows(IOException.class, () -> SecretKeyFile.read(key, program.parameters()));
    }

    @Test
    void everyStreamCommandHasHelp() {
        for (String[] args : new String[][] {{"keys", "--help"}, {"keys", "new", "--help"}, {"chat", "--help"},
                {"demo", "--help"}}) {
            assertEquals(0, new CommandLine(new Zkllm()).execute(args), String.join(" ", args));
        }
    }

    @Test
    void evaluationKeysAreGeneratedOncePerKeyFileAndCachedBesideIt() throws Exception {
        LinearSquareProgram program = new LinearSquareProgram();
        Path key = dir.resolve("k.sk");
        SecretKey sk = SecretKeyFile.create(key, program.parameters());
        Path evk = EvaluationKeyFile.besideSecretKey(key, program, sk);
        assertEquals(dir, evk.getParent());
        assertTrue(evk.getFileName().toString().matches("k\\.sk\\.[0-9a-f]{16}\\.evk"), evk.toString());
        byte[] first = EvaluationKeyFile.loadOrCreate(evk, program, sk);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(evk)));
        // Key generation is randomized: equal bytes mean the cache was used.
        assertArrayEquals(first, EvaluationKeyFile.loadOrCreate(evk, program, sk));
        // A damaged cache is regenerated, not trusted.
        byte[] damaged = first.clone();
        damaged[damaged.length / 2] ^= 1;
        Files.write(evk, damaged);
        byte[] again = EvaluationKeyFile.loadOrCreate(evk, program, sk);
        assertFalse(java.util.Arrays.equals(damaged, again));
        FheEngines.get(program.parameters(), RingBackends.preferred()).codec().evaluationKeysFromBytes(again);
        // Another secret key gets its own file.
        SecretKey other = SecretKeyFile.create(dir.resolve("k2.sk"), program.parameters());
        assertNotEquals(evk.getFileName().toString().substring(5),
                EvaluationKeyFile.besideSecretKey(dir.resolve("k.sk"), program, other).getFileName().toString().substring(5));
    }
}
