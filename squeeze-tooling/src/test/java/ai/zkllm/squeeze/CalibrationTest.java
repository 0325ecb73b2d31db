package ai.zkllm.squeeze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.zkllm.program.model.Gpt2Weights;
import ai.zkllm.program.squeezed.SqueezeParams;
import ai.zkllm.squeeze.calib.Calibration;
import ai.zkllm.squeeze.calib.SiteStats;
import ai.zkllm.squeeze.tool.SqueezeTool;
import java.util.List;
import org.junit.jupiter.api.Test;

class CalibrationTest {
    @Test
    void recordsTheRangeOfEveryNonLinearSite() throws Exception {
        Gpt2Weights w = Shipped.reference();
        List<int[]> windows = SqueezeTool.windows(Shipped.corpus().train(), 64, 8);
        Calibration c = SqueezeTool.calibrate(w, windows, 8, 15, 0);
        int L = w.config.nLayer();
        int H = w.config.nHead();
        assertEquals(2 * L + 1 + L * H + L, c.sites().size());
        for (SiteStats s : c.sites().values()) {
            assertTrue(s.count() > 0, s.site());
            assertTrue(s.min() <= s.p001() && s.p001() <= s.p01() && s.p01() <= s.p50() && s.p50() <= s.p99()
                    && s.p99() <= s.p999() && s.p999() <= s.max(), s.toString());
        }
        SqueezeParams p = c.params();
        for (int l = 0; l < L; l++) {
            SiteStats g = c.sites().get("h." + l + ".mlp.gelu_in");
            assertTrue(p.geluInterval[l][0] < g.min() && p.geluInterval[l][1] > g.max(), "GELU interval covers the range");
            for (int t = 0; t < w.config.nPositions(); t++) {
                assertTrue(p.ln1Inv[l][t] > 0 && Double.isFinite(p.ln1Inv[l][t]));
                for (int h = 0; h < H; h++) {
                    assertTrue(p.attnInvDen[l][h][t] > 0);
                }
            }
            for (int h = 0; h < H; h++) {
                assertEquals(p.attnScale[l][h] * c.sites().get("h." + l + ".attn.head" + h + ".scores").max(), p.attnShift[l][h], 1e-12);
            }
        }
        assertTrue(Integer.bitCount(p.attnPower) == 1 && p.attnPower <= Calibration.MAX_ATTN_POWER);
        SqueezeParams back = SqueezeParams.fromJson(p.toJson());
        assertEquals(p.toJson(), back.toJson());
        assertTrue(c.toJson().contains("\"p999\""));
    }
}
