package ai.zkllm.operators.inference;

/**
 * What one prompt became: a response with its receipt, or a dead letter. Exactly one of
 * {@link #deadLetter} and the pair ({@link #response}, {@link #receipt}) is set.
 */
public class InferenceOutcome {
    public OutRecord response;
    public OutRecord receipt;
    public OutRecord deadLetter;

    public InferenceOutcome() {
    }

    public static InferenceOutcome answered(OutRecord response, OutRecord receipt) {
        InferenceOutcome o = new InferenceOutcome();
        o.response = response;
        o.receipt = receipt;
        return o;
    }

    public static InferenceOutcome rejected(OutRecord deadLetter) {
        InferenceOutcome o = new InferenceOutcome();
        o.deadLetter = deadLetter;
        return o;
    }
}
