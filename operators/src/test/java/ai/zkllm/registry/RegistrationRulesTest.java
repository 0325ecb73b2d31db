package ai.zkllm.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class RegistrationRulesTest {

    private static final BigInteger STAKE = BigInteger.TEN.pow(21);

    private static RegistrationRequest miner(int brain, long id) {
        return new RegistrationRequest(brain, "miner", id, "hk", BigInteger.ZERO);
    }

    private static RegistrationRequest validator(int brain, long id) {
        return new RegistrationRequest(brain, "validator", id, "hk", STAKE);
    }

    @Test
    void theNetworkCapsAreThePapers() {
        assertEquals(new RegistryCaps(1024, 1792, 256), RegistryCaps.NETWORK);
    }

    @Test
    void aBrainTakes1792MinersAnd256ValidatorsThenRefusesWithAReason() {
        BrainRoster roster = new BrainRoster(RegistryCaps.NETWORK);
        for (int id = 0; id < 1792; id++) {
            assertTrue(roster.register(miner(1023, id), 0).accepted(), "miner " + id);
        }
        for (int id = 0; id < 256; id++) {
            assertTrue(roster.register(validator(1023, id), 0).accepted(), "validator " + id);
        }
        RegistrationDecision miner = roster.register(miner(1023, 5000), 0);
        assertFalse(miner.accepted());
        assertEquals("refused", miner.status);
        assertEquals("brain 1023 is full: it already has 1792 miners (cap 1792)", miner.reason);
        RegistrationDecision validator = roster.register(validator(1023, 5000), 0);
        assertEquals("brain 1023 is full: it already has 256 validators (cap 256)", validator.reason);
        assertEquals(1792, roster.count(1023, Role.MINER));
        assertEquals(256, roster.count(1023, Role.VALIDATOR));
        // Another brain is not affected by a full one.
        assertTrue(roster.register(miner(0, 5000), 0).accepted());
    }

    @Test
    void brainIdsStopAt1023() {
        BrainRoster roster = new BrainRoster(RegistryCaps.NETWORK);
        assertTrue(roster.register(miner(1023, 1), 0).accepted());
        assertEquals("brain 1024 out of range: the network holds at most 1024 brains (ids 0..1023)",
                roster.register(miner(1024, 1), 0).reason);
        assertEquals("brain -1 out of range: the network holds at most 1024 brains (ids 0..1023)",
                roster.register(miner(-1, 1), 0).reason);
    }

    @Test
    void idsAreUniquePerRoleWithinABrain() {
        BrainRoster roster = new BrainRoster(RegistryCaps.NETWORK);
        assertTrue(roster.register(miner(7, 42), 0).accepted());
        assertEquals("miner 42 is already registered to brain 7", roster.register(miner(7, 42), 0).reason);
        assertTrue(roster.register(validator(7, 42), 0).accepted(), "same id, other role");
        assertTrue(roster.register(miner(8, 42), 0).accepted(), "same id, other brain");
        assertEquals(1, roster.count(7, Role.MINER));
    }

    @Test
    void refusesBadRequestsWithTheirReason() {
        RegistryCaps caps = new RegistryCaps(4, 2, 2);
        assertEquals("unknown role \"owner\": must be miner or validator",
                RegistrationRules.refusal(new RegistrationRequest(1, "owner", 1, null, STAKE), caps, false, 0));
        assertEquals("a validator's stake must be > 0",
                RegistrationRules.refusal(new RegistrationRequest(1, "validator", 1, null, BigInteger.ZERO), caps, false, 0));
        assertEquals("stake must be an integer number of base units ≥ 0",
                RegistrationRules.refusal(new RegistrationRequest(1, "miner", 1, null, BigInteger.ONE.negate()), caps, false, 0));
        assertEquals("miner id must be in [0, 2147483647], got -3",
                RegistrationRules.refusal(new RegistrationRequest(1, "miner", -3, null, STAKE), caps, false, 0));
        assertNull(RegistrationRules.refusal(new RegistrationRequest(3, "MINER", 1, null, STAKE), caps, false, 1));
        assertEquals("brain 3 is full: it already has 2 miners (cap 2)",
                RegistrationRules.refusal(new RegistrationRequest(3, "miner", 1, null, STAKE), caps, false, 2));
    }

    @Test
    void parsesJsonAndTurnsGarbageIntoARefusal() {
        RegistrationRequest ok = RegistrationParser.parse(
                "{\"brain\":3,\"role\":\"validator\",\"id\":7,\"stake\":\"5000000000000000000000\",\"hotkey\":\"5F\"}");
        assertNull(ok.problem);
        assertEquals(3, ok.brain);
        assertEquals(new BigInteger("5000000000000000000000"), ok.stake);
        assertNull(RegistrationRules.refusal(ok, RegistryCaps.NETWORK, false, 0));

        assertEquals("malformed request: not JSON: Unrecognized token 'nope': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')",
                RegistrationRules.refusal(RegistrationParser.parse("nope"), RegistryCaps.NETWORK, false, 0));
        assertEquals("malformed request: stake: not an integer: \"1.5\"", RegistrationRules.refusal(
                RegistrationParser.parse("{\"brain\":3,\"role\":\"miner\",\"id\":7,\"stake\":\"1.5\"}"),
                RegistryCaps.NETWORK, false, 0));
        assertEquals("malformed request: unknown field \"uid\"", RegistrationRules.refusal(
                RegistrationParser.parse("{\"brain\":3,\"role\":\"miner\",\"uid\":7,\"id\":7,\"stake\":1}"),
                RegistryCaps.NETWORK, false, 0));
    }
}
