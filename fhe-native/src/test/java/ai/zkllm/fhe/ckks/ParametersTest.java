package ai.zkllm.fhe.ckks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParametersTest {

    @Test
    void securityTableHoldsTheStandard128BitBounds() {
        int[] expected = {109, 218, 438, 881, 1772};
        for (int logN = 12; logN <= 16; logN++) {
            assertEquals(expected[logN - 12], Security.maxLogQP(logN));
            assertEquals(128, Security.securityBits(logN, expected[logN - 12]));
            assertEquals(0, Security.securityBits(logN, expected[logN - 12] + 0.5));
        }
        assertEquals(0, Security.securityBits(10, 50));
    }

    @Test
    void tooLargeSetIsRefusedUnlessMarkedInsecure() {
        Parameters.Builder builder = Parameters.builder().logN(12).depth(4).logScale(30).dnum(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build);
        assertTrue(e.getMessage().contains("logN = 12") && e.getMessage().contains("bound = 109")
                && e.getMessage().contains("logQP = "), e.getMessage());
        Parameters insecure = builder.insecureForTests(true).build();
        assertEquals(0, insecure.securityBits());
        assertTrue(insecure.logQP() > 109);
    }

    @Test
    void primeChainHasTheDocumentedShape() {
        Parameters p = Parameters.builder().logN(14).depth(8).logScale(30).dnum(3).build();
        assertEquals(128, p.securityBits());
        assertEquals(9, p.qPrimes().size());
        assertEquals(3, p.alpha());
        assertEquals(3, p.pPrimes().size());
        long step = 2L * p.n();
        assertEquals(p.qPrimes().get(0), ai.zkllm.fhe.ring.Primes.nttPrimesBelow(31, p.n(), 1, List.of()).get(0));
        double logRatio = 0;
        for (long q : p.qPrimes().subList(1, 9)) {
            assertEquals(1, q % step);
            assertTrue(Math.abs(Math.log(q) / Math.log(2) - 30) < 0.01, "scale prime " + q + " is not close to 2^30");
            logRatio += Math.log(q / 0x1p30) / Math.log(2);
        }
        assertTrue(Math.abs(logRatio) < 0.01, "scale primes drift: product is 2^(240 + " + logRatio + ")");
        List<Long> all = new ArrayList<>(p.qPrimes());
        all.addAll(p.pPrimes());
        assertEquals(all.size(), new HashSet<>(all).size());
        for (long sp : p.pPrimes()) {
            assertTrue(sp < (1L << 31) && sp > (1L << 30));
        }
    }

    @Test
    void idIsAStableHashOfTheCanonicalFields() {
        Parameters p = Parameters.builder().logN(13).depth(4).dnum(5).build();
        Parameters same = Parameters.fromPrimes(13, p.logScale(), p.dnum(), p.qPrimes(), p.pPrimes(), false);
        assertEquals(p, same);
        assertEquals(p.id(), same.id());
        assertEquals(64, p.id().length());
        assertNotEquals(p.id(), Parameters.builder().logN(13).depth(4).dnum(5).logScale(29).build().id());
        assertThrows(IllegalArgumentException.class,
                () -> Parameters.fromPrimes(13, 30, 1, List.of(12289L), p.pPrimes(), false), "12289 is not 1 mod 2N");
    }
}
