package ai.zkllm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.zkllm.client.SecretKeyFile;
import ai.zkllm.jobs.demo.LinearSquareProgram;
import java.io.IOException;
import java.io.PrintStream;
import java.io.ByteArrayOutputStream;
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
            code = new CommandLine(new Zkllm()).execute("keys", "new", "--out", key.toString());
        } finally {
            System.setOut(old);
        }
        assertEquals(0, code);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        LinearSquareProgram program = new LinearSquareProgram();
        SecretKeyFile.read(key, program.parameters());
        assertTrue(out.toString().contains("rw-------"));
        assertFalse(out.toString().length() > 400, "the command prints a line, not key material");
        // Refuses to overwrite, and refuses a key others can read.
        assertEquals(1, new CommandLine(new Zkllm()).execute("keys", "new", "--out", key.toString()));
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
}
