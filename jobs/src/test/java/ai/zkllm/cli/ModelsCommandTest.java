package ai.zkllm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.zkllm.fhe.ckks.Parameters;
import ai.zkllm.jobs.demo.LinearSquareProgram;
import ai.zkllm.program.FheProgram;
import ai.zkllm.program.artifact.ShippedAffineReferenceProgram;
import ai.zkllm.program.artifact.ShippedEnglishProgram;
import ai.zkllm.program.artifact.ShippedReferenceProgram;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code zkllm models} shows what --model can name. */
class ModelsCommandTest {
    @Test
    void listsEveryInstalledProgramWithItsParameters() {
        StringWriter out = new StringWriter();
        assertEquals(0, Zkllm.commandLine().setOut(new PrintWriter(out)).execute("models"));
        List<String> lines = out.toString().lines().toList();
        assertEquals(5, lines.size(), out.toString()); // header + the three shipped models + the test's toy program
        for (FheProgram p : List.of(new ShippedReferenceProgram(), new ShippedEnglishProgram(),
                new ShippedAffineReferenceProgram(), new LinearSquareProgram())) {
            Parameters params = p.parameters();
            String row = lines.stream().filter(l -> l.startsWith(p.modelHash())).findFirst().orElseThrow();
            assertTrue(row.matches(".*\\b" + p.getClass().getSimpleName() + "\\s+" + params.logN() + "\\s+"
                    + params.maxLevel() + "\\s+" + params.securityBits() + " bit\\s+" + p.rounds() + "\\s+"
                    + p.maxContext()), row);
        }
    }
}
