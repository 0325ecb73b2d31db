package ai.zkllm.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.zkllm.program.artifact.ShippedAffineReferenceProgram;
import ai.zkllm.program.artifact.ShippedArtifact;
import ai.zkllm.program.artifact.ShippedEnglishProgram;
import ai.zkllm.program.artifact.ShippedProgram;
import ai.zkllm.program.artifact.ShippedReferenceProgram;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {
    @TempDir
    Path tmp;

    @Test
    void helpListsTheFlags() {
        StringWriter out = new StringWriter();
        int code = Zkllm.commandLine().setOut(new PrintWriter(out)).execute("validate", "--help");
        assertEquals(0, code);
        String help = out.toString();
        System.out.println(help);
        for (String flag : new String[] {"--bootstrap-servers", "--brain", "--validator-id", "--miners", "--replay-fraction",
                "--canary-rate", "--canary-tokens", "--tolerance", "--latency-target-ms", "--epoch-length-ms",
                "--epoch-origin-ms", "--grace-ms", "--bounded", "--warehouse", "--catalog-property", "--model"}) {
            assertTrue(help.contains(flag), flag);
        }
    }

    @Test
    void canariesOfTheShippedModelsAreGradedAgainstTheirSqueezedModelsInPlaintext() {
        for (ShippedArtifact shipped : ShippedArtifact.values()) {
            ShippedProgram program = switch (shipped) {
                case REFERENCE -> new ShippedReferenceProgram();
                case ENGLISH -> new ShippedEnglishProgram();
                case REFERENCE_AFFINE_LN2 -> new ShippedAffineReferenceProgram();
            };
            int[] context = program.encodeText("The");
            assertArrayEquals(ShippedProgram.program(shipped).model().logits(context),
                    ValidateCommand.reference(program).logits(context), shipped.toString());
        }
    }

    @Test
    void refusesABadReplayFractionAndAMissingBrain() {
        StringWriter err = new StringWriter();
        int code = Zkllm.commandLine().setErr(new PrintWriter(err)).execute("validate", "--validator-id", "1");
        assertEquals(2, code);
        assertTrue(err.toString().contains("--brain"), err.toString());

        StringWriter err2 = new StringWriter();
        Path warehouse = tmp.resolve("warehouse");
        int code2 = Zkllm.commandLine().setErr(new PrintWriter(err2)).execute("validate", "--brain", "3",
                "--validator-id", "1", "--replay-fraction", "1.5", "--bounded", "--warehouse", warehouse.toString());
        assertEquals(2, code2);
        assertTrue(err2.toString().contains("replay fraction must be in [0, 1], got 1.5"), err2.toString());
        assertFalse(Files.exists(warehouse), "a refused run creates no warehouse");
    }
}
