package ai.zkllm.operators.inference;

import ai.zkllm.fhe.ckks.Ciphertext;
import ai.zkllm.fhe.ckks.Evaluator;
import ai.zkllm.fhe.ckks.Parameters;
import ai.zkllm.program.FheProgram;
import ai.zkllm.program.TokenDecoder;
import ai.zkllm.program.ProgramRegistry;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** A one-round program (add 1) over a real 128-bit set, and a registry that knows only it. */
final class TestPrograms {
    static final Parameters PARAMS = Parameters.builder().logN(14).logScale(30).depth(1).dnum(2).build();
    static final FheProgram ADD_ONE = new FheProgram() {
        @Override public String modelHash() { return "ab".repeat(32); }
        @Override public Parameters parameters() { return PARAMS; }
        @Override public int[] rotationSteps() { return new int[0]; }
        @Override public int rounds() { return 1; }
        @Override public boolean acceptsInputCount(int round, int count) { return count == 1; }
        @Override public int maxContext() { return 1; }
        @Override public int vocabularySize() { return 2; }
        @Override public List<Ciphertext> evaluate(int round, List<Ciphertext> in, Evaluator ev) { return List.of(ev.add(in.get(0), 1.0)); }
        @Override public TokenDecoder newDecoder() {
            return TokenDecoder.stateless(tokens -> List.of(new double[PARAMS.slots()]), (round, d) -> d, d -> d.get(0));
        }
    };

    /** Serializable, as the job needs; resolves only {@link #ADD_ONE}. */
    static final class Registry implements ProgramRegistry {
        @Override
        public Optional<FheProgram> find(String modelHash) {
            return ADD_ONE.modelHash().equals(modelHash) ? Optional.of(ADD_ONE) : Optional.empty();
        }

        @Override
        public Collection<FheProgram> installed() {
            return List.of(ADD_ONE);
        }
    }

    private TestPrograms() {
    }
}
