package ai.zkllm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.zkllm.squeeze.tool.SqueezeTool;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A missing or bad model file given to {@code zkllm squeeze …} is one line naming it and exit code 2, not a stack trace. */
class SqueezeCommandTest {
    @TempDir
    Path dir;

    @Test
    void corruptArtifactAndMissingFolderAreOneLineRefusals() throws Exception {
        Path corrupt = Files.write(dir.resolve("model.zkfhe"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        Path text = Files.writeString(dir.resolve("held.txt"), "held-out text");
        String err = run(2, "squeeze", "report", "--model", corrupt.toString(), "--text", text.toString(),
                "--out", dir.resolve("r").toString());
        assertTrue(err.contains(corrupt.toString()), err);
        assertFalse(Files.exists(dir.resolve("r.json")), "nothing written");

        Path missing = dir.resolve("no-such-model");
        err = run(2, "squeeze", "compile", "--squeezed", missing.toString(), "--store", dir.resolve("s").toString());
        assertTrue(err.contains(missing.toString()), err);
        // every squeeze command shares the policy, not only those that once wrapped the exception
        err = run(2, "squeeze", "import", "--model", missing.toString());
        assertTrue(err.contains(missing.toString()), err);
    }

    @Test
    void calibrationFilesThatAreNotOnesAreOneLineRefusals() throws Exception {
        String ref = SqueezeTool.shippedReference(dir.resolve("ref")).toString();
        Path notJson = Files.writeString(dir.resolve("calib.json"), "sites: none");
        Path noParams = Files.writeString(dir.resolve("other.json"), "{\"sites\": []}");
        Path partial = Files.writeString(dir.resolve("partial.json"), "{\"params\": {\"layers\": 2}}");
        for (Path bad : new Path[] {notJson, noParams, partial}) {
            String err = run(2, "squeeze", "squeeze", "--model", ref, "--calibration", bad.toString(),
                    "--out", dir.resolve("sq").toString());
            assertTrue(err.contains(bad.toString()), err);
            assertFalse(Files.exists(dir.resolve("sq")), "nothing written");
            err = run(2, "squeeze", "ablate", "--model", ref, "--calibration", bad.toString());
            assertTrue(err.contains(bad.toString()), err);
        }
    }

    private static String run(int expectedCode, String... args) {
        StringWriter err = new StringWriter();
        CommandLine cl = Zkllm.commandLine();
        cl.setErr(new PrintWriter(err, true));
        assertEquals(expectedCode, cl.execute(args), err.toString());
        String text = err.toString().strip();
        assertEquals(1, text.lines().count(), "one line: " + text);
        assertFalse(text.contains("\tat "), "no stack trace: " + text);
        return text;
    }
}
