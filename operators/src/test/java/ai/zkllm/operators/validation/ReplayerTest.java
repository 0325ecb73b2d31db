package ai.zkllm.operators.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.zkllm.fhe.ckks.Evaluator;
import ai.zkllm.schemas.v1.CiphertextPayload;
import ai.zkllm.schemas.v1.EncryptedPrompt;
import ai.zkllm.schemas.v1.WorkReceipt;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayerTest {
    @TempDir
    static Path dir;
    static ReplayFixture f;

    @BeforeAll
    static void keys() throws Exception {
        f = new ReplayFixture(dir);
    }

    @Test
    void anHonestAnswerReplaysBitExactly() {
        EncryptedPrompt p = f.prompt("req-honest", 0.5);
        ReplayFixture.Answer a = f.answer(p, "10", UnaryOperator.identity());
        ReplayVerdict v = f.replayer().replay(p, a.response(), a.receipt());
        assertEquals(ReplayVerdict.OK, v.status(), v.reason());
        assertEquals("10", v.minerId());
        assertEquals(1000, v.completedUnixMs());
    }

    @Test
    void aWellFormedWrongCiphertextWithAConsistentReceiptIsFlagged() {
        EncryptedPrompt p = f.prompt("req-cheat", 0.5);
        Evaluator ev = new Evaluator(f.engine.context(), f.keys);
        ReplayFixture.Answer a = f.answer(p, "12", ct -> ev.add(ct, 0.001));
        ReplayVerdict v = f.replayer().replay(p, a.response(), a.receipt());
        assertEquals(ReplayVerdict.MISMATCH, v.status());
        assertTrue(v.reason().startsWith("request req-cheat: output[0] replay "), v.reason());
        // receipt and response agree with each other, not with the replay
        String claimed = a.receipt().getOutputSha256(0).substring(0, 16);
        assertTrue(v.reason().contains("receipt " + claimed + ", response " + claimed), v.reason());
    }

    @Test
    void aReceiptThatLiesAboutTheDeliveredResponseIsFlagged() {
        EncryptedPrompt p = f.prompt("req-lie", 0.25);
        Evaluator ev = new Evaluator(f.engine.context(), f.keys);
        ReplayFixture.Answer honest = f.answer(p, "12", UnaryOperator.identity());
        ReplayFixture.Answer wrong = f.answer(p, "12", ct -> ev.negate(ct));
        // delivered the wrong ciphertext, but the receipt claims the right digest
        ReplayVerdict v = f.replayer().replay(p, wrong.response(), honest.receipt());
        assertEquals(ReplayVerdict.MISMATCH, v.status());
        assertTrue(v.reason().contains("response "), v.reason());
    }

    @Test
    void aReceiptForOtherInputsIsFlaggedAndAnUnknownModelIsOnlyUnverifiable() {
        EncryptedPrompt p = f.prompt("req-input", 0.5);
        ReplayFixture.Answer a = f.answer(p, "12", UnaryOperator.identity());
        WorkReceipt other = a.receipt().toBuilder().setInputSha256(0, "00".repeat(32)).build();
        ReplayVerdict v = f.replayer().replay(p, a.response(), other);
        assertEquals(ReplayVerdict.MISMATCH, v.status());
        assertTrue(v.reason().contains("input[0] digest in receipt 0000000000000000"), v.reason());

        EncryptedPrompt unknown = p.toBuilder().setModelHash("ef".repeat(32)).build();
        assertEquals(ReplayVerdict.UNVERIFIABLE, f.replayer().replay(unknown, a.response(), a.receipt()).status());
        EncryptedPrompt garbled = p.toBuilder().setInputs(0, CiphertextPayload.newBuilder()
                .setInline(com.google.protobuf.ByteString.copyFromUtf8("not a ciphertext"))).build();
        // a miner had to dead-letter a prompt whose input does not decode: answering it is wrong
        ReplayVerdict g = f.replayer().replay(garbled, a.response(), a.receipt());
        assertEquals(ReplayVerdict.MISMATCH, g.status(), g.reason());
        assertTrue(g.reason().contains("breaks the program's contract"), g.reason());
    }

    /**
     * Inputs that decode but are not what a client sends (another scale, a round the program does
     * not have): a miner that computes on them anyway, receipt and all consistent, is caught; the
     * miner's own executor dead-letters them.
     */
    @Test
    void anAnswerToInputsOutsideTheRoundContractIsAMismatch() {
        for (double scale : new double[] {ReplayFixture.PARAMS.scale() / 2, Math.nextDown(ReplayFixture.PARAMS.scale())}) {
            EncryptedPrompt p = f.prompt("req-scale-" + scale, 0.5, scale);
            ReplayFixture.Answer a = f.answer(p, "12", UnaryOperator.identity());
            ReplayVerdict v = f.replayer().replay(p, a.response(), a.receipt());
            assertEquals(ReplayVerdict.MISMATCH, v.status(), v.reason());
            assertTrue(v.reason().contains("takes fresh inputs"), v.reason());
        }
        EncryptedPrompt noSuchRound = f.prompt("req-round", 0.5).toBuilder().setRound(1).build();
        ReplayFixture.Answer a = f.answer(noSuchRound, "12", UnaryOperator.identity());
        ReplayVerdict v = f.replayer().replay(noSuchRound, a.response(), a.receipt());
        assertEquals(ReplayVerdict.MISMATCH, v.status(), v.reason());
        assertTrue(v.reason().contains("round 1 outside [0, 1)"), v.reason());
    }

    @Test
    void theJoinReplaysSampledRequestsOnceInAnyOrder() throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, StreamEvent, ReplayTask> h =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                        new ReplayJoinFunction(new ReplaySampler(1), java.time.Duration.ofMinutes(5)),
                        e -> e.requestId, Types.STRING);
        EncryptedPrompt p = f.prompt("req-join", 0.5);
        ReplayFixture.Answer a = f.answer(p, "10", UnaryOperator.identity());
        h.processElement(StreamEvent.of(StreamEvent.RECEIPT, "req-join", a.receipt().toByteArray()), 1);
        h.processElement(StreamEvent.of(StreamEvent.RESPONSE, "req-join", a.response().toByteArray()), 2);
        assertEquals(0, h.extractOutputValues().size());
        h.processElement(StreamEvent.of(StreamEvent.PROMPT, "req-join", p.toByteArray()), 3);
        List<ReplayTask> out = h.extractOutputValues();
        assertEquals(1, out.size());
        Observation o = ReplayFunction.replay(f.replayer(), out.get(0));
        assertEquals(Observation.REPLAY, o.kind);
        assertEquals(false, o.mismatch, o.reason);
        assertEquals("10", o.minerId);
        // a duplicate after the verdict is ignored
        h.processElement(StreamEvent.of(StreamEvent.RECEIPT, "req-join", a.receipt().toByteArray()), 4);
        assertEquals(1, h.extractOutputValues().size());

        KeyedOneInputStreamOperatorTestHarness<String, StreamEvent, ReplayTask> none =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                        new ReplayJoinFunction(new ReplaySampler(0), java.time.Duration.ofMinutes(5)),
                        e -> e.requestId, Types.STRING);
        none.processElement(StreamEvent.of(StreamEvent.PROMPT, "req-join", p.toByteArray()), 1);
        none.processElement(StreamEvent.of(StreamEvent.RESPONSE, "req-join", a.response().toByteArray()), 2);
        none.processElement(StreamEvent.of(StreamEvent.RECEIPT, "req-join", a.receipt().toByteArray()), 3);
        assertEquals(0, none.extractOutputValues().size());
    }
}
