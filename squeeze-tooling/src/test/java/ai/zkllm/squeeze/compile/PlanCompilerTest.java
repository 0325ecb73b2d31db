package ai.zkllm.squeeze.compile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.zkllm.fhe.ckks.Parameters;
import ai.zkllm.program.plan.Plan;
import ai.zkllm.program.plan.SqueezedFheProgram;
import ai.zkllm.program.plan.Stage;
import ai.zkllm.program.squeezed.SqueezedModel;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanCompilerTest {
    @Test
    void planMeetsSecurityAndLevelBudgets() {
        SqueezedModel m = TinyModels.reference();
        for (double rtt : new double[] {0.0, 0.1, 5.0}) {
            PlanCompiler pc = new PlanCompiler(m, CostModel.JAVA_N14, rtt, 16);
            Plan p = pc.compile(s -> { });
            Parameters params = p.parameters();
            assertEquals(128, params.securityBits());
            assertEquals(p.depth() + 1, params.maxLevel());
            int stages = 0;
            for (int r = 0; r < p.roundCount(); r++) {
                List<Stage> round = p.rounds().get(r);
                int level = params.maxLevel();
                for (int i = 0; i < round.size(); i++) {
                    Stage s = round.get(i);
                    assertEquals(level, p.stageLevels().get(r).get(i), "planned level of " + s);
                    level -= pc.depth(s);
                    assertTrue(level >= 1, s + " in round " + r + " ends at level " + level);
                    if (s.cutAfterRequired()) {
                        assertEquals(round.size() - 1, i, s + " must end its round (client re-layout)");
                    }
                    stages++;
                }
            }
            assertEquals(pc.stages().size(), stages);
        }
        // a large RTT favours fewer rounds
        Plan cheapRtt = new PlanCompiler(m, CostModel.JAVA_N14, 0.0, 16).compile(s -> { });
        Plan dearRtt = new PlanCompiler(m, CostModel.JAVA_N14, 5.0, 16).compile(System.out::println);
        assertTrue(dearRtt.roundCount() <= cheapRtt.roundCount());
    }

    @Test
    void clientNormalisationEndsARoundAfterEveryStage() {
        SqueezedModel m = TinyModels.clientNormalised();
        PlanCompiler pc = new PlanCompiler(m, CostModel.JAVA_N14, 5.0, 16);
        Plan p = pc.compile(System.out::println);
        assertEquals(pc.stages().size(), p.roundCount(), "one stage per round, even when round trips are dear");
        assertEquals(1, pc.depth(new Stage(Stage.Kind.SCORES, 0)), "q·k only: the client takes the softmax");
        assertEquals(2 + Integer.numberOfTrailingZeros(TinyModels.reference().attnPower()),
                new PlanCompiler(TinyModels.reference(), CostModel.JAVA_N14, 5.0, 16)
                        .depth(new Stage(Stage.Kind.SCORES, 0)));
        // no stage shares a round, so any depth beyond the deepest stage (the MLP) is pure cost
        assertEquals(pc.depth(new Stage(Stage.Kind.MLP, 0)), p.depth());
    }

    @Test
    void costScalesWithContext() {
        SqueezedModel m = TinyModels.reference();
        PlanCompiler pc = new PlanCompiler(m, CostModel.JAVA_N14, 0.1, 64);
        Plan p = pc.compile(s -> { });
        assertTrue(pc.estimateOps(p, 4) < pc.estimateOps(p, 32));
        assertTrue(pc.estimateOps(p, 32) < pc.estimateOps(p, 64));
    }

    @Test
    void planJsonRoundTrip() throws Exception {
        Plan p = new PlanCompiler(TinyModels.reference(), CostModel.JAVA_N14, 0.1, 8).compile(s -> { });
        Plan q = Plan.fromJson(p.toJson());
        assertEquals(p, q);
        SqueezedFheProgram a = new SqueezedFheProgram(TinyModels.reference(), p, "h");
        SqueezedFheProgram b = new SqueezedFheProgram(TinyModels.reference(), q, "h");
        assertArrayEquals(a.rotationSteps(), b.rotationSteps());
    }
}
