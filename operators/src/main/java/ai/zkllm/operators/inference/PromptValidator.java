package ai.zkllm.operators.inference;

import ai.zkllm.program.FheProgram;
import ai.zkllm.program.ProgramRegistry;
import ai.zkllm.program.blob.Sha256;
import ai.zkllm.schemas.v1.CiphertextPayload;
import ai.zkllm.schemas.v1.DeadLetterReason;
import ai.zkllm.schemas.v1.EncryptedPrompt;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.Optional;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Parses and checks each raw prompt record; a good one goes on with its routing fields set, a bad
 * one goes to {@link DeadLetters#TAG} with the reason. Never throws on input, so no record can stop
 * the job. Checks: size bound, protobuf parse, ids present and bounded, a known model, its
 * parameter hash, the round number, inline ciphertext sizes, an evaluation-key reference, and a
 * deadline not already past. Ciphertext contents and keys are checked by the inference step.
 */
public class PromptValidator extends ProcessFunction<PromptEnvelope, PromptEnvelope> {
    private static final long serialVersionUID = 1L;
    static final int MAX_ID_LENGTH = 128;
    static final int MAX_INPUTS = 64;

    private final ProgramRegistry programs;
    private final long maxMessageBytes;

    public PromptValidator(ProgramRegistry programs, long maxMessageBytes) {
        this.programs = programs;
        this.maxMessageBytes = maxMessageBytes;
    }

    @Override
    public void processElement(PromptEnvelope e, Context ctx, Collector<PromptEnvelope> out) {
        if (e.value.length > maxMessageBytes) {
            ctx.output(DeadLetters.TAG, DeadLetters.of(e, DeadLetterReason.DEAD_LETTER_REASON_OVERSIZED,
                    e.value.length + " bytes exceed the limit of " + maxMessageBytes));
            return;
        }
        EncryptedPrompt p;
        try {
            p = EncryptedPrompt.parseFrom(e.value);
        } catch (InvalidProtocolBufferException ex) {
            ctx.output(DeadLetters.TAG, DeadLetters.of(e, DeadLetterReason.DEAD_LETTER_REASON_UNPARSEABLE,
                    "not an EncryptedPrompt: " + ex.getMessage()));
            return;
        }
        if (validId(p.getRequestId())) {
            e.requestId = p.getRequestId();
        }
        if (validId(p.getSessionId())) {
            e.sessionId = p.getSessionId();
        }
        e.deadlineUnixMs = p.getDeadlineUnixMs();
        String problem = problem(p);
        if (problem != null) {
            ctx.output(DeadLetters.TAG, DeadLetters.of(e, DeadLetterReason.DEAD_LETTER_REASON_INVALID, problem));
            return;
        }
        Optional<FheProgram> program = programs.find(p.getModelHash());
        if (program.isEmpty()) {
            ctx.output(DeadLetters.TAG, DeadLetters.of(e, DeadLetterReason.DEAD_LETTER_REASON_UNKNOWN_MODEL,
                    "no program for model hash " + p.getModelHash()));
            return;
        }
        FheProgram prog = program.get();
        if (!prog.parameters().id().equals(p.getParameterHash())) {
            ctx.output(DeadLetters.TAG, DeadLetters.of(e, DeadLetterReason.DEAD_LETTER_REASON_PARAMETER_MISMATCH,
                    "parameter hash " + p.getParameterHash() + " is not the model's " + prog.parameters().id()));
            return;
        }
        if (p.getRound() >= prog.rounds()) {
            ctx.output(DeadLetters.TAG, DeadLetters.of(e, DeadLetterReason.DEAD_LETTER_REASON_INVALID,
                    "round " + p.getRound() + " but the model has " + prog.rounds() + " rounds"));
            return;
        }
        if (p.getDeadlineUnixMs() != 0 && p.getDeadlineUnixMs() < System.currentTimeMillis()) {
            ctx.output(DeadLetters.TAG, DeadLetters.of(e, DeadLetterReason.DEAD_LETTER_REASON_DEADLINE_EXCEEDED,
                    "deadline passed before the job saw the prompt"));
            return;
        }
        out.collect(e);
    }

    private static String problem(EncryptedPrompt p) {
        if (!validId(p.getRequestId())) {
            return "request_id missing or longer than " + MAX_ID_LENGTH;
        }
        if (!validId(p.getSessionId())) {
            return "session_id missing or longer than " + MAX_ID_LENGTH;
        }
        if (p.getModelHash().isEmpty()) {
            return "model_hash missing";
        }
        if (p.getInputsCount() == 0 || p.getInputsCount() > MAX_INPUTS) {
            return "need 1.." + MAX_INPUTS + " input ciphertexts, got " + p.getInputsCount();
        }
        for (CiphertextPayload c : p.getInputsList()) {
            if (c.getBodyCase() == CiphertextPayload.BodyCase.BODY_NOT_SET
                    || c.getBodyCase() == CiphertextPayload.BodyCase.INLINE && c.getInline().isEmpty()
                    || c.getBodyCase() == CiphertextPayload.BodyCase.BLOB && !Sha256.isHex(c.getBlob().getSha256())) {
                return "an input ciphertext is empty or its blob reference is malformed";
            }
        }
        if (!p.hasEvaluationKeys() || !Sha256.isHex(p.getEvaluationKeys().getSha256())) {
            return "evaluation_keys reference missing or malformed";
        }
        return null;
    }

    private static boolean validId(String id) {
        return !id.isEmpty() && id.length() <= MAX_ID_LENGTH;
    }
}
